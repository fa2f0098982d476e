using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// One named complaint from lodging to closing through the HTTP API, with every deadline checked against
/// the 2026 calendar by hand. The only test of its class, because it moves the app's clock from
/// <see cref="AppFactory.Start"/> (Wednesday 2026-11-25 10:00 China time); November–December 2026 has no
/// holiday, so working days are Monday–Friday and each deadline ends 24:00 China time (16:00 UTC).
/// </summary>
public abstract class LifecycleTests(AppFixture fixture)
{
    private const string AssignNote = "交办意见-甲：请重点核查迎检台账";
    private const string ExtensionReason = "延期理由-乙：需调取三所学校的台账";
    private const string ApproveExtensionNote = "审批意见-丙：同意延期";
    private const string Findings1 = "核实情况-丁：区教育局确有重复要求";
    private const string Measures1 = "整改措施-戊：已口头提醒";
    private const string Reply1 = "答复一：经核查，情况基本属实。";
    private const string SendBackReason = "退回理由-己：整改措施不具体";
    private const string Findings2 = "核实情况-庚：三套材料要求已撤销";
    private const string Measures2 = "整改措施-辛：印发通知精简迎检材料";
    private const string Reply2 = "答复二：已撤销重复材料要求并通报。";
    private const string ApproveNote = "审核意见-壬：同意";
    private const string ReopenReason = "重新交办理由-癸：群众反映整改未落实";
    private const string Findings3 = "核实情况-子：回访三所学校";
    private const string Measures3 = "整改措施-丑：建立迎检材料清单";
    private const string Reply3 = "答复三：已建立迎检材料清单制度。";

