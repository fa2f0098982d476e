using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Features.Complaints.Timers;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Complaints.Timers;

/// <summary>The feedback window: a case nobody rates within it is closed by the system sweep, once.</summary>
public abstract class SweepTimersTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task An_unrated_case_closes_when_the_feedback_window_ends_and_a_rated_one_waits()
    {
        var (silent, silentCode) = await ApprovedCaseAsync("无人评价");
        var (unhappy, unhappyCode) = await ApprovedCaseAsync("评价不满意");
        var rating = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{unhappy}/feedback") { Content = Json(new JsonObject { ["satisfaction"] = "dissatisfied" }) };
        rating.Headers.Add("X-Access-Code", unhappyCode);
        Assert.Equal(HttpStatusCode.OK, (await _api.Anonymous.SendAsync(rating)).StatusCode);

        fixture.App.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        // Other timers (accept-overdue of seeded cases) may be due by now; the first run fires them.
        await SweepAsync();
        Assert.Equal(0, await SweepAsync());
        Assert.Equal("awaiting-feedback", await StatusAsync(silent, silentCode));

        fixture.App.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await SweepAsync() >= 1);
        Assert.Equal(0, await SweepAsync());

        Assert.Equal("closed", await StatusAsync(silent, silentCode));
        Assert.Equal("awaiting-feedback", await StatusAsync(unhappy, unhappyCode));
        var view = await LookupAsync(silent, silentCode);
        var last = view["timeline"]!.AsArray()[^1]!;
        Assert.Equal("feedback-timeout", last["action"]!.GetValue<string>());
        Assert.Contains("自动办结", last["note"]!.GetValue<string>());
    }

    private async Task<int> SweepAsync()
    {
        using var scope = fixture.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SweepTimers.Handler>().HandleAsync(CancellationToken.None);
    }

    private async Task<(string Number, string Code)> ApprovedCaseAsync(string title)
    {
        var (number, code) = await _api.LodgeAsync(title);
        await _api.DoAsync(StaffApi.Supervisor, number, "assign", new { unitCode = DemoUnit });
        await _api.DoAsync(StaffApi.Handler(DemoUnit), number, "respond", new { findings = "经查属实", measures = "已整改", publicReply = "您反映的问题已整改。" });
        await _api.DoAsync(StaffApi.Supervisor, number, "approve", new { qualityRating = 4 });
        return (number, code);
    }

    private async Task<JsonObject> LookupAsync(string number, string code) => await (await _api.PublicGetAsync(number, code)).ReadObjectAsync();

    private async Task<string> StatusAsync(string number, string code) => (await LookupAsync(number, code))["status"]!.GetValue<string>();
}

public sealed class SqliteSweepTimersTests(SqliteApp fixture) : SweepTimersTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSweepTimersTests(PostgresApp fixture) : SweepTimersTests(fixture), IClassFixture<PostgresApp>;
