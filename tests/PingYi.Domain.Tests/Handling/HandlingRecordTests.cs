using System.Reflection;
using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Handling;

/// <summary>
/// The typed handling record the aggregate writes with each action, under workflow v2 and the real 2020 calendar.
/// Assigned Tue 2020-09-29 10:00 China time, a 形式主义 case is due at the end of Tue 10-27 (2020-10-27T16:00Z):
/// 20 working days with the National Day holiday (Oct 1–8) off and Saturday Oct 10 on.
/// </summary>
public sealed class HandlingRecordTests
{
    private static readonly WorkflowContext Workflow = new(
        WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Latest("complaint-handling"),
        WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar));

    private static readonly DateTime T0 = Utc("2020-09-29T02:00:00");
    private static readonly DateTime Due = Utc("2020-10-27T16:00:00");

    private static readonly Actor Supervisor = new("sup-1", WorkflowRoles.Supervisor);
    private static readonly Actor Handler = new("h-1", WorkflowRoles.UnitHandler);
    private static readonly Actor Citizen = new(null, WorkflowRoles.Complainant);
    private static readonly UnitRef Education = new(10, "省教育厅");
    private static readonly UnitRef Labour = new(11, "省人力资源和社会保障厅");
    private static readonly Dictionary<string, int> UnitIds = new() { ["jyt"] = 10, ["rst"] = 11 };

    private static Complaint Lodge()
    {
        var submission = new ValidComplaintSubmission("jyt", ProblemCategory.Formalism, "标题", "足够长的问题描述内容。", null, null, null);
        return Complaint.Lodge("ZTC-2020-000001", AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web, submission, Education.Id, Workflow, T0);
    }

    private static void Do(Complaint c, string action, Actor actor, DateTime at, object? fields = null, UnitRef? unit = null, string? number = null)
    {
        var json = JsonSerializer.SerializeToElement(fields ?? new { });
        var values = json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var validation = Workflow.Engine.ValidateFields(action, values);
        Assert.True(validation.IsValid, string.Join("; ", validation.Errors.ToDictionary().SelectMany(e => e.Value)));
        c.Perform(Workflow, action, actor, validation.Values, unit, at, number);
    }

    private static void Respond(Complaint c, DateTime at) =>
        Do(c, "respond", Handler, at, new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" });

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Fact]
    public void An_assignment_starts_round_one_and_an_on_time_answer_keeps_its_approval_and_rating()
    {
        var c = Lodge();
        Assert.Empty(c.HandlingRecords);
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);

        var r = Assert.Single(c.HandlingRecords);
        Assert.Equal((1, 1, 10, HandlingStart.Assign), (r.Round, r.Attempt, r.UnitId, r.StartedBy));
        Assert.Equal((T0, T0, Due, Due), (r.AssignedAtUtc, r.StartedAtUtc, r.DueAtUtc, r.InitialDueAtUtc));
        Assert.Same(r, c.CurrentHandling);

        Respond(c, Utc("2020-10-20T02:00:00"));
        Do(c, "approve", Supervisor, Utc("2020-10-21T02:00:00"), new { qualityRating = 4 });
        Do(c, "feedback", Citizen, Utc("2020-10-22T02:00:00"), new { satisfaction = "satisfied" });

        Assert.Equal(ComplaintStatus.Closed, c.Status);
        r = Assert.Single(c.HandlingRecords);
        Assert.Equal(Utc("2020-10-20T02:00:00"), r.RespondedAtUtc);
        Assert.Equal(r.RespondedAtUtc, r.StoppedAtUtc);
        Assert.False(r.Late);
        Assert.Equal(0, r.WorkingDaysLate);
        Assert.Equal((Utc("2020-10-21T02:00:00"), 4), (r.ApprovedAtUtc, r.QualityRating));
        Assert.Equal((Satisfaction.Satisfied, Utc("2020-10-22T02:00:00")), (r.Satisfaction, r.RatedAtUtc));
        // Closed, but still the current attempt: a reopen within the window would end it.
        Assert.Null(r.EndedAtUtc);
    }

    [Fact]
    public void A_late_answer_records_the_working_days_past_the_deadline()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);

        // Due at the end of Tue 10-27; answered Thu 10-29 10:00: Wed 10-28 and Thu 10-29 begun = 2 working days.
        Respond(c, Utc("2020-10-29T02:00:00"));

        var r = Assert.Single(c.HandlingRecords);
        Assert.True(r.Late);
        Assert.Equal(2, r.WorkingDaysLate);
        Assert.True(c.RespondedLate);
    }

    [Fact]
    public void An_approved_extension_moves_the_recorded_deadline_and_is_counted()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Do(c, "request-extension", Handler, Utc("2020-10-20T02:00:00"), new { workingDays = 5, reason = "需要现场核查" });
        Do(c, "approve-extension", Supervisor, Utc("2020-10-21T02:00:00"));

        // 5 working days after Tue 10-27: Wed 28, Thu 29, Fri 30, Mon 11-02, Tue 11-03.
        Respond(c, Utc("2020-10-29T02:00:00"));

        var r = Assert.Single(c.HandlingRecords);
        Assert.Equal((Due, Utc("2020-11-03T16:00:00")), (r.InitialDueAtUtc, r.DueAtUtc));
        Assert.Equal((1, 5), (r.ExtensionsGranted, r.ExtensionWorkingDays));
        Assert.False(r.Late);
    }

    [Fact]
    public void A_send_back_ends_the_attempt_and_starts_a_rework_attempt_in_the_same_round()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Respond(c, Utc("2020-10-12T02:00:00"));
        Do(c, "send-back", Supervisor, Utc("2020-10-13T02:00:00"), new { reason = "材料不全" });

        Assert.Equal(2, c.HandlingRecords.Count);
        var first = c.HandlingRecords[0];
        var rework = c.HandlingRecords[1];
        Assert.Equal((HandlingEnd.SentBack, Utc("2020-10-13T02:00:00")), (first.EndedBy!.Value, first.EndedAtUtc!.Value));
        Assert.Equal((1, 2, HandlingStart.Rework, 10), (rework.Round, rework.Attempt, rework.StartedBy, rework.UnitId));
        // The round's assignment stays the same (it decides the evaluation round); the deadline is the rework one.
        Assert.Equal((T0, Utc("2020-10-13T02:00:00")), (rework.AssignedAtUtc, rework.StartedAtUtc));
        Assert.Equal(c.DueAtUtc, rework.DueAtUtc);
        Assert.Same(rework, c.CurrentHandling);

        Respond(c, Utc("2020-10-15T02:00:00"));
        Do(c, "approve", Supervisor, Utc("2020-10-16T02:00:00"), new { qualityRating = 3 });
        Assert.Null(first.QualityRating);
        Assert.Equal(3, rework.QualityRating);
        Assert.Equal(1, c.ReworkCount);
    }

    [Fact]
    public void A_transfer_counts_the_lateness_so_far_against_the_unit_that_held_the_case()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        var at = Utc("2020-10-29T02:00:00");
        Do(c, "transfer", Supervisor, at, new { unitCode = "rst", reason = "职责在人社厅" }, Labour);

        Assert.Equal(2, c.HandlingRecords.Count);
        var old = c.HandlingRecords[0];
        Assert.Equal((10, HandlingEnd.Transferred), (old.UnitId, old.EndedBy!.Value));
        Assert.Null(old.RespondedAtUtc);
        Assert.Equal(at, old.StoppedAtUtc);
        Assert.True(old.Late);
        Assert.Equal(2, old.WorkingDaysLate);
        var taken = c.HandlingRecords[1];
        Assert.Equal((2, 1, 11, HandlingStart.Transfer, at), (taken.Round, taken.Attempt, taken.UnitId, taken.StartedBy, taken.AssignedAtUtc));
        Assert.Equal(c.DueAtUtc, taken.DueAtUtc);
    }

    [Fact]
    public void A_dissatisfied_rating_stays_on_the_record_when_the_case_is_reopened()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Respond(c, Utc("2020-10-12T02:00:00"));
        Do(c, "approve", Supervisor, Utc("2020-10-13T02:00:00"), new { qualityRating = 2 });
        Do(c, "feedback", Citizen, Utc("2020-10-14T02:00:00"), new { satisfaction = "dissatisfied" });
        Do(c, "reopen", Supervisor, Utc("2020-10-15T02:00:00"), new { reason = "群众不满意" });

        // The aggregate clears its own rating for the new round; the record keeps the old one.
        Assert.Null(c.Satisfaction);
        var first = c.HandlingRecords[0];
        Assert.Equal((Satisfaction.Dissatisfied, HandlingEnd.Reopened), (first.Satisfaction!.Value, first.EndedBy!.Value));
        Assert.Equal(2, first.QualityRating);
        var again = c.HandlingRecords[1];
        Assert.Equal((2, 1, 10, HandlingStart.Reopen), (again.Round, again.Attempt, again.UnitId, again.StartedBy));
        Assert.Null(again.Satisfaction);
    }

    [Fact]
    public void Return_requests_count_how_they_ended_and_an_approved_return_ends_the_round()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Do(c, "request-return", Handler, Utc("2020-09-30T02:00:00"), new { reason = "不属本单位职责" });
        Do(c, "reject-return", Supervisor, Utc("2020-10-09T02:00:00"), new { reason = "属于本单位职责" });
        Do(c, "request-return", Handler, Utc("2020-10-12T02:00:00"), new { reason = "确不属本单位" });
        Do(c, "approve-return", Supervisor, Utc("2020-10-13T02:00:00"));

        var r = Assert.Single(c.HandlingRecords);
        Assert.Equal((2, 1, Utc("2020-10-09T02:00:00")), (r.ReturnRequests, r.ReturnsRejected, r.LastReturnRejectedAtUtc!.Value));
        Assert.Equal(HandlingEnd.Returned, r.EndedBy);
        Assert.False(r.Late);
        Assert.Null(c.CurrentHandling);

        Do(c, "assign", Supervisor, Utc("2020-10-14T02:00:00"), new { unitCode = "rst" }, Labour);
        Assert.Equal((2, HandlingStart.Assign, 11), (c.HandlingRecords[1].Round, c.HandlingRecords[1].StartedBy, c.HandlingRecords[1].UnitId));
    }

    [Fact]
    public void Supervision_notices_and_their_answers_are_counted_on_the_attempt()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Do(c, "supervise", Supervisor, Utc("2020-09-29T05:00:00"), new { reason = "群众反映强烈" }, number: "DB-2020-0001");
        Do(c, "answer-supervision", Handler, Utc("2020-09-30T05:00:00"), new { answer = "正在核查" });

        var r = Assert.Single(c.HandlingRecords);
        Assert.Equal((1, 1, 0), (r.SupervisionNotices, r.SupervisionAnsweredInTime, r.SupervisionAnsweredLate));
    }

    [Fact]
    public void Replaying_the_timeline_writes_the_same_rows_as_the_live_actions_and_runs_only_once()
    {
        var c = Lodge();
        Do(c, "assign", Supervisor, T0, new { unitCode = "jyt" }, Education);
        Do(c, "request-return", Handler, Utc("2020-09-30T02:00:00"), new { reason = "不属本单位职责" });
        Do(c, "reject-return", Supervisor, Utc("2020-10-09T02:00:00"), new { reason = "属于本单位职责" });
        Do(c, "transfer", Supervisor, Utc("2020-10-29T02:00:00"), new { unitCode = "rst", reason = "改由人社厅办理" }, Labour);
        Do(c, "sign", Handler, Utc("2020-10-29T06:00:00"));
        Do(c, "supervise", Supervisor, Utc("2020-10-30T02:00:00"), new { reason = "抓紧办理" }, number: "DB-2020-0002");
        Do(c, "request-extension", Handler, Utc("2020-11-02T02:00:00"), new { workingDays = 3, reason = "需要调查" });
        Do(c, "approve-extension", Supervisor, Utc("2020-11-03T02:00:00"));
        Do(c, "answer-supervision", Handler, Utc("2020-11-20T02:00:00"), new { answer = "已答复" });
        Respond(c, Utc("2020-11-25T02:00:00"));
        Do(c, "send-back", Supervisor, Utc("2020-11-26T02:00:00"), new { reason = "补充" });
        Respond(c, Utc("2020-11-27T02:00:00"));
        Do(c, "approve", Supervisor, Utc("2020-11-28T02:00:00"), new { qualityRating = 5 });
        Do(c, "feedback", Citizen, Utc("2020-11-29T02:00:00"), new { satisfaction = "basically-satisfied" });
        Do(c, "reopen", Supervisor, Utc("2020-11-30T02:00:00"), new { reason = "复查" });
        var live = c.HandlingRecords.Select(Snapshot).ToList();
        Assert.Equal(4, live.Count);

        var rows = (List<HandlingRecord>)typeof(Complaint).GetField("_handlingRecords", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(c)!;
        rows.Clear();
        Assert.True(c.BackfillHandlingRecord(Workflow, code => UnitIds.TryGetValue(code, out var id) ? id : null));
        Assert.Equal(live, c.HandlingRecords.Select(Snapshot).ToList());
        Assert.False(c.BackfillHandlingRecord(Workflow, _ => null));
        Assert.Equal(4, c.HandlingRecords.Count);
    }

    private static string Snapshot(HandlingRecord r) => string.Join("|",
        typeof(HandlingRecord).GetProperties().Where(p => p.Name is not (nameof(HandlingRecord.Id) or nameof(HandlingRecord.ComplaintId)))
            .Select(p => $"{p.Name}={p.GetValue(r)}"));
}
