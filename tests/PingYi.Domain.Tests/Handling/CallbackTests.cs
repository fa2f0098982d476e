using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Handling;

/// <summary>回访 on the aggregate: named cases with an approved answer only; the call's answer lands on the handling record.</summary>
public sealed class CallbackTests
{
    private static readonly WorkflowContext Workflow = new(
        WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Latest("complaint-handling"),
        WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar));

    private static readonly Actor Supervisor = new("sup-1", WorkflowRoles.Supervisor);
    private static readonly Actor Handler = new("h-1", WorkflowRoles.UnitHandler);
    private static readonly UnitRef Education = new(10, "省教育厅");

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static void Do(Complaint c, string action, Actor actor, DateTime at, object? fields = null, UnitRef? unit = null)
    {
        var json = JsonSerializer.SerializeToElement(fields ?? new { });
        var validation = Workflow.Engine.ValidateFields(action, json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value));
        Assert.True(validation.IsValid);
        c.Perform(Workflow, action, actor, validation.Values, unit, at);
    }

    private static Complaint Answered(bool named, bool approve = true)
    {
        var submission = new ValidComplaintSubmission("jyt", ProblemCategory.Formalism, "标题", "足够长的问题描述内容。", null, null,
            named ? new ContactDetails("王建国", "13800431234", null) : null);
        var c = Complaint.Lodge("ZTC-2020-000001", AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web, submission, Education.Id, Workflow, Utc("2020-09-15T02:00:00"));
        Do(c, "assign", Supervisor, Utc("2020-09-15T03:00:00"), new { unitCode = "jyt" }, Education);
        Do(c, "respond", Handler, Utc("2020-09-16T03:00:00"), new { findings = "查", measures = "改", publicReply = "复" });
        if (approve)
        {
            Do(c, "approve", Supervisor, Utc("2020-09-17T03:00:00"), new { qualityRating = 4 });
        }
        return c;
    }

    [Fact]
    public void A_reached_call_keeps_the_answer_on_the_approved_attempt_and_a_later_unreached_one_does_not_undo_it()
    {
        var c = Answered(named: true);
        var missed = c.RecordCallback(Supervisor, null, null, "电话无人接听", Utc("2020-09-28T03:00:00"));
        Assert.Equal((ComplaintActions.Callback, "回访：未能联系。电话无人接听", (string?)null), (missed.Action, missed.InternalNote, missed.PublicNote));
        var r = c.HandlingRecords[0];
        Assert.Equal((false, (Satisfaction?)null), (r.CallbackReached!.Value, r.CallbackSatisfaction));

        var reached = c.RecordCallback(Supervisor, Satisfaction.BasicallySatisfied, Resolution.Partly, null, Utc("2020-09-29T03:00:00"));
        Assert.Equal("回访：已联系，基本满意，部分解决。", reached.InternalNote);
        Assert.Contains("\"reached\":true", reached.Data);
        Assert.Equal((true, Satisfaction.BasicallySatisfied, Resolution.Partly, Utc("2020-09-29T03:00:00")),
            (r.CallbackReached!.Value, r.CallbackSatisfaction!.Value, r.CallbackResolution!.Value, r.CallbackAtUtc!.Value));

        c.RecordCallback(Supervisor, null, null, null, Utc("2020-09-30T03:00:00"));
        Assert.Equal((true, Utc("2020-09-29T03:00:00")), (r.CallbackReached!.Value, r.CallbackAtUtc!.Value));
        Assert.Equal(3, c.Events.Count(e => e.Action == ComplaintActions.Callback));
    }

    [Fact]
    public void Anonymous_cases_unapproved_answers_and_half_answers_are_refused()
    {
        Assert.Throws<InvalidOperationException>(() => Answered(named: false).RecordCallback(Supervisor, Satisfaction.Satisfied, Resolution.Resolved, null, Utc("2020-09-28T03:00:00")));
        var unapproved = Answered(named: true, approve: false);
        Assert.Null(unapproved.CallbackTarget);
        Assert.Throws<InvalidOperationException>(() => unapproved.RecordCallback(Supervisor, null, null, null, Utc("2020-09-28T03:00:00")));
        Assert.Throws<ArgumentException>(() => Answered(named: true).RecordCallback(Supervisor, Satisfaction.Satisfied, null, null, Utc("2020-09-28T03:00:00")));
        // Reopened: the case is with the unit again; there is nothing approved to call about until its next answer.
        var reopened = Answered(named: true);
        Do(reopened, "reopen", Supervisor, Utc("2020-09-18T03:00:00"), new { reason = "复查" });
        Assert.Null(reopened.CallbackTarget);
    }
}