    private static readonly string JytHandler = Handler("jyt");

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task A_named_complaint_runs_from_lodging_to_closing_with_working_day_deadlines_and_internal_notes_kept_internal()
    {
        var api = _api;
        var time = fixture.App.Time;
        Assert.Equal(AppFactory.Start, time.GetUtcNow());
        var who = Complainant.Distinct();

        var (number, code) = await api.LodgeAsync(Named(Complaint("迎检材料层层加码（全流程）"), who));
        var (eightPoint, _) = await api.LodgeAsync("公款宴请（全流程）", "jyt", "eight-point-rules");

        // Submitted: to be accepted within 2 working days, Thu 11-26 and Fri 11-27.
        var v = await api.StaffViewAsync(Supervisor, number);
        Assert.Equal("submitted", Str(v, "status"));
        Assert.Equal(Utc("2026-11-27T16:00:00Z"), Date(v["dueAt"]));
        Assert.False(v["overdue"]!.GetValue<bool>());
        Assert.Equal(0, v["escalationLevel"]!.GetValue<int>());
        Assert.Equal(["assign", "decline", "merge", "link"], await api.ActionsAsync(Supervisor, number));
        await ExpectAsync(await api.GetAsync(JytHandler, $"/api/v1/complaints/{number}"), HttpStatusCode.NotFound);

        // Assigned at 11:00 on Wed 11-25: the day itself never counts; 15 working days end Wed 12-16.
        time.Advance(TimeSpan.FromHours(1));
        v = await api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt", note = AssignNote });
        Assert.Equal("assigned", Str(v, "status"));
        Assert.Equal("jyt", v["unit"]!["code"]!.GetValue<string>());
        Assert.Equal(Utc("2026-12-16T16:00:00Z"), Date(v["dueAt"]));
        // eight-point-rules: 10 working days, ending Wed 12-09.
        var e = await api.DoAsync(Supervisor, eightPoint, "assign", new { unitCode = "jyt" });
        Assert.Equal(Utc("2026-12-09T16:00:00Z"), Date(e["dueAt"]));
        // Workflow v3: the unit may sign for the case (签收, due the end of Thu 11-26). This unit never does: its first
        // answer signs it then, late (the timeline below has no sign event; SigningRateTests covers the button).
        Assert.Equal(["sign", "request-return", "request-extension", "request-suspension", "respond"], await api.ActionsAsync(JytHandler, number));
        Assert.Equal(Utc("2026-11-26T16:00:00Z"), Date(v["signing"]!["dueAt"]));

        // Thu 11-26: the unit asks for 5 more working days; the deadline stays until a supervisor agrees.
        time.SetUtcNow(Utc("2026-11-26T02:00:00Z"));
        v = await api.DoAsync(JytHandler, number, "request-extension", new { workingDays = 5, reason = ExtensionReason });
        Assert.Equal("assigned", Str(v, "status"));
        Assert.Equal("extension", Str(v, "pendingRequest"));
        Assert.Equal(5, v["pendingExtensionDays"]!.GetValue<int>());
        Assert.Equal(Utc("2026-12-16T16:00:00Z"), Date(v["dueAt"]));
        Assert.Equal(["sign", "respond"], await api.ActionsAsync(JytHandler, number));
        var supervisorActions = await api.ActionsAsync(Supervisor, number);
        Assert.Contains("approve-extension", supervisorActions);
        Assert.Contains("reject-extension", supervisorActions);
        Assert.DoesNotContain("approve-return", supervisorActions);

        // Approved: 5 working days after Wed 12-16 are Thu 12-17, Fri 12-18, Mon 12-21, Tue 12-22, Wed 12-23.
        v = await api.DoAsync(Supervisor, number, "approve-extension", new { note = ApproveExtensionNote });
        Assert.Equal(Utc("2026-12-23T16:00:00Z"), Date(v["dueAt"]));
        Assert.Null(v["pendingRequest"]);
        Assert.Null(v["pendingExtensionDays"]);

        // Tue 12-01: the unit responds on time.
        time.SetUtcNow(Utc("2026-12-01T02:00:00Z"));
        v = await api.DoAsync(JytHandler, number, "respond", new { findings = Findings1, measures = Measures1, publicReply = Reply1 });
        Assert.Equal("under-review", Str(v, "status"));
        Assert.False(v["response"]!["late"]!.GetValue<bool>());
        Assert.Equal(Findings1, v["response"]!["findings"]!.GetValue<string>());
        Assert.Equal(["approve", "send-back", "link"], await api.ActionsAsync(Supervisor, number));
        Assert.Empty(await api.ActionsAsync(JytHandler, number));

        // Wed 12-02: sent back; rework gets 5 working days, Thu 12-03 … Wed 12-09.
        time.SetUtcNow(Utc("2026-12-02T02:00:00Z"));
        v = await api.DoAsync(Supervisor, number, "send-back", new { reason = SendBackReason });
        Assert.Equal("assigned", Str(v, "status"));
        Assert.Equal(Utc("2026-12-09T16:00:00Z"), Date(v["dueAt"]));
        Assert.Equal(1, v["reworkCount"]!.GetValue<int>());

        // Thu 12-03: responded again and approved.
        time.SetUtcNow(Utc("2026-12-03T02:00:00Z"));
        await api.DoAsync(JytHandler, number, "respond", new { findings = Findings2, measures = Measures2, publicReply = Reply2 });
        v = await api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4, note = ApproveNote });
        Assert.Equal("awaiting-feedback", Str(v, "status"));
        Assert.Equal(4, v["qualityRating"]!.GetValue<int>());
        Assert.Contains(Reply2, Readable(await api.PublicViewTextAsync(number, code)));

        // Fri 12-04: the complainant is dissatisfied; the case stays and waits for a supervisor.
        time.SetUtcNow(Utc("2026-12-04T02:00:00Z"));
        var feedback = await api.FeedbackAsync(number, code, "dissatisfied", "整改没有落实");
        Assert.Equal("awaiting-feedback", Str(JsonNode.Parse(await ExpectAsync(feedback, HttpStatusCode.OK))!.AsObject(), "status"));
        v = await api.StaffViewAsync(Supervisor, number);
        Assert.Equal("awaiting-feedback", Str(v, "status"));
        Assert.Equal("dissatisfied", Str(v, "satisfaction"));
        Assert.Equal(["reopen", "close", "link"], await api.ActionsAsync(Supervisor, number));
        Assert.Empty(await api.ActionsAsync(JytHandler, number));
        // One rating per round.
        await ExpectProblemAsync(await api.FeedbackAsync(number, code, "satisfied"), HttpStatusCode.Conflict);

        // Mon 12-07: reopened with a fresh 15 working days, Tue 12-08 … Mon 12-28.
        time.SetUtcNow(Utc("2026-12-07T02:00:00Z"));
        v = await api.DoAsync(Supervisor, number, "reopen", new { reason = ReopenReason });
        Assert.Equal("assigned", Str(v, "status"));
        Assert.Equal(Utc("2026-12-28T16:00:00Z"), Date(v["dueAt"]));
        Assert.Equal(1, v["reopenCount"]!.GetValue<int>());
        Assert.Null(v["satisfaction"]);
        // A reopen is a new handling round: a new signing deadline (end of Tue 12-08), the unit may sign again.
        Assert.Equal(Utc("2026-12-08T16:00:00Z"), Date(v["signing"]!["dueAt"]));
        Assert.Equal(["sign", "request-return", "request-extension", "request-suspension", "respond"], await api.ActionsAsync(JytHandler, number));

        time.SetUtcNow(Utc("2026-12-08T02:00:00Z"));
        await api.DoAsync(JytHandler, number, "respond", new { findings = Findings3, measures = Measures3, publicReply = Reply3 });
        time.SetUtcNow(Utc("2026-12-09T02:00:00Z"));
        await api.DoAsync(Supervisor, number, "approve", new { qualityRating = 5 });

        // Thu 12-10: satisfied, closed.
        time.SetUtcNow(Utc("2026-12-10T02:00:00Z"));
        feedback = await api.FeedbackAsync(number, code, "satisfied", "满意");
        Assert.Equal("closed", Str(JsonNode.Parse(await ExpectAsync(feedback, HttpStatusCode.OK))!.AsObject(), "status"));
        v = await api.StaffViewAsync(Supervisor, number);
        Assert.Equal("closed", Str(v, "status"));
        Assert.Equal("satisfied", Str(v, "satisfaction"));
        Assert.Null(v["dueAt"]);
        Assert.False(v["overdue"]!.GetValue<bool>());
        Assert.Equal(["reopen"], await api.ActionsAsync(Supervisor, number));
        Assert.Empty(await api.ActionsAsync(JytHandler, number));
        var closedAt = Date(v["timeline"]!.AsArray()[^1]!["at"])!.Value;
        Assert.Equal(Utc("2026-12-10T02:00:00Z"), closedAt);

        // The public timeline: what was said to the complainant and each change of status, never an internal note.
        var publicText = Readable(await api.PublicViewTextAsync(number, code));
        foreach (var secret in new[] { AssignNote, ExtensionReason, ApproveExtensionNote, Findings1, Measures1, SendBackReason, Findings2, Measures2, ApproveNote, ReopenReason, Findings3, Measures3, "调查核实情况", "internalNote", "actorName", "dueAt" })
        {
            Assert.DoesNotContain(secret, publicText);
        }
        var publicTimeline = JsonNode.Parse(publicText)!["timeline"]!.AsArray();
        Assert.Equal(
            ["submit", "assign", "approve-extension", "respond", "send-back", "respond", "approve", "feedback", "reopen", "respond", "approve", "feedback"],
            publicTimeline.Select(t => t!["action"]!.GetValue<string>()));
        Assert.Contains(publicTimeline, t => t!["note"]?.GetValue<string>() == $"办理结果：{Reply2}");
        Assert.Contains(publicTimeline, t => t!["note"]?.GetValue<string>() == $"办理结果：{Reply3}");
        Assert.Contains(publicTimeline, t => t!["note"]?.GetValue<string>().Contains("办理期限延长至") == true);

        // The staff timeline: every step with actor, from/to and the internal notes.
        var staff = await api.StaffViewAsync(Supervisor, number);
        var timeline = staff["timeline"]!.AsArray().Select(t => t!.AsObject()).ToList();
        Assert.Equal(
            ["submit", "assign", "request-extension", "approve-extension", "respond", "send-back", "respond", "approve", "feedback", "reopen", "respond", "approve", "feedback"],
            timeline.Select(t => Str(t, "action")));
        AssertStep(timeline[1], "assign", "supervisor", "纪检监察工委 督办员", "submitted", "assigned", AssignNote);
        AssertStep(timeline[2], "request-extension", "unit-handler", "省教育厅 承办人", "assigned", "assigned", ExtensionReason);
        Assert.Contains("\"workingDays\":5", timeline[2]["data"]!.GetValue<string>());
        AssertStep(timeline[3], "approve-extension", "supervisor", "纪检监察工委 督办员", "assigned", "assigned", ApproveExtensionNote);
        AssertStep(timeline[4], "respond", "unit-handler", "省教育厅 承办人", "assigned", "under-review", Findings1);
        Assert.Contains(Measures1, timeline[4]["internalNote"]!.GetValue<string>());
        AssertStep(timeline[5], "send-back", "supervisor", "纪检监察工委 督办员", "under-review", "assigned", SendBackReason);
        AssertStep(timeline[7], "approve", "supervisor", "纪检监察工委 督办员", "under-review", "awaiting-feedback", ApproveNote);
        AssertStep(timeline[8], "feedback", "complainant", null, "awaiting-feedback", "awaiting-feedback", null);
        AssertStep(timeline[9], "reopen", "supervisor", "纪检监察工委 督办员", "awaiting-feedback", "assigned", ReopenReason);
        AssertStep(timeline[12], "feedback", "complainant", null, "awaiting-feedback", "closed", null);
        Assert.Equal(Utc("2026-11-26T02:00:00Z"), Date(timeline[2]["at"]));

        // Staff see everything about the case, but the complaint's own view never carries the identity.
        who.AssertAbsentFrom(staff.ToJsonString(), "the supervisor's staff view");

        // A closed case may be reopened for 30 days after closing, not later.
        time.SetUtcNow(closedAt.AddDays(30).AddMinutes(-1));
        Assert.Equal(["reopen"], await api.ActionsAsync(Supervisor, number));
        time.SetUtcNow(closedAt.AddDays(30));
        Assert.Empty(await api.ActionsAsync(Supervisor, number));
        var late = await ExpectProblemAsync(await api.ActAsync(Supervisor, number, "reopen", new { reason = "超期后重新交办" }), HttpStatusCode.Conflict);
        var message = Errors(late, "action").Single();
        Assert.Contains("已超过办结后 30 天的重新交办期限", message);
        // Chinese only: the English of the engine's exception stays in the log.
        Assert.DoesNotContain("'closed'", message);
        Assert.Equal("closed", Str(await api.StaffViewAsync(Supervisor, number), "status"));
    }

    private static string? Str(JsonObject o, string name) => o[name]?.GetValue<string>();

    private static void AssertStep(JsonObject step, string action, string role, string? actorName, string from, string to, string? internalNoteContains)
    {
        var text = Readable(step);
        Assert.True(Str(step, "action") == action, $"expected {action}: {text}");
        Assert.True(Str(step, "actorRole") == role, $"actorRole of {text}");
        Assert.True(Str(step, "actorName") == actorName, $"actorName of {text}");
        Assert.True(Str(step, "from") == from, $"from of {text}");
        Assert.True(Str(step, "to") == to, $"to of {text}");
        if (internalNoteContains is not null)
        {
            Assert.True(Str(step, "internalNote")?.Contains(internalNoteContains) == true, $"internalNote of {text}");
        }
    }
}

public sealed class SqliteLifecycleTests(SqliteApp fixture) : LifecycleTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresLifecycleTests(PostgresApp fixture) : LifecycleTests(fixture), IClassFixture<PostgresApp>;
