using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Supervision;

/// <summary>
/// The 回访 queue and its calls through the API, and what a call does to the channel score. Every case is for
/// 发改委 (fgw), which has no other case in this app, answered and approved at the app's start (Wed 2026-11-25
/// 10:00 China time); eight days later the 7-day feedback window is over.
/// </summary>
public abstract class CallbackQueueTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<(string Number, string Code)> ApprovedAsync(string title, bool named)
    {
        var body = Complaint(title, "fgw");
        var (number, code) = await _api.LodgeAsync(named ? Named(body, Complainant.Distinct()) : body);
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "fgw" });
        await _api.DoAsync(Handler("fgw"), number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" });
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
        return (number, code);
    }

    private async Task<HttpResponseMessage> CallAsync(string email, string number, object body) =>
        await (await _api.AsAsync(email)).PostAsync($"/api/v1/complaints/{number}/callbacks", JsonContent.Create(body));

    private async Task<JsonArray> QueueAsync() =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/callbacks"), HttpStatusCode.OK))!["items"]!.AsArray();

    private static JsonNode? Item(JsonArray items, string number) => items.SingleOrDefault(i => i!["trackingNumber"]!.GetValue<string>() == number);

    [Fact]
    public async Task Unrated_and_dissatisfied_named_cases_are_queued_and_a_reached_call_counts_for_the_unrated_answer()
    {
        Assert.Equal(AppFactory.Start, fixture.App.Time.GetUtcNow());
        var token = Token("回访");
        var unrated = await ApprovedAsync($"{token} 未评价", named: true);
        var dissatisfied = await ApprovedAsync($"{token} 不满意", named: true);
        var anonymous = await ApprovedAsync($"{token} 匿名", named: false);
        var unreachable = await ApprovedAsync($"{token} 联系不上", named: true);
        await ExpectAsync(await _api.FeedbackAsync(dissatisfied.Number, dissatisfied.Code, "dissatisfied", resolved: "unresolved"), HttpStatusCode.OK);

        // Within the feedback window only the 不满意 is due a call.
        var items = await QueueAsync();
        Assert.Equal("dissatisfied", Item(items, dissatisfied.Number)!["reason"]!.GetValue<string>());
        Assert.Null(Item(items, unrated.Number));

        fixture.App.Time.SetUtcNow(Utc("2026-12-03T02:00:00Z"));
        items = await QueueAsync();
        Assert.Equal("unrated", Item(items, unrated.Number)!["reason"]!.GetValue<string>());
        Assert.Equal("评价期满未评价", Item(items, unrated.Number)!["reasonLabel"]!.GetValue<string>());
        Assert.NotNull(Item(items, unreachable.Number));
        Assert.Null(Item(items, anonymous.Number));   // no one to call
        await ExpectProblemAsync(await _api.GetAsync(Handler("fgw"), "/api/v1/callbacks"), HttpStatusCode.Forbidden);

        // The contact through the reveal-with-reason flow (logged), then the call.
        var who = JsonNode.Parse(await ExpectAsync(await _api.RevealAsync(Supervisor, unrated.Number, "回访反映人"), HttpStatusCode.OK))!;
        Assert.False(string.IsNullOrEmpty(who["phone"]!.GetValue<string>()));
        var recorded = JsonNode.Parse(await ExpectAsync(await CallAsync(Supervisor, unrated.Number,
            new { reached = true, satisfaction = "satisfied", resolved = "resolved", notes = "反映人表示问题已解决" }), HttpStatusCode.OK))!;
        Assert.True(recorded["reached"]!.GetValue<bool>());
        await ExpectAsync(await CallAsync(Supervisor, unreachable.Number, new { reached = false, notes = "两次拨打无人接听" }), HttpStatusCode.OK);

        // Refusals: half an answer (400), an anonymous case (409), a unit's handler (403).
        var half = await ExpectProblemAsync(await CallAsync(Supervisor, dissatisfied.Number, new { reached = true, satisfaction = "satisfied" }), HttpStatusCode.BadRequest);
        Assert.Contains("请选择问题是否解决。", Errors(half, "resolved"));
        await ExpectProblemAsync(await CallAsync(Supervisor, anonymous.Number, new { reached = false }), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await CallAsync(Handler("fgw"), unrated.Number, new { reached = false }), HttpStatusCode.Forbidden);

        items = await QueueAsync();
        Assert.Null(Item(items, unrated.Number));                                   // reached: done
        Assert.False(Item(items, unreachable.Number)!["lastCallReached"]!.GetValue<bool>());  // 未能联系: still to call

        // Each call is on the staff timeline (internal), never on the complainant's.
        var timeline = (await _api.StaffViewAsync(Supervisor, unrated.Number))["timeline"]!.AsArray();
        var call = Assert.Single(timeline, e => e!["action"]!.GetValue<string>() == "callback")!;
        Assert.Contains("已联系，满意，已解决", Readable(call["internalNote"]!));
        var publicView = Readable(await _api.PublicViewTextAsync(unrated.Number, unrated.Code));
        Assert.DoesNotContain("\"callback\"", publicView);
        Assert.DoesNotContain("反映人表示问题已解决", publicView);

        // The score: the reached call's answer counts for the unrated case; the unreached one stays unrated.
        using (var scope = fixture.App.Services.CreateScope())
        {
            var round = scope.ServiceProvider.GetRequiredService<EvaluationRuntime>().Find(2026)!;
            var facts = (await scope.ServiceProvider.GetRequiredService<IChannelScores>().ForRoundAsync(round, Utc("2026-12-03T03:00:00Z"), CancellationToken.None))["fgw"].Facts;
            Assert.Equal((1, 1, 1, 2, 1), (facts.Satisfied, facts.Dissatisfied, facts.RatedByCallback, facts.UnratedSatisfaction, facts.CallbackNotReached));
            Assert.Equal((1, 1), (facts.Resolved, facts.Unresolved));
            // As of a cut-off before the call, it had not happened.
            var before = (await scope.ServiceProvider.GetRequiredService<IChannelScores>().ForRoundAsync(round, Utc("2026-12-03T01:00:00Z"), CancellationToken.None))["fgw"].Facts;
            Assert.Equal((0, 0, 3), (before.Satisfied, before.RatedByCallback, before.UnratedSatisfaction));
        }
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2026/open", TestData.Json(new JsonObject())), HttpStatusCode.OK);
        var breakdown = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/units/fgw/breakdown"), HttpStatusCode.OK))!;
        var ratedBy = breakdown["channel"]!["ratedBy"]!;
        Assert.Equal((1, 1, 2, 1), (ratedBy["complainant"]!.GetValue<int>(), ratedBy["callback"]!.GetValue<int>(), ratedBy["unrated"]!.GetValue<int>(), ratedBy["notReached"]!.GetValue<int>()));

        // The page lists the same queue for the supervisors, each case with its form.
        var page = await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/callbacks"), HttpStatusCode.OK);
        Assert.Contains($"id=\"callback-{unreachable.Number}\"", page);
        Assert.Contains("未能联系", page);
        Assert.DoesNotContain($"id=\"callback-{unrated.Number}\"", page);
    }
}

public sealed class SqliteCallbackQueueTests(SqliteApp fixture) : CallbackQueueTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresCallbackQueueTests(PostgresApp fixture) : CallbackQueueTests(fixture), IClassFixture<PostgresApp>;
