using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Tests.Complaints.Timers;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Scoring;

/// <summary>
/// 签收 through the staff API and the channel's 及时签收率 it feeds. Every case is assigned at the app's start, Wed
/// 2026-11-25 10:00 China time, under workflow v3: the unit has one working day to sign, to the end of Thu 11-26
/// (2026-11-26T16:00Z). Each unit below has only the cases made here (the demo cases are never assigned), so its
/// tally is exactly what this test did.
/// </summary>
public abstract class SigningRateTests(AppFixture fixture)
{
    private static readonly DateTime SignDue = Utc("2026-11-26T16:00:00Z");
    private static readonly DateTime Cutoff = Utc("2026-12-01T02:00:00Z");

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private void At(string iso) => fixture.App.Time.SetUtcNow(Utc(iso));

    private Task<JsonObject> Respond(string unit, string number) =>
        _api.DoAsync(Handler(unit), number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" });

    [Fact]
    public async Task Signing_on_time_late_never_or_by_answering_shows_in_the_rate_and_the_breakdown()
    {
        Assert.Equal(AppFactory.Start, fixture.App.Time.GetUtcNow());
        var token = Token("签收");
        var onTime = await _api.AssignedAsync($"{token} 按期签收", "jyt", sign: false);
        var late = await _api.AssignedAsync($"{token} 超期签收", "gat", sign: false);
        var never = await _api.AssignedAsync($"{token} 未签收", "mzt", sign: false);
        var answered = await _api.AssignedAsync($"{token} 答复视为签收", "czt", sign: false);
        var moved = await _api.AssignedAsync($"{token} 签收前转办", "zrt", sign: false);

        // The staff view and the handling page show the signing deadline and, to the unit, the 签收 button.
        var view = await _api.StaffViewAsync(Handler("jyt"), onTime);
        Assert.Equal(SignDue, Date(view["signing"]!["dueAt"]));
        Assert.Null(view["signing"]!["signedAt"]);
        Assert.Contains("sign", await _api.ActionsAsync(Handler("jyt"), onTime));
        Assert.DoesNotContain("sign", await _api.ActionsAsync(Supervisor, onTime));
        var page = await ExpectAsync(await _api.GetAsync(Handler("jyt"), $"/staff/complaints/{onTime}"), HttpStatusCode.OK);
        Assert.Contains("id=\"action-sign\"", page);
        Assert.Contains("<summary>签收</summary>", page);
        Assert.Contains("待签收，签收期限 2026-11-26 24:00", page);
        // Another unit cannot sign for it, nor can it be signed twice.
        var other = await _api.ActAsync(Handler("gat"), onTime, "sign");
        Assert.True(other.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, other.StatusCode.ToString());

        At("2026-11-26T02:00:00Z");
        view = await _api.DoAsync(Handler("jyt"), onTime, "sign");
        Assert.Equal(Utc("2026-11-26T02:00:00Z"), Date(view["signing"]!["signedAt"]));
        Assert.False(view["signing"]!["late"]!.GetValue<bool>());
        await ExpectProblemAsync(await _api.ActAsync(Handler("jyt"), onTime, "sign"), HttpStatusCode.Conflict);
        await Respond("czt", answered);
        // Transferred before its signing deadline: 自然资源厅 is not counted, 住建厅 gets a deadline of its own (end of Fri 11-27).
        view = await _api.DoAsync(Supervisor, moved, "transfer", new { unitCode = "zjt", reason = "职责在住建厅" });
        Assert.Equal(Utc("2026-11-27T16:00:00Z"), Date(view["signing"]!["dueAt"]));

        // The deadline passes: the sweep fires 签收超期 once for each unsigned case and tells the unit.
        At("2026-11-26T16:00:00Z");
        await Sweep.RunAsync(fixture.App);
        await Sweep.RunAsync(fixture.App);
        Assert.Equal(1, (await _api.StaffViewAsync(Supervisor, never))["timeline"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "sign-overdue"));
        Assert.Single(await Outbox.RowsAsync(fixture.App, never), m => m.Kind == "sign-overdue" && m.Recipient == Handler("mzt"));
        Assert.DoesNotContain(await Outbox.RowsAsync(fixture.App, onTime), m => m.Kind.StartsWith("sign", StringComparison.Ordinal));

        At("2026-11-27T02:00:00Z");
        view = await _api.DoAsync(Handler("gat"), late, "sign");
        Assert.True(view["signing"]!["late"]!.GetValue<bool>());
        await _api.DoAsync(Handler("zjt"), moved, "sign");
        At("2026-12-01T02:00:00Z");

        using var scope = fixture.App.Services.CreateScope();
        var round = scope.ServiceProvider.GetRequiredService<EvaluationRuntime>().Find(2026)!;
        var channel = scope.ServiceProvider.GetRequiredService<IChannelScores>();
        var scores = await channel.ForRoundAsync(round, Cutoff, CancellationToken.None);
        (double, double) Sign(string unit) => (scores[unit].Result.Rate(ChannelRates.SignedOnTime)!.Numerator, scores[unit].Result.Rate(ChannelRates.SignedOnTime)!.Denominator);
        Assert.Equal((1.0, 1.0), Sign("jyt"));   // signed Thu 10:00
        Assert.Equal((0.0, 1.0), Sign("gat"));   // signed Fri, after the deadline
        Assert.Equal((0.0, 1.0), Sign("mzt"));   // never signed, the deadline passed while it held the case
        Assert.Equal((1.0, 1.0), Sign("czt"));   // answered Thu 10:00 without signing: signed then, in time
        Assert.Equal((0.0, 0.0), Sign("zrt"));   // transferred before its deadline: nothing to count
        Assert.Equal((1.0, 1.0), Sign("zjt"));
        Assert.Null(scores["zrt"].Result.Rate(ChannelRates.SignedOnTime)!.Value);

        // As of a cut-off before the deadline, the unsigned cases are not decided yet; the signed one is.
        var early = await channel.ForRoundAsync(round, Utc("2026-11-26T03:00:00Z"), CancellationToken.None);
        Assert.Equal(0, early["mzt"].Facts.SignDeadlines);
        Assert.Equal((1, 1), (early["jyt"].Facts.SignDeadlines, early["jyt"].Facts.SignedOnTime));

        // Everything else equal, a late signature costs points: 公安厅 and 教育厅 differ only in when they signed.
        Assert.True(scores["gat"].Result.Raw < scores["jyt"].Result.Raw);

        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2026/open", TestData.Json(new JsonObject())), HttpStatusCode.OK);
        var breakdown = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/units/gat/breakdown"), HttpStatusCode.OK))!;
        var rate = breakdown["channel"]!["rates"]!["signedOnTime"]!;
        Assert.Equal((0.0, 1.0, 0.0, 0.1), (rate["numerator"]!.GetValue<double>(), rate["denominator"]!.GetValue<double>(), rate["value"]!.GetValue<double>(), rate["weight"]!.GetValue<double>()));
        Assert.Equal("及时签收率", rate["label"]!.GetValue<string>());
    }
}

public sealed class SqliteSigningRateTests(SqliteApp fixture) : SigningRateTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSigningRateTests(PostgresApp fixture) : SigningRateTests(fixture), IClassFixture<PostgresApp>;
