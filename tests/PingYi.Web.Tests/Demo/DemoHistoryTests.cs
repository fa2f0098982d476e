using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Demo;

/// <summary>
/// The demo as <c>dotnet run</c> starts it (<c>Demo:History=true</c>, from launchSettings.json): the current year's
/// round is open and ranks units differently, the 2020 round is approved and published, and cases that went
/// through the real workflow over the past months stand in every state — at least one overdue and one escalated —
/// with 省教育厅's 得分说明 counting its cases.
/// </summary>
public abstract class DemoHistoryTests(DatabaseProvider provider) : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(provider, new Dictionary<string, string?> { ["Demo:History"] = "true" });

    [Fact]
    public async Task The_demo_shows_differing_rankings_and_cases_in_every_state()
    {
        var api = StaffApi.For(_app);
        var supervisor = await api.AsAsync(Supervisor);
        var year = AppFactory.Start.Year;

        var rounds = JsonNode.Parse(await ExpectAsync(await supervisor.GetAsync("/api/v1/evaluations"), HttpStatusCode.OK))!.AsArray();
        Assert.Contains(rounds, r => r!["year"]!.GetValue<int>() == year && r["status"]!.GetValue<string>() == "open");
        Assert.Contains(rounds, r => r!["year"]!.GetValue<int>() == 2020 && r["status"]!.GetValue<string>() == "approved");
        using (var scope = _app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            Assert.True(await db.ResultSnapshots.AnyAsync(s => s.Year == 2020 && s.Published), "the 2020 results are published");
        }

        var rankings = JsonNode.Parse(await ExpectAsync(await supervisor.GetAsync($"/api/v1/evaluations/{year}/rankings"), HttpStatusCode.OK))!;
        // Units with no score from any source yet are listed unranked (score and rank null).
        var units = rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Where(u => u!["ranked"]!.GetValue<bool>()).ToList();
        Assert.NotEmpty(units);
        var scores = units.Select(u => u!["score"]!.GetValue<double>()).Distinct().ToList();
        Assert.True(scores.Count > 1, "every unit has the same score: " + string.Join(", ", scores));
        Assert.Contains(units, u => u!["rank"]!.GetValue<int>() > 1);

        var list = await api.ListAsync(Supervisor, "?limit=100");
        var items = list["items"]!.AsArray().Select(i => i!).ToList();
        var statuses = items.Select(i => i["status"]!.GetValue<string>()).ToHashSet();
        foreach (var status in new[] { "submitted", "declined", "assigned", "under-review", "awaiting-feedback", "closed" })
        {
            Assert.Contains(status, statuses);
        }
        Assert.Contains(items, i => i["overdue"]!.GetValue<bool>());
        Assert.Contains(items, i => i["escalationLevel"]!.GetValue<int>() >= 2);
        Assert.NotEmpty(await api.ListNumbersAsync(Supervisor, "?overdue=true"));

        var board = await supervisor.GetStringAsync("/staff/oversight");
        Assert.Contains("督办 3 级", board);
        Assert.Matches(@"DB-\d{4}-\d{4}", board);

        var jyt = await supervisor.GetStringAsync($"/staff/scoring/{year}/units/jyt");
        Assert.DoesNotContain("本评议期内无交办本单位的反映", jyt);
    }

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteDemoHistoryTests() : DemoHistoryTests(DatabaseProvider.Sqlite);

public sealed class PostgresDemoHistoryTests() : DemoHistoryTests(DatabaseProvider.Postgres);
