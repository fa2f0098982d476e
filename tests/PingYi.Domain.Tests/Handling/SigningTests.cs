using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Handling;

/// <summary>
/// 签收 under workflow v3 and the real 2020 calendar (Oct 1–8 off, Saturday 10-10 on): assigned Tue 2020-09-29 11:00
/// China time, the unit has one working day to sign, to the end of Wed 09-30 (2020-09-30T16:00Z); escalation levels
/// 2 and 3 follow 3 and 5 working days after it (end of Mon 10-12 and of Wed 10-14).
/// </summary>
public sealed class SigningTests
{
    private static readonly WorkflowRegistry Registry = WorkflowRegistry.LoadDirectory(RepoPaths.Workflows);
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar);
    private static readonly WorkflowContext Workflow = new(Registry.Latest("complaint-handling"), Calendar);

    private static readonly Actor Supervisor = new("sup-1", WorkflowRoles.Supervisor);
    private static readonly Actor Handler = new("h-1", WorkflowRoles.UnitHandler);
    private static readonly UnitRef Education = new(10, "省教育厅");
    private static readonly UnitRef Labour = new(11, "省人力资源和社会保障厅");

    private static readonly DateTime Assigned = Utc("2020-09-29T03:00:00");
    private static readonly DateTime SignDue = Utc("2020-09-30T16:00:00");

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static Complaint AssignedCase(WorkflowContext? workflow = null)
    {
        workflow ??= Workflow;
        var submission = new ValidComplaintSubmission("jyt", ProblemCategory.Formalism, "标题", "足够长的问题描述内容。", null, null, null);
        var c = Complaint.Lodge("ZTC-2020-000001", AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web, submission, Education.Id, workflow, Utc("2020-09-29T02:00:00"));
        Do(c, "assign", Supervisor, Assigned, new { unitCode = "jyt" }, Education, workflow);
        c.TakeNotices();
        return c;
    }

    private static ComplaintEvent Do(Complaint c, string action, Actor actor, DateTime at, object? fields = null, UnitRef? unit = null, WorkflowContext? workflow = null)
    {
        workflow ??= Workflow;
        var json = JsonSerializer.SerializeToElement(fields ?? new { });
        var validation = workflow.Engine.ValidateFields(action, json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value));
        Assert.True(validation.IsValid, string.Join("; ", validation.Errors.ToDictionary().SelectMany(e => e.Value)));
        return c.Perform(workflow, action, actor, validation.Values, unit, at);
    }

    private static void Respond(Complaint c, DateTime at) =>
        Do(c, "respond", Handler, at, new { findings = "查", measures = "改", publicReply = "复" });

    [Fact]
    public void Assignment_starts_a_one_working_day_signing_deadline_that_the_unit_meets_once()
    {
        var c = AssignedCase();
        Assert.Equal((SignDue, (DateTime?)null, true), (c.SignDueAtUtc!.Value, c.SignedAtUtc, c.SignPending));
        Assert.Equal(SignDue, c.HandlingRecords[0].SignDueAtUtc);
        Assert.Contains(c.PermittedActions(Workflow, WorkflowRoles.UnitHandler, Assigned), a => a.Code == "sign");
        // The earliest timer is the signing deadline (no reminder: a one-day deadline is its own reminder).
        Assert.Equal(SignDue, c.NextTimerAtUtc);

        var signedAt = Utc("2020-09-30T01:00:00");
        var e = Do(c, "sign", Handler, signedAt);
        Assert.Equal((ComplaintStatus.Assigned, ComplaintStatus.Assigned, "承办单位已签收，正在办理。"), (e.FromStatus!.Value, e.ToStatus!.Value, e.PublicNote));
        Assert.Equal(signedAt, c.SignedAtUtc);
        Assert.Equal(signedAt, c.HandlingRecords[0].SignedAtUtc);
        Assert.False(c.SignPending);
        Assert.DoesNotContain(c.PermittedActions(Workflow, WorkflowRoles.UnitHandler, signedAt), a => a.Code == "sign");
        var again = Assert.Throws<WorkflowActionException>(() => Do(c, "sign", Handler, signedAt.AddHours(1)));
        Assert.Equal(WorkflowRefusal.ConditionNotMet, again.Refusal);
        Assert.Throws<WorkflowActionException>(() => Do(c, "sign", Supervisor, signedAt.AddHours(1)));
        // Signed: no signing timer is left; the next is the handling deadline's reminder.
        Assert.NotEqual(SignDue, c.NextTimerAtUtc);
        Assert.Empty(c.FireDueTimers(Workflow, Utc("2020-10-01T03:00:00")));
    }

    [Fact]
    public void An_unsigned_case_goes_overdue_at_the_signing_deadline_and_escalates_once_per_level()
    {
        var c = AssignedCase();
        Assert.Empty(c.FireDueTimers(Workflow, SignDue.AddMinutes(-1)));

        var fired = c.FireDueTimers(Workflow, SignDue);
        Assert.Equal([TimerActions.SignOverdue], fired.Select(e => e.Action));
        Assert.Contains("签收期限（2020-09-30 24:00）已过", fired[0].InternalNote);
        var overdue = Assert.Single(c.TakeNotices());
        Assert.Equal((NoticeKind.SignOverdue, 1, SignDue), (overdue.Kind, overdue.Level!.Value, overdue.DueAtUtc!.Value));
        Assert.Empty(c.FireDueTimers(Workflow, SignDue.AddHours(1)));

        var level2 = Utc("2020-10-12T16:00:00");
        Assert.Equal(level2, c.NextTimerAtUtc);
        Assert.Empty(c.FireDueTimers(Workflow, level2.AddMinutes(-1)));
        Assert.Equal([TimerActions.SignEscalate], c.FireDueTimers(Workflow, level2).Select(e => e.Action));
        Assert.Equal((NoticeKind.SignEscalated, 2), (c.TakeNotices().Single().Kind, c.SignEscalationLevelNotified));

        // A sweep that runs days late fires the missed level once.
        Assert.Equal([TimerActions.SignEscalate], c.FireDueTimers(Workflow, Utc("2020-10-20T03:00:00")).Select(e => e.Action));
        Assert.Equal(3, c.SignEscalationLevelNotified);
        Assert.DoesNotContain(c.FireDueTimers(Workflow, Utc("2020-10-21T03:00:00")), e => e.Action.StartsWith("sign", StringComparison.Ordinal));
    }

    [Fact]
    public void Answering_unsigned_signs_at_that_moment_on_time_or_late()
    {
        var onTime = AssignedCase();
        Respond(onTime, Utc("2020-09-30T08:00:00"));
        Assert.Equal(Utc("2020-09-30T08:00:00"), onTime.SignedAtUtc);
        Assert.Equal(Utc("2020-09-30T08:00:00"), onTime.HandlingRecords[0].SignedAtUtc);
        Assert.Contains("报送办理情况时视为签收（按期）", onTime.Events[^1].InternalNote);

        var late = AssignedCase();
        Respond(late, Utc("2020-10-09T03:00:00"));
        Assert.Equal(Utc("2020-10-09T03:00:00"), late.HandlingRecords[0].SignedAtUtc);
        Assert.True(Deadlines.Late(late.HandlingRecords[0].SignedAtUtc!.Value, late.HandlingRecords[0].SignDueAtUtc!.Value));
        Assert.Contains("视为签收（已超过签收期限）", late.Events[^1].InternalNote);

        // A signed case's answer keeps the signature it had; a rework attempt has no signing deadline of its own.
        var signed = AssignedCase();
        Do(signed, "sign", Handler, Utc("2020-09-29T05:00:00"));
        Respond(signed, Utc("2020-10-09T03:00:00"));
        Do(signed, "send-back", Supervisor, Utc("2020-10-09T04:00:00"), new { reason = "补充" });
        Assert.Equal(Utc("2020-09-29T05:00:00"), signed.HandlingRecords[0].SignedAtUtc);
        Assert.Equal((null, null), (signed.HandlingRecords[1].SignDueAtUtc, signed.HandlingRecords[1].SignedAtUtc));
        Assert.False(signed.SignPending);
    }

    [Fact]
    public void Transfer_and_reopen_start_a_new_signing_deadline_for_the_unit_now_holding_the_case()
    {
        var c = AssignedCase();
        var transferAt = Utc("2020-09-29T06:00:00");
        Do(c, "transfer", Supervisor, transferAt, new { unitCode = "rst", reason = "改由人社厅办理" }, Labour);
        Assert.True(c.SignPending);
        Assert.Equal(SignDue, c.SignDueAtUtc);   // the same day, one working day from 14:00: end of 09-30 again
        Assert.Null(c.HandlingRecords[0].SignedAtUtc);
        Assert.Equal(SignDue, c.HandlingRecords[1].SignDueAtUtc);

        Do(c, "sign", Handler, Utc("2020-09-30T02:00:00"));
        Respond(c, Utc("2020-10-09T02:00:00"));
        Do(c, "approve", Supervisor, Utc("2020-10-09T03:00:00"), new { qualityRating = 4 });
        Do(c, "close", Supervisor, Utc("2020-10-09T04:00:00"));
        Do(c, "reopen", Supervisor, Utc("2020-10-12T02:00:00"), new { reason = "复查" });
        // Mon 10-12 10:00 China time: one working day ends with Tue 10-13.
        Assert.Equal((Utc("2020-10-13T16:00:00"), (DateTime?)null), (c.SignDueAtUtc!.Value, c.SignedAtUtc));
        Assert.Equal(Utc("2020-10-13T16:00:00"), c.HandlingRecords[^1].SignDueAtUtc);
    }

    [Fact]
    public void A_case_pinned_to_v2_has_no_signing_deadline_and_no_sign_action()
    {
        var v2 = new WorkflowContext(Registry.Get("complaint-handling", 2), Calendar);
        var c = AssignedCase(v2);
        Assert.Null(c.SignDueAtUtc);
        Assert.False(c.SignPending);
        Assert.Null(c.HandlingRecords[0].SignDueAtUtc);
        Assert.DoesNotContain(c.PermittedActions(v2, WorkflowRoles.UnitHandler, Assigned), a => a.Code == "sign");
        Assert.Empty(c.FireDueTimers(v2, SignDue.AddDays(1)));
    }

    [Theory]
    [InlineData("\"signWorkingDays\": 1", "", "$.deadlines.signWorkingDays: missing: the sign action needs")]
    [InlineData("\"code\": \"sign\"", "\"code\": \"sign-x\"", "the engine has no effect for action 'sign-x'")]
    public void The_loader_refuses_a_sign_action_without_its_deadline(string find, string replace, string expected)
    {
        var json = File.ReadAllText(Path.Combine(RepoPaths.Workflows, "complaint-handling.v3.json"));
        var changed = json.Replace(find, replace, StringComparison.Ordinal).Replace("\"supervisionReplyWorkingDays\": 3,\n    \n", "\"supervisionReplyWorkingDays\": 3\n", StringComparison.Ordinal);
        Assert.NotEqual(json, changed);
        var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Parse(changed, "complaint-handling.v3.json"));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void The_loader_refuses_a_signing_deadline_without_the_sign_action()
    {
        var json = File.ReadAllText(Path.Combine(RepoPaths.Workflows, "complaint-handling.v2.json"))
            .Replace("\"supervisionReplyWorkingDays\": 3", "\"supervisionReplyWorkingDays\": 3, \"signWorkingDays\": 1", StringComparison.Ordinal);
        var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Parse(json, "complaint-handling.v2.json"));
        Assert.Contains("$.deadlines.signWorkingDays: there is no sign action", ex.Message);
    }
}
