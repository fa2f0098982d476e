using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Complaints.Effects;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Handling;

/// <summary>
/// The timers of the aggregate on the latest real definition (v3; the unit signs for the case right after assignment
/// unless a test is about 签收) and the real 2020 calendar, around National Day:
/// Oct 1–8 off, Sunday 2020-09-27 and Saturday 2020-10-10 adjusted working days (调休).
/// </summary>
public sealed class ComplaintTimerTests
{
    private static readonly WorkflowContext Workflow = new(
        WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Latest("complaint-handling"),
        WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar));

    private static readonly Actor Supervisor = new("sup-1", WorkflowRoles.Supervisor);
    private static readonly Actor Handler = new("h-1", WorkflowRoles.UnitHandler);
    private static readonly UnitRef Education = new(10, "省教育厅");

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static Complaint Lodge(DateTime at)
    {
        var submission = new ValidComplaintSubmission("jyt", ProblemCategory.Formalism, "标题", "足够长的问题描述内容。", null, null, null);
        return Complaint.Lodge("ZTC-2020-000001", AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web, submission, Education.Id, Workflow, at);
    }

    private static ComplaintEvent Do(Complaint c, string action, Actor actor, DateTime at, object? fields = null, UnitRef? unit = null, string? number = null)
    {
        var json = JsonSerializer.SerializeToElement(fields ?? new { });
        var validation = Workflow.Engine.ValidateFields(action, json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value));
        Assert.True(validation.IsValid, string.Join("; ", validation.Errors.ToDictionary().SelectMany(e => e.Value)));
        return c.Perform(Workflow, action, actor, validation.Values, unit, at, number);
    }

    /// <summary>Fires at <paramref name="at"/>; returns the timer events' actions and the notices raised.</summary>
    private static (List<string> Events, List<ComplaintNotice> Notices) Fire(Complaint c, DateTime at)
    {
        c.TakeNotices();
        var events = c.FireDueTimers(Workflow, at).Select(e => e.Action).ToList();
        return (events, c.TakeNotices().ToList());
    }

    /// <summary>Assigned Tue 09-15, reported, sent back Wed 09-23: rework 5 working days counts Sunday 09-27 (调休), due end of Tue 09-29.</summary>
    private static Complaint SentBackBeforeNationalDay()
    {
        var c = Lodge(Utc("2020-09-15T02:00:00"));
        Do(c, "assign", Supervisor, Utc("2020-09-15T03:00:00"), new { unitCode = "jyt" }, Education);
        Do(c, "respond", Handler, Utc("2020-09-22T03:00:00"), new { findings = "查", measures = "改", publicReply = "复" });
        Do(c, "send-back", Supervisor, Utc("2020-09-23T03:00:00"), new { reason = "补充" });
        return c;
    }

    [Fact]
    public void The_accept_deadline_across_the_holiday_fires_once_to_the_supervisors()
    {
        // Tue 09-29 10:00: 09-30 is the first working day, 10-09 the second.
        var c = Lodge(Utc("2020-09-29T02:00:00"));
        var due = Utc("2020-10-09T16:00:00");
        Assert.Equal(due, c.NextTimerAtUtc);

        Assert.Empty(Fire(c, due.AddTicks(-1)).Events);
        var (events, notices) = Fire(c, due);
        Assert.Equal([TimerActions.AcceptOverdue], events);
        Assert.Equal(NoticeKind.AcceptOverdue, Assert.Single(notices).Kind);
        Assert.True(c.AcceptOverdueNotified);
        Assert.Null(c.NextTimerAtUtc);
        Assert.Empty(Fire(c, due.AddDays(3)).Events);
        Assert.Equal(ComplaintStatus.Submitted, c.Status);
    }

    [Fact]
    public void Rework_deadline_reminder_overdue_and_escalation_land_on_working_days_around_national_day()
    {
        var c = SentBackBeforeNationalDay();
        var due = Utc("2020-09-29T16:00:00");
        Assert.Equal(due, c.DueAtUtc);
        var expected = new (DateTime At, string Event, NoticeKind Kind, int? Level)[]
        {
            // One working day before: the start of the last day, Tue 09-29.
            (Utc("2020-09-28T16:00:00"), TimerActions.DeadlineReminder, NoticeKind.DeadlineReminder, null),
            (due, TimerActions.Overdue, NoticeKind.Overdue, 1),
            // 3 working days after (09-30, 10-09, Sat 10-10) have passed when Mon 10-12 begins.
            (Utc("2020-10-11T16:00:00"), TimerActions.Escalate, NoticeKind.Escalated, 2),
            // 5 (… 10-12, 10-13) have passed when Wed 10-14 begins.
            (Utc("2020-10-13T16:00:00"), TimerActions.Escalate, NoticeKind.Escalated, 3),
        };
        foreach (var (at, action, kind, level) in expected)
        {
            Assert.Equal(at, c.NextTimerAtUtc);
            Assert.Empty(Fire(c, at.AddTicks(-1)).Events);
            var (events, notices) = Fire(c, at);
            Assert.Equal([action], events);
            var notice = Assert.Single(notices);
            Assert.Equal((kind, level), (notice.Kind, notice.Level));
            Assert.Empty(Fire(c, at).Events);
            Assert.Equal(level ?? 0, c.EscalationLevelNotified);
            // The stored level and the level read from the calendar agree once the timer has fired.
            Assert.Equal(c.EscalationLevelNotified, c.EscalationLevel(Workflow, at));
        }
        Assert.Null(c.NextTimerAtUtc);
        Assert.Equal(3, c.EscalationLevel(Workflow, Utc("2020-10-20T00:00:00")));
        Assert.All(c.Events.Where(e => e.ActorRole == ActorRoles.System), e => Assert.Null(e.PublicNote));
    }

    [Fact]
    public void A_sweep_days_late_fires_each_missed_level_once_and_skips_the_stale_reminder()
    {
        var c = SentBackBeforeNationalDay();
        var (events, notices) = Fire(c, Utc("2020-10-20T02:00:00"));
        Assert.Equal([TimerActions.Overdue, TimerActions.Escalate, TimerActions.Escalate], events);
        Assert.Equal([(NoticeKind.Overdue, (int?)1), (NoticeKind.Escalated, 2), (NoticeKind.Escalated, 3)], notices.Select(n => (n.Kind, n.Level)));
        Assert.Null(c.NextTimerAtUtc);
        Assert.Empty(Fire(c, Utc("2020-10-21T02:00:00")).Events);
    }

    [Fact]
    public void A_new_deadline_starts_its_timers_again_and_a_response_stops_them()
    {
        var c = SentBackBeforeNationalDay();
        Fire(c, Utc("2020-09-30T02:00:00"));
        Assert.Equal(1, c.EscalationLevelNotified);
        Do(c, "request-extension", Handler, Utc("2020-09-30T03:00:00"), new { workingDays = 5, reason = "节日" });
        Do(c, "approve-extension", Supervisor, Utc("2020-09-30T04:00:00"));
        // Extended from the last day covered (09-29) by 5: 09-30, 10-09, 10-10, 10-12, 10-13.
        Assert.Equal(Utc("2020-10-13T16:00:00"), c.DueAtUtc);
        Assert.Equal(0, c.EscalationLevelNotified);
        Assert.False(c.DeadlineReminderSent);
        Assert.Equal(Utc("2020-10-12T16:00:00"), c.NextTimerAtUtc);

        Do(c, "respond", Handler, Utc("2020-10-12T03:00:00"), new { findings = "查", measures = "改", publicReply = "复" });
        Assert.Null(c.NextTimerAtUtc);
        Assert.Empty(Fire(c, Utc("2020-10-20T02:00:00")).Events);
    }

    [Fact]
    public void Urge_and_supervise_raise_their_notices_and_an_unanswered_notice_fires_once()
    {
        var c = Lodge(Utc("2020-09-29T02:00:00"));
        Do(c, "assign", Supervisor, Utc("2020-09-29T03:00:00"), new { unitCode = "jyt" }, Education);
        Do(c, "sign", Handler, Utc("2020-09-29T03:30:00"));
        c.TakeNotices();

        var urged = Do(c, "urge", Supervisor, Utc("2020-09-29T04:00:00"), new { note = "请加快办理" });
        Assert.Equal(ComplaintStatus.Assigned, urged.ToStatus);
        var urge = Assert.Single(c.TakeNotices());
        Assert.Equal((NoticeKind.Urged, "请加快办理"), (urge.Kind, urge.Note));

        Do(c, "supervise", Supervisor, Utc("2020-09-29T05:00:00"), new { reason = "群众反映强烈" }, number: "DB-2020-0001");
        var notice = Assert.Single(c.SupervisionNotices);
        // Default 3 working days: 09-30, 10-09, Saturday 10-10 (调休) → due end of 10-10.
        Assert.Equal(Utc("2020-10-10T16:00:00"), notice.DueAtUtc);
        var supervised = Assert.Single(c.TakeNotices());
        Assert.Equal((NoticeKind.Supervised, "群众反映强烈", "DB-2020-0001"), (supervised.Kind, supervised.Note, supervised.Reference));
        // The reply reminder first: 00:00 of the notice's last working day, Saturday 10-10 (调休).
        Assert.Equal(Utc("2020-10-09T16:00:00"), c.NextTimerAtUtc);

        // A sweep that first runs at the reply deadline passes the reminder over and fires the overdue notice.
        var (events, notices) = Fire(c, notice.DueAtUtc);
        Assert.Equal([TimerActions.SupervisionOverdue], events);
        Assert.Equal((NoticeKind.SupervisionOverdue, "DB-2020-0001"), (Assert.Single(notices).Kind, notices[0].Reference));
        Assert.Empty(Fire(c, notice.DueAtUtc.AddDays(1)).Events);

        Do(c, "answer-supervision", Handler, Utc("2020-10-12T03:00:00"), new { answer = "已整改到位" });
        Assert.False(notice.IsOpen);
        Assert.Equal("已整改到位", notice.Answer);
        var refused = Assert.Throws<WorkflowActionException>(() => Do(c, "answer-supervision", Handler, Utc("2020-10-12T04:00:00"), new { answer = "再答" }));
        Assert.Equal(WorkflowRefusal.ConditionNotMet, refused.Refusal);
    }

    [Fact]
    public void A_notice_answered_in_time_leaves_no_timer_and_supervise_takes_its_own_working_days()
    {
        var c = Lodge(Utc("2020-09-29T02:00:00"));
        Do(c, "assign", Supervisor, Utc("2020-09-29T03:00:00"), new { unitCode = "jyt" }, Education);
        Do(c, "sign", Handler, Utc("2020-09-29T03:30:00"));
        var handlingTimer = c.NextTimerAtUtc;
        Do(c, "supervise", Supervisor, Utc("2020-09-29T05:00:00"), new { reason = "督办", workingDays = 1 }, number: "DB-2020-0002");
        Assert.Equal(Utc("2020-09-30T16:00:00"), c.SupervisionNotices[0].DueAtUtc);
        Assert.Equal(c.SupervisionNotices[0].DueAtUtc, c.NextTimerAtUtc);
        Do(c, "answer-supervision", Handler, Utc("2020-09-30T03:00:00"), new { answer = "已办" });
        Assert.Equal(handlingTimer, c.NextTimerAtUtc);
        Assert.Empty(Fire(c, Utc("2020-10-01T03:00:00")).Events);
    }

    [Fact]
    public void A_deadline_counted_monday_to_friday_is_recounted_from_its_start_and_its_extension()
    {
        // Counted before the 2020 calendar existed: National Day counted as working days.
        var fallback = new WorkflowContext(Workflow.Engine, WorkingDayCalendar.MondayToFriday);
        var c = Lodge(Utc("2020-09-29T01:00:00"));
        Perform(c, fallback, "assign", Supervisor, Utc("2020-09-29T02:00:00"), new { unitCode = "jyt" }, Education);
        Perform(c, fallback, "sign", Handler, Utc("2020-09-29T02:30:00"));
        Assert.Equal(Utc("2020-10-20T16:00:00"), c.DueAtUtc);
        Perform(c, fallback, "request-extension", Handler, Utc("2020-10-09T02:00:00"), new { workingDays = 5, reason = "节后补充调查" });
        Perform(c, fallback, "approve-extension", Supervisor, Utc("2020-10-09T03:00:00"));
        Assert.Equal(Utc("2020-10-27T16:00:00"), c.DueAtUtc);

        // With the real calendar: 15 working days end Tue 10-27 (Oct 1–8 off, Sat 10-10 on), plus 5: Tue 11-03.
        Assert.True(c.RecountDeadline(Workflow, 2020, Utc("2020-10-12T02:00:00")));
        Assert.Equal(Utc("2020-11-03T16:00:00"), c.DueAtUtc);
        Assert.Equal(Utc("2020-11-02T16:00:00"), c.NextTimerAtUtc);
        var e = c.Events[^1];
        Assert.Equal((TimerActions.DeadlineRecounted, ActorRoles.System), (e.Action, e.ActorRole));
        Assert.Contains("2020-11-03 24:00", e.PublicNote);
        Assert.Contains("2020-10-27 24:00", e.InternalNote);
        // Counting again changes nothing.
        Assert.False(c.RecountDeadline(Workflow, 2020, Utc("2020-10-12T03:00:00")));
    }

    private static void Perform(Complaint c, WorkflowContext workflow, string action, Actor actor, DateTime at, object? fields = null, UnitRef? unit = null)
    {
        var json = JsonSerializer.SerializeToElement(fields ?? new { });
        var validation = workflow.Engine.ValidateFields(action, json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value));
        Assert.True(validation.IsValid);
        c.Perform(workflow, action, actor, validation.Values, unit, at);
    }

    [Fact]
    public void Every_action_of_the_shipped_definitions_has_an_effect()
    {
        foreach (var definition in WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Definitions)
        {
            Assert.All(definition.Actions, a => Assert.Contains(a.Code, ComplaintEffects.KnownActions));
        }
    }
}
