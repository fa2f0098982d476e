using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Handling;

/// <summary>
/// 中止 under workflow v4 on a Monday–Friday calendar: assigned Mon 2026-03-02 (China time), 15 working days to the
/// end of Mon 03-23 (2026-03-23T16:00Z). Suspended Thu 03-05 with 12 working days left (03-06 … 03-23); the longest
/// suspension (20 working days) ends with Thu 04-02 (2026-04-02T16:00Z).
/// </summary>
public sealed class SuspensionTests
{
    private static readonly WorkflowRegistry Registry = WorkflowRegistry.LoadDirectory(RepoPaths.Workflows);
    private static readonly WorkflowContext Workflow = new(Registry.Latest("complaint-handling"), WorkingDayCalendar.MondayToFriday);

    private static readonly Actor Supervisor = new("sup-1", WorkflowRoles.Supervisor);
    private static readonly Actor Handler = new("h-1", WorkflowRoles.UnitHandler);
    private static readonly UnitRef Education = new(10, "省教育厅");

    private static readonly DateTime Due = Utc("2026-03-23T16:00:00");
    private static readonly DateTime SuspendedAt = Utc("2026-03-05T02:00:00");
    private static readonly DateTime SuspensionEnds = Utc("2026-04-02T16:00:00");

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static Complaint AssignedCase()
    {
        var submission = new ValidComplaintSubmission("jyt", ProblemCategory.Formalism, "标题", "足够长的问题描述内容。", null, null, null);
        var c = Complaint.Lodge("ZTC-2026-000001", AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web, submission, Education.Id, Workflow, Utc("2026-03-02T01:00:00"));
        Do(c, "assign", Supervisor, Utc("2026-03-02T02:00:00"), new { unitCode = "jyt" }, Education);
        Assert.Equal(Due, c.DueAtUtc);
        return c;
    }

