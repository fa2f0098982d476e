using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Scoring;

/// <summary>
/// A round's live results are kept between requests (<c>Scoring:LiveResultsSeconds</c>, 60 s). An evaluation input this
/// node saves (a deduction) shows at once. A change it did not save (another node's; here an <c>ExecuteUpdate</c>,
/// which bypasses the change tracker) shows once the kept result is 60 s old, or at 24:00 China time, when deadlines
/// run out; so does case handling, which changes too often to recompute the round for each action.
/// </summary>
public abstract class LiveResultsTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<JsonObject> UnitAsync(int year, string code)
    {
        var rankings = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, $"/api/v1/evaluations/{year}/rankings"), HttpStatusCode.OK))!;
        return rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Single(u => u!["unitCode"]!.GetValue<string>() == code)!.AsObject();
    }

    private async Task<double> DeductionsAsync(string code) => (await UnitAsync(2020, code))["deductions"]!.GetValue<double>();

    /// <summary>Sets every deduction of the unit to <paramref name="points"/> without a SaveChanges, as another node's write looks to this one.</summary>
    private async Task SetBehindTheAppsBackAsync(string code, double points)
    {
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var unitId = await db.Units.Where(u => u.Code == code).Select(u => u.Id).SingleAsync();
        Assert.Equal(1, await db.Deductions.Where(d => d.UnitId == unitId).ExecuteUpdateAsync(s => s.SetProperty(d => d.Points, points)));
    }

    [Fact]
    public async Task Saved_inputs_show_at_once_and_other_writes_once_the_kept_result_is_a_minute_old_or_the_day_changes()
    {
        // 2026-11-26 15:59:00 UTC is 23:59 China time.
        fixture.App.Time.SetUtcNow(new DateTimeOffset(2026, 11, 26, 15, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, await DeductionsAsync("nky"));
        var deduction = await _api.CitingAsync(2020, new JsonObject
        {
            ["unitCode"] = "nky", ["points"] = 1.5, ["reason"] = "受理群众投诉敷衍了事", ["rule"] = "careless-handling",
        });
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2020/deductions", TestData.Json(deduction)), HttpStatusCode.Created);
        Assert.Equal(1.5, await DeductionsAsync("nky"));

        // Another node's write: the kept result stands for 60 s, then the round is computed again.
        await SetBehindTheAppsBackAsync("nky", 2.5);
        fixture.App.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1.5, await DeductionsAsync("nky"));
        fixture.App.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2.5, await DeductionsAsync("nky"));

        // Kept at 23:59:30 China time; 31 s later it is another day, and the round is computed again.
        fixture.App.Time.SetUtcNow(new DateTimeOffset(2026, 11, 26, 15, 59, 30, TimeSpan.Zero));
        Assert.Equal(2.5, await DeductionsAsync("nky"));
        await SetBehindTheAppsBackAsync("nky", 3);
        fixture.App.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(2.5, await DeductionsAsync("nky"));
        fixture.App.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(3, await DeductionsAsync("nky"));
    }

    [Fact]
    public async Task A_case_assigned_to_a_unit_counts_in_its_channel_facts_once_the_kept_result_is_a_minute_old()
    {
        // The 2026 round's period runs: the cut-off is now (the fake clock, 2026-11-25 or -26).
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2026/open", TestData.Json(new JsonObject())), HttpStatusCode.OK);
        var breakdownPath = "/api/v1/evaluations/2026/units/sky/breakdown";
        var before = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, breakdownPath), HttpStatusCode.OK))!;
        var rounds = before["channel"]!["facts"]?["handlingRounds"]?.GetValue<int>() ?? 0;

        var countedTo = before["channel"]!["countedToUtc"]!.GetValue<DateTime>();

        var number = await _api.AssignedAsync("窗口办事要求重复提交材料", "sky");
        fixture.App.Time.Advance(TimeSpan.FromSeconds(30));
        var kept = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, breakdownPath), HttpStatusCode.OK))!;
        Assert.Equal(rounds, kept["channel"]!["facts"]?["handlingRounds"]?.GetValue<int>() ?? 0);
        Assert.DoesNotContain(kept["channel"]!["cases"]!.AsArray(), c => c!["trackingNumber"]!.GetValue<string>() == number);
        Assert.Equal(countedTo, kept["channel"]!["countedToUtc"]!.GetValue<DateTime>());

        fixture.App.Time.Advance(TimeSpan.FromSeconds(31));
        var after = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, breakdownPath), HttpStatusCode.OK))!;
        Assert.Equal(countedTo.AddSeconds(61), after["channel"]!["countedToUtc"]!.GetValue<DateTime>());
        Assert.Equal(rounds + 1, after["channel"]!["facts"]!["handlingRounds"]!.GetValue<int>());
        Assert.Contains(after["channel"]!["cases"]!.AsArray(), c => c!["trackingNumber"]!.GetValue<string>() == number);
    }
}

public sealed class SqliteLiveResultsTests(SqliteApp fixture) : LiveResultsTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresLiveResultsTests(PostgresApp fixture) : LiveResultsTests(fixture), IClassFixture<PostgresApp>;
