using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Handling;

/// <summary>The Complaint aggregate under the latest real definition (v2) and the real 2020 calendar.</summary>
public sealed class ComplaintLifecycleTests
{
    private static readonly WorkflowContext Workflow = new(
        WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Latest("complaint-handling"),
        WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar));

    // Tuesday 2020-09-29, 10:00 China time: the National Day and Mid-Autumn holiday (Oct 1–8) is ahead,
    // and Saturday Oct 10 is an adjusted working day.
    private static readonly DateTime T0 = new(2020, 9, 29, 2, 0, 0, DateTimeKind.Utc);

    private static readonly Actor Supervisor = new("sup-1", WorkflowRoles.Supervisor);
    private static readonly Actor Handler = new("h-1", WorkflowRoles.UnitHandler);
    private static readonly Actor Citizen = new(null, WorkflowRoles.Complainant);
    private static readonly UnitRef Education = new(10, "省教育厅");
    private static readonly UnitRef Labour = new(11, "省人力资源和社会保障厅");

    private static Complaint Lodge(ProblemCategory category = ProblemCategory.Formalism)
    {
        var submission = new ValidComplaintSubmission("jyt", category, "标题", "足够长的问题描述内容。", null, null, null);
        return Complaint.Lodge("ZTC-2020-000001", AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web, submission, Education.Id, Workflow, T0);
    }

    private static ComplaintEvent Do(Complaint c, string action, Actor actor, DateTime at, object? fields = null, UnitRef? unit = null)
    {
        var json = JsonSerializer.SerializeToElement(fields ?? new { });
        var values = json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var validation = Workflow.Engine.ValidateFields(action, values);
        Assert.True(validation.IsValid, string.Join("; ", validation.Errors.ToDictionary().SelectMany(e => e.Value)));
        return c.Perform(Workflow, action, actor, validation.Values, unit, at);
    }

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Fact]
    public void A_new_complaint_pins_the_definition_and_must_be_accepted_within_two_working_days()
    {
        var c = Lodge();

        Assert.Equal(ComplaintStatus.Submitted, c.Status);
        Assert.Equal(("complaint-handling", 5), (c.WorkflowId, c.WorkflowVersion));
        // 9-30 is the first working day, then the holiday: the second is Friday 10-09.
        Assert.Equal(Utc("2020-10-09T16:00:00"), c.DueAtUtc);
        Assert.Equal(c.DueAtUtc, c.NextTimerAtUtc);
        Assert.Single(c.Events);
    }

    [Theory]
    [InlineData(ProblemCategory.Formalism, "2020-10-27T16:00:00")]
    [InlineData(ProblemCategory.EightPointRules, "2020-10-20T16:00:00")]
    public void Assigning_sets_the_handling_deadline_in_working_days_for_the_category(ProblemCategory category, string due)
    {
        var c = Lodge(category);

        var e = Do(c, "assign", Supervisor, T0, new { unitCode = "jyt", note = "请认真核查" }, Education);

        Assert.Equal(ComplaintStatus.Assigned, c.Status);
        Assert.Equal(Utc(due), c.DueAtUtc);
        Assert.Equal(T0, c.AssignedAtUtc);
        Assert.Equal("assign", e.Action);
        Assert.Equal((ComplaintStatus?)ComplaintStatus.Submitted, e.FromStatus);
        Assert.Equal((ComplaintStatus?)ComplaintStatus.Assigned, e.ToStatus);
        Assert.Equal("请认真核查", e.InternalNote);
        Assert.Contains("省教育厅", e.PublicNote);
        Assert.Equal("sup-1", e.ActorId);
    }

    [Fact]
    public void An_approved_extension_adds_working_days_to_the_current_deadline()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);

        Do(c, "request-extension", Handler, T0.AddDays(2), new { workingDays = 3, reason = "需要调取档案" });
        Assert.Equal(PendingRequest.Extension, c.PendingRequest);
        var again = Assert.Throws<WorkflowActionException>(() => Do(c, "request-return", Handler, T0.AddDays(2), new { reason = "不是我们的" }));
        Assert.Equal(WorkflowRefusal.ConditionNotMet, again.Refusal);

        Do(c, "approve-extension", Supervisor, T0.AddDays(3), new { note = "同意" });

        // 10-27 + 3 working days = Friday 10-30.
        Assert.Equal(Utc("2020-10-30T16:00:00"), c.DueAtUtc);
        Assert.Equal(PendingRequest.None, c.PendingRequest);
        Assert.Null(c.PendingExtensionDays);
    }

    [Fact]
    public void An_approved_return_sends_the_case_back_to_intake_and_away_from_the_unit()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Do(c, "request-return", Handler, T0.AddHours(1), new { reason = "不属于本单位职责" });

        Do(c, "approve-return", Supervisor, T0.AddHours(2));

        Assert.Equal(ComplaintStatus.Submitted, c.Status);
        Assert.Null(c.AssignedAtUtc);
        Assert.Equal(PendingRequest.None, c.PendingRequest);
        Assert.Equal(Utc("2020-10-09T16:00:00"), c.DueAtUtc);
    }

    [Fact]
    public void Overdue_counts_until_the_unit_responds_and_escalates_with_working_days()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        var due = c.DueAtUtc!.Value; // end of Tuesday 10-27

        Assert.False(c.IsOverdue(due.AddMinutes(-1)));
        Assert.Equal(0, c.EscalationLevel(Workflow, due.AddMinutes(-1)));
        Assert.True(c.IsOverdue(due));
        Assert.Equal(1, c.EscalationLevel(Workflow, due.AddHours(2)));
        // Level 2 once three whole working days (Wed 10-28 … Fri 10-30) have passed — from the next working
        // day, Monday 11-02 — and level 3 once five have (… Tue 11-03), from Wednesday 11-04.
        Assert.Equal(1, c.EscalationLevel(Workflow, Utc("2020-10-31T02:00:00")));
        Assert.Equal(1, c.EscalationLevel(Workflow, Utc("2020-11-01T15:59:00")));
        Assert.Equal(2, c.EscalationLevel(Workflow, Utc("2020-11-01T16:00:00")));
        Assert.Equal(2, c.EscalationLevel(Workflow, Utc("2020-11-03T15:59:00")));
        Assert.Equal(3, c.EscalationLevel(Workflow, Utc("2020-11-03T16:00:00")));

        Do(c, "respond", Handler, Utc("2020-11-04T03:00:00"), new { findings = "属实", measures = "整改", publicReply = "已整改" });

        Assert.True(c.RespondedLate);
        Assert.False(c.IsOverdue(Utc("2020-11-04T04:00:00")));
        Assert.Equal(0, c.EscalationLevel(Workflow, Utc("2020-11-04T04:00:00")));
    }

    [Fact]
    public void Send_back_gives_five_working_days_for_rework_and_is_counted()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Do(c, "respond", Handler, T0.AddDays(1), new { findings = "属实", measures = "整改", publicReply = "已整改" });

        Do(c, "send-back", Supervisor, Utc("2020-10-12T02:00:00"), new { reason = "整改措施不具体" });

        Assert.Equal(ComplaintStatus.Assigned, c.Status);
        Assert.Equal(1, c.ReworkCount);
        // Monday 10-12 + 5 working days = Monday 10-19.
        Assert.Equal(Utc("2020-10-19T16:00:00"), c.DueAtUtc);
    }

    [Fact]
    public void A_dissatisfied_rating_stops_the_feedback_clock_and_waits_for_a_supervisor()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Do(c, "respond", Handler, T0.AddDays(1), new { findings = "属实", measures = "整改", publicReply = "已整改" });
        var approvedAt = T0.AddDays(2);
        Do(c, "approve", Supervisor, approvedAt, new { qualityRating = 4 });
        Assert.Equal(approvedAt.AddDays(7), c.NextTimerAtUtc);

        var e = Do(c, "feedback", Citizen, approvedAt.AddDays(1), new { satisfaction = "dissatisfied", comment = "没有解决" });

        Assert.Equal(ComplaintStatus.AwaitingFeedback, c.Status);
        Assert.Null(c.NextTimerAtUtc);
        Assert.Contains("不满意", e.PublicNote);
        var supervisorActions = c.PermittedActions(Workflow, WorkflowRoles.Supervisor, approvedAt.AddDays(1)).Select(a => a.Code).ToList();
        Assert.Contains("reopen", supervisorActions);
        Assert.Contains("close", supervisorActions);
        Assert.Empty(c.PermittedActions(Workflow, WorkflowRoles.Complainant, approvedAt.AddDays(1)));

        Do(c, "reopen", Supervisor, approvedAt.AddDays(2), new { reason = "群众不满意，重新核查" });

        Assert.Equal(ComplaintStatus.Assigned, c.Status);
        Assert.Equal(1, c.ReopenCount);
        Assert.Null(c.Satisfaction);
    }

    [Fact]
    public void A_closed_case_can_be_reopened_only_within_the_window()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Do(c, "respond", Handler, T0.AddDays(1), new { findings = "属实", measures = "整改", publicReply = "已整改" });
        Do(c, "approve", Supervisor, T0.AddDays(2), new { qualityRating = 5 });
        var closedAt = T0.AddDays(3);
        Do(c, "feedback", Citizen, closedAt, new { satisfaction = "satisfied" });
        Assert.Equal(ComplaintStatus.Closed, c.Status);
        Assert.Equal(closedAt, c.ClosedAtUtc);
        Assert.Null(c.NextTimerAtUtc);

        var late = Assert.Throws<WorkflowActionException>(() => Do(c, "reopen", Supervisor, closedAt.AddDays(31), new { reason = "复查" }));
        Assert.Equal(WorkflowRefusal.ConditionNotMet, late.Refusal);

        Do(c, "reopen", Supervisor, closedAt.AddDays(29), new { reason = "复查" });
        Assert.Equal(ComplaintStatus.Assigned, c.Status);
        Assert.Null(c.ClosedAtUtc);
    }

    [Fact]
    public void A_transfer_moves_the_case_to_another_unit_with_a_new_deadline_but_not_to_the_same_unit()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);

        Assert.Throws<WorkflowActionException>(() => Do(c, "transfer", Supervisor, T0.AddHours(1), new { unitCode = "jyt", reason = "转办" }, Education));
        Assert.Equal(Education.Id, c.UnitId);

        Do(c, "transfer", Supervisor, Utc("2020-10-12T02:00:00"), new { unitCode = "rst", reason = "属人社职责" }, Labour);

        Assert.Equal(Labour.Id, c.UnitId);
        Assert.Equal(1, c.TransferCount);
        Assert.Equal(Utc("2020-10-12T02:00:00"), c.AssignedAtUtc);
        Assert.Equal(Utc("2020-11-02T16:00:00"), c.DueAtUtc);
    }

    [Fact]
    public void An_illegal_move_throws_and_changes_nothing()
    {
        var c = Lodge();

        var e = Assert.Throws<WorkflowActionException>(() => Do(c, "respond", Handler, T0, new { findings = "a", measures = "b", publicReply = "c" }));

        Assert.Equal(WorkflowRefusal.NotAllowedInState, e.Refusal);
        Assert.Contains("待受理", e.ChineseMessage);
        Assert.Contains("submitted", e.Message);
        Assert.Equal(ComplaintStatus.Submitted, c.Status);
        Assert.Single(c.Events);
    }

    [Fact]
    public void A_complaint_refuses_a_definition_it_was_not_started_under()
    {
        var c = Lodge();
        var other = WorkflowDefinitionLoader.LoadFile(Path.Combine(RepoPaths.Workflows, "complaint-handling.v1.json"));
        var v1 = new WorkflowContext(new WorkflowEngine(other), Workflow.Calendar);

        Assert.Throws<InvalidOperationException>(() => c.PermittedActions(v1, WorkflowRoles.Supervisor, T0));
        Assert.Throws<InvalidOperationException>(() => c.FireDueTimers(v1, T0.AddDays(30)));
    }
}