    private static ComplaintEvent Do(Complaint c, string action, Actor actor, DateTime at, object? fields = null, UnitRef? unit = null)
    {
        var json = JsonSerializer.SerializeToElement(fields ?? new { });
        var validation = Workflow.Engine.ValidateFields(action, json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value));
        Assert.True(validation.IsValid, string.Join("; ", validation.Errors.ToDictionary().SelectMany(e => e.Value)));
        return c.Perform(Workflow, action, actor, validation.Values, unit, at);
    }

    private static Complaint SuspendedCase()
    {
        var c = AssignedCase();
        // Asking signs the unsigned case, as answering does.
        Do(c, "request-suspension", Handler, Utc("2026-03-04T02:00:00"), new { reason = "需核实现场照片", expectation = "请补充现场照片" });
        Assert.NotNull(c.SignedAtUtc);
        Assert.Equal(PendingRequest.Suspension, c.PendingRequest);
        Assert.DoesNotContain(c.PermittedActions(Workflow, WorkflowRoles.UnitHandler, SuspendedAt), a => a.Code is "request-extension" or "request-suspension");
        var e = Do(c, "approve-suspension", Supervisor, SuspendedAt);
        Assert.Equal((ComplaintStatus.Assigned, ComplaintStatus.Suspended), (e.FromStatus!.Value, e.ToStatus!.Value));
        Assert.Contains("需核实现场照片", e.PublicNote);
        Assert.Contains("请补充现场照片", e.PublicNote);
        return c;
    }

    [Fact]
    public void While_suspended_no_timer_fires_and_the_complainants_supplement_resumes_with_the_working_days_left()
    {
        var c = SuspendedCase();
        Assert.Equal(ComplaintStatus.Suspended, c.Status);
        Assert.Equal(SuspensionEnds, c.SuspensionEndsAtUtc(Workflow));
        Assert.Equal(SuspensionEnds, c.NextTimerAtUtc);
        var record = Assert.Single(c.HandlingRecords);
        Assert.Equal((1, (DateTime?)SuspendedAt), (record.Suspensions, record.SuspendedAtUtc));
        // The record holds the latest deadline a resume can give: 12 working days after the longest suspension (Tue 04-21).
        Assert.Equal(Utc("2026-04-21T16:00:00"), record.DueAtUtc);

        // Past the original deadline: not overdue, nothing fires, nothing escalates.
        var afterDue = Utc("2026-03-24T03:00:00");
        Assert.False(c.IsOverdue(afterDue));
        Assert.Equal(0, c.EscalationLevel(Workflow, afterDue));
        Assert.Empty(c.FireDueTimers(Workflow, afterDue));
        Assert.False(Deadlines.Late(afterDue, record.DueAtUtc));

        // Wed 03-25: the complainant supplies the photos; 12 working days from then is the end of Fri 04-10.
        var at = Utc("2026-03-25T02:00:00");
        c.AddSupplement("现场照片已上传", 0, at);
        var resumed = c.ResumeOnSupplement(Workflow, at);
        Assert.NotNull(resumed);
        Assert.Equal((ComplaintStatus.Suspended, ComplaintStatus.Assigned, WorkflowRoles.System), (resumed!.FromStatus!.Value, resumed.ToStatus!.Value, resumed.ActorRole));
        Assert.Contains("补充的材料", resumed.PublicNote);
        var newDue = Utc("2026-04-10T16:00:00");
        Assert.Equal(newDue, c.DueAtUtc);
        Assert.Equal((newDue, (DateTime?)null), (record.DueAtUtc, record.SuspendedAtUtc));
        Assert.Null(c.SuspendedAtUtc);
        Assert.Null(c.ResumeOnSupplement(Workflow, at.AddMinutes(1)));

        // Answered on Thu 04-09, two weeks after the original deadline: on time, because the suspended days do not count.
        Do(c, "respond", Handler, Utc("2026-04-09T02:00:00"), new { findings = "查", measures = "改", publicReply = "复" });
        Assert.False(record.Late);
        Assert.Equal(0, record.WorkingDaysLate);
    }

    [Fact]
    public void The_longest_suspension_resumes_by_itself_and_the_resumed_deadline_then_goes_overdue()
    {
        var c = SuspendedCase();
        Assert.Empty(c.FireDueTimers(Workflow, SuspensionEnds.AddMinutes(-1)));
        var fired = c.FireDueTimers(Workflow, SuspensionEnds.AddHours(1));
        var resume = Assert.Single(fired);
        Assert.Equal(("resume", WorkflowRoles.System, ComplaintStatus.Assigned), (resume.Action, resume.ActorRole, c.Status));
        Assert.Contains("中止期满", resume.PublicNote);
        // Resumed Fri 04-03 (China time) with 12 working days: the end of Tue 04-21 — the record's deadline all along.
        var due = Utc("2026-04-21T16:00:00");
        Assert.Equal(due, c.DueAtUtc);
        Assert.Equal(due, c.HandlingRecords[0].DueAtUtc);
        var overdue = c.FireDueTimers(Workflow, due.AddHours(1));
        Assert.Contains(overdue, e => e.Action == TimerActions.Overdue);
        Assert.True(c.IsOverdue(due.AddHours(1)));
    }

    [Fact]
    public void A_supervisor_rejects_or_resumes_and_an_overdue_case_cannot_be_suspended()
    {
        var c = AssignedCase();
        Do(c, "request-suspension", Handler, Utc("2026-03-04T02:00:00"), new { reason = "等待约谈", expectation = "请来电预约" });
        Assert.Throws<WorkflowActionException>(() => Do(c, "approve-suspension", Handler, SuspendedAt));
        Do(c, "reject-suspension", Supervisor, SuspendedAt, new { reason = "可先行核查" });
        Assert.Equal((ComplaintStatus.Assigned, PendingRequest.None, (string?)null), (c.Status, c.PendingRequest, c.SuspensionReason));
        Assert.Throws<WorkflowActionException>(() => Do(c, "approve-suspension", Supervisor, SuspendedAt.AddHours(1)));

        Do(c, "request-suspension", Handler, SuspendedAt.AddHours(2), new { reason = "等待约谈", expectation = "请来电预约" });
        Do(c, "approve-suspension", Supervisor, SuspendedAt.AddHours(3));
        Assert.Throws<WorkflowActionException>(() => Do(c, "resume", Handler, Utc("2026-03-10T02:00:00")));
        Do(c, "resume", Supervisor, Utc("2026-03-10T02:00:00"), new { note = "已约谈" });
        // Tue 03-10 + 12 working days = the end of Thu 03-26.
        Assert.Equal(Utc("2026-03-26T16:00:00"), c.DueAtUtc);
        Assert.Equal(1, c.HandlingRecords[0].Suspensions);

        var late = Utc("2026-03-27T03:00:00");
        var refused = Assert.Throws<WorkflowActionException>(() => Do(c, "request-suspension", Handler, late, new { reason = "等", expectation = "补" }));
        Assert.Equal(WorkflowRefusal.ConditionNotMet, refused.Refusal);
    }

    [Fact]
    public void Versions_before_4_have_no_suspension_and_the_loader_wants_the_whole_of_it()
    {
        foreach (var version in new[] { 1, 2, 3 })
        {
            var d = Registry.Get("complaint-handling", version).Definition;
            Assert.DoesNotContain(d.Actions, a => a.Code is "request-suspension" or "resume");
            Assert.Null(d.Deadlines.MaxSuspensionWorkingDays);
        }
        // The latest (v5, 并案) keeps 中止 as v4 has it.
        Assert.Equal(5, Workflow.Engine.Definition.Version);
        Assert.Equal(20, Workflow.Deadlines.MaxSuspensionWorkingDays);

        var json = File.ReadAllText(Path.Combine(RepoPaths.Workflows, "complaint-handling.v4.json"));
        var noLimit = json.Replace(",\n    \"maxSuspensionWorkingDays\": 20", "", StringComparison.Ordinal);
        Assert.NotEqual(json, noLimit);
        var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Parse(noLimit, "complaint-handling.v4.json"));
        Assert.Contains("maxSuspensionWorkingDays", ex.Message);
    }
}
