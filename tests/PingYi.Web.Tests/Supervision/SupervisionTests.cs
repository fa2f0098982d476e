using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Supervision;

/// <summary>催办 and 督办 through the staff API (workflow v2 on), their refusals, and v1 and v2 cases running beside v3 ones. The clock does not move.</summary>
public abstract partial class SupervisionTests(AppFixture fixture)
{
    private static readonly string JytHandler = Handler("jyt");
    private static readonly string RstHandler = Handler("rst");
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task A_supervisor_urges_the_unit_without_changing_the_state_and_the_note_is_required()
    {
        var number = await _api.AssignedAsync($"{Token("催办")} 催办");
        Assert.Contains("urge", await _api.ActionsAsync(Supervisor, number));
        Assert.DoesNotContain("urge", await _api.ActionsAsync(JytHandler, number));

        var problem = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "urge", new { }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(problem, "note")[0]));
        await ExpectProblemAsync(await _api.ActAsync(JytHandler, number, "urge", new { note = "自己催自己" }), HttpStatusCode.Forbidden);

        var view = await _api.DoAsync(Supervisor, number, "urge", new { note = "请于本周内报送办理情况" });
        Assert.Equal("assigned", view["status"]!.GetValue<string>());
        var urge = view["timeline"]!.AsArray()[^1]!;
        Assert.Equal("urge", urge["action"]!.GetValue<string>());
        Assert.Equal("催办", urge["actionLabel"]!.GetValue<string>());
        Assert.Contains("请于本周内报送办理情况", Readable(urge["internalNote"]!));
        Assert.Null(urge["note"]);

        // Not with the unit: nothing to urge.
        var (waiting, _) = await _api.LodgeAsync($"{Token("催办")} 待受理");
        await ExpectProblemAsync(await _api.ActAsync(Supervisor, waiting, "urge", new { note = "催" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_supervision_notice_is_numbered_has_a_reply_deadline_and_only_the_unit_answers_it_once()
    {
        var number = await _api.AssignedAsync($"{Token("督办")} 督办");
        Assert.DoesNotContain("answer-supervision", await _api.ActionsAsync(JytHandler, number));
        await ExpectProblemAsync(await _api.ActAsync(JytHandler, number, "answer-supervision", new { answer = "无" }), HttpStatusCode.Conflict);

        var bad = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "supervise", new { reason = "督办", workingDays = 0 }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(bad, "workingDays")[0]));
        bad = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "supervise", new { workingDays = 2 }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(bad, "reason")[0]));

        var view = await _api.DoAsync(Supervisor, number, "supervise", new { reason = "群众反映强烈，请限期答复" });
        var notice = view["supervisions"]![0]!;
        var first = notice["number"]!.GetValue<string>();
        Assert.Matches(NoticeNumber(), first);
        // Default from the definition, 3 working days after Wed 11-25: Thu, Fri, Mon 11-30.
        Assert.Equal(Utc("2026-11-30T16:00:00Z"), Date(notice["dueAt"]));
        Assert.Equal(3, notice["workingDays"]!.GetValue<int>());
        Assert.Contains(first, Readable(view["timeline"]!.AsArray()[^1]!["internalNote"]!));

        Assert.Contains("群众反映强烈，请限期答复。请于", Readable(view["timeline"]!.AsArray()[^1]!["internalNote"]!));

        // A reason that already ends with 。 gets no second one.
        view = await _api.DoAsync(Supervisor, number, "supervise", new { reason = "再次督办，请限期答复。", workingDays = 1 });
        var again = Readable(view["timeline"]!.AsArray()[^1]!["internalNote"]!);
        Assert.Contains("再次督办，请限期答复。请于", again);
        Assert.DoesNotContain("。。", again);
        var second = view["supervisions"]![1]!["number"]!.GetValue<string>();
        Assert.NotEqual(first, second);
        Assert.Equal(Utc("2026-11-26T16:00:00Z"), Date(view["supervisions"]![1]!["dueAt"]));

        // Another unit's handler does not even learn the case exists; the supervisor may not answer for the unit.
        await ExpectProblemAsync(await _api.ActAsync(RstHandler, number, "answer-supervision", new { answer = "代答" }), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "answer-supervision", new { answer = "代答" }), HttpStatusCode.Forbidden);
        var missing = await ExpectProblemAsync(await _api.ActAsync(JytHandler, number, "answer-supervision", new { }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(missing, "answer")[0]));

        Assert.Contains("answer-supervision", await _api.ActionsAsync(JytHandler, number));
        view = await _api.DoAsync(JytHandler, number, "answer-supervision", new { answer = "已核实并整改" });
        Assert.Equal("assigned", view["status"]!.GetValue<string>());
        Assert.False(view["supervisions"]![0]!["open"]!.GetValue<bool>());
        Assert.True(view["supervisions"]![1]!["open"]!.GetValue<bool>());
        view = await _api.DoAsync(JytHandler, number, "answer-supervision", new { answer = "第二份也已答复" });
        Assert.All(view["supervisions"]!.AsArray(), n => Assert.False(n!["open"]!.GetValue<bool>()));
        await ExpectProblemAsync(await _api.ActAsync(JytHandler, number, "answer-supervision", new { answer = "多余" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task New_cases_start_on_v5_while_v1_to_v4_cases_keep_theirs_without_the_new_actions()
    {
        var latest = await _api.AssignedAsync($"{Token("版本")} 新流程", sign: false);
        Assert.Equal("complaint-handling v5", (await _api.StaffViewAsync(Supervisor, latest))["workflow"]!.GetValue<string>());
        Assert.Contains("sign", await _api.ActionsAsync(Handler("jyt"), latest));
        Assert.Contains("request-suspension", await _api.ActionsAsync(Handler("jyt"), latest));
        Assert.Contains("link", await _api.ActionsAsync(Supervisor, latest));

        // A v4 case has 中止 but no 并案 or 关联.
        var v4 = await LodgeUnderAsync(4);
        Assert.Equal(["assign", "decline"], await _api.ActionsAsync(Supervisor, v4));
        await ExpectProblemAsync(await _api.ActAsync(Supervisor, v4, "merge", new { primary = latest, reason = "重复" }), HttpStatusCode.NotFound);

        // A v3 case has 签收 but no 中止.
        var v3 = await LodgeUnderAsync(3);
        await _api.DoAsync(Supervisor, v3, "assign", new { unitCode = "jyt" });
        Assert.Contains("sign", await _api.ActionsAsync(Handler("jyt"), v3));
        Assert.DoesNotContain("request-suspension", await _api.ActionsAsync(Handler("jyt"), v3));
        await ExpectProblemAsync(await _api.ActAsync(Handler("jyt"), v3, "request-suspension", new { reason = "等", expectation = "补" }), HttpStatusCode.NotFound);

        var v1 = await LodgeUnderAsync(1);
        await _api.DoAsync(Supervisor, v1, "assign", new { unitCode = "jyt" });
        var view = await _api.StaffViewAsync(Supervisor, v1);
        Assert.Equal("complaint-handling v1", view["workflow"]!.GetValue<string>());
        var actions = await _api.ActionsAsync(Supervisor, v1);
        Assert.Contains("transfer", actions);
        Assert.DoesNotContain("urge", actions);
        Assert.DoesNotContain("supervise", actions);
        var unknown = await ExpectProblemAsync(await _api.ActAsync(Supervisor, v1, "urge", new { note = "催" }), HttpStatusCode.NotFound);
        Assert.True(HasChinese(Errors(unknown, "action")[0]));
        // Its deadline timers run all the same (they are driven by v1's own deadlines policy).
        Assert.NotNull(view["nextTimerAt"]);

        // A v2 case has 督办 but no 签收: no signing deadline, and sign is not an action of its workflow.
        var v2 = await LodgeUnderAsync(2);
        view = await _api.DoAsync(Supervisor, v2, "assign", new { unitCode = "jyt" });
        Assert.Equal("complaint-handling v2", view["workflow"]!.GetValue<string>());
        Assert.Null(view["signing"]);
        Assert.Contains("urge", await _api.ActionsAsync(Supervisor, v2));
        Assert.DoesNotContain("sign", await _api.ActionsAsync(Handler("jyt"), v2));
        await ExpectProblemAsync(await _api.ActAsync(Handler("jyt"), v2, "sign"), HttpStatusCode.NotFound);
    }

    private async Task<string> LodgeUnderAsync(int version)
    {
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var workflow = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().For(WorkflowRuntime.ComplaintWorkflowId, version);
        var now = fixture.App.Time.GetUtcNow().UtcDateTime;
        var number = await TrackingNumbers.NextAsync(db, now.Year, CancellationToken.None);
        var unit = db.Units.Single(u => u.Code == "jyt").Id;
        var submission = new ValidComplaintSubmission("jyt", ProblemCategory.Formalism, "旧流程中的反映", $"在新版本上线前提交、仍按 v{version} 办理的反映。", null, null, null);
        db.Complaints.Add(PingYi.Domain.Complaints.Complaint.Lodge(number, AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web, submission, unit, workflow, now));
        await db.SaveChangesAsync();
        return number;
    }

    [GeneratedRegex(@"^DB-2026-\d{4}$")]
    private static partial Regex NoticeNumber();
}

public sealed class SqliteSupervisionTests(SqliteApp fixture) : SupervisionTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSupervisionTests(PostgresApp fixture) : SupervisionTests(fixture), IClassFixture<PostgresApp>;
