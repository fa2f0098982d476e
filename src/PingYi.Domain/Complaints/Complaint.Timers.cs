using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints.Effects;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints;

// The timers of a case: deadlines, reminders, escalation levels, 督办 reply deadlines and the feedback window.
public sealed partial class Complaint
{
    /// <summary>
    /// Fires every timer of this case that is due at <paramref name="nowUtc"/>, each once: the accept deadline
    /// of a submitted case, the reminder before the handling or rework deadline, the deadline itself (level 1)
    /// and each further escalation level, an unanswered 督办 notice's reply deadline, and the feedback window.
    /// Each appends a system event and raises its notice; markers on the row make a second call a no-op, and
    /// the row's version makes two concurrent sweeps settle on one. A run days late fires every timer it
    /// missed once, in order. Returns the events appended.
    /// </summary>
    public IReadOnlyList<ComplaintEvent> FireDueTimers(WorkflowContext workflow, DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        EnsurePinned(workflow);
        var fired = new List<ComplaintEvent>();
        // Fire the earliest due timer, then look again (firing one changes what is pending): a run days late fires
        // every timer it missed once, in the order they fell due. Each firing sets its marker, so this ends.
        for (var guard = 0; guard < 64; guard++)
        {
            var next = PendingTimers(workflow).Where(t => t.AtUtc <= nowUtc).OrderBy(t => t.AtUtc).ThenBy(t => t.Order).FirstOrDefault();
            if (next is null)
            {
                break;
            }
            next.Fire(nowUtc, fired);
        }

        if (IsFeedbackTimeoutDue(workflow, nowUtc))
        {
            fired.Add(Perform(workflow, FeedbackTimeoutEffect.Code, new Actor(null, WorkflowRoles.System), ValidatedFields.Empty, null, nowUtc));
        }
        else if (ResumeIfSuspensionEnded(workflow, nowUtc) is { } resumed)
        {
            fired.Add(resumed);
            // The resumed deadline may already have timers due (a sweep that ran late).
            fired.AddRange(FireDueTimers(workflow, nowUtc));
        }
        else
        {
            RecomputeNextTimer(workflow);
        }
        if (fired.Count > 0)
        {
            UpdatedAtUtc = nowUtc;
        }
        return fired;
    }

    /// <summary>A timer still to fire: when it is due, a tie-breaker, and what firing it does (append the event, raise the notice, set the marker).</summary>
    private sealed record PendingTimer(DateTime AtUtc, int Order, Action<DateTime, List<ComplaintEvent>> Fire);

    /// <summary>
    /// Every timer of this case still pending, from the definition's <c>deadlines</c>: the accept deadline; the
    /// reminder, the deadline (level 1) and the next escalation level of the handling or rework deadline; and the
    /// same three for each open 督办 notice's reply deadline. The feedback window is the workflow's own action.
    /// </summary>
    private List<PendingTimer> PendingTimers(WorkflowContext workflow)
    {
        var timers = new List<PendingTimer>();
        var deadlines = workflow.Deadlines;
        if (Status == ComplaintStatus.Submitted && !AcceptOverdueNotified && DueAtUtc is { } acceptBy)
        {
            timers.Add(new PendingTimer(acceptBy, timers.Count, (now, fired) =>
            {
                AcceptOverdueNotified = true;
                fired.Add(TimerEvent(TimerActions.AcceptOverdue, now, ComplaintTexts.AcceptOverdue(acceptBy), null));
                Raise(NoticeKind.AcceptOverdue, now);
            }));
        }

        if (Status == ComplaintStatus.Assigned && DueAtUtc is { } due)
        {
            if (!DeadlineReminderSent && ReminderAtUtc(workflow, due) is { } remindAt)
            {
                timers.Add(new PendingTimer(remindAt, timers.Count, (now, fired) =>
                {
                    DeadlineReminderSent = true;
                    // A reminder is only worth sending before the deadline; a sweep that runs after it goes
                    // straight to the overdue notice.
                    if (!Deadlines.Late(now, due))
                    {
                        fired.Add(TimerEvent(TimerActions.DeadlineReminder, now, ComplaintTexts.DeadlineReminder(due, deadlines.ReminderBeforeDeadlineWorkingDays), null));
                        Raise(NoticeKind.DeadlineReminder, now);
                    }
                }));
            }
            if (NextLevelAtUtc(workflow, due, EscalationLevelNotified) is { } levelAt)
            {
                timers.Add(new PendingTimer(levelAt, timers.Count, (now, fired) =>
                {
                    var level = ++EscalationLevelNotified;
                    if (level == 1)
                    {
                        fired.Add(TimerEvent(TimerActions.Overdue, now, ComplaintTexts.Overdue(due), level));
                        Raise(NoticeKind.Overdue, now, level: level);
                    }
                    else
                    {
                        var days = deadlines.EscalationAfterDeadlineWorkingDays[level - 1];
                        fired.Add(TimerEvent(TimerActions.Escalate, now, ComplaintTexts.Escalated(days, level), level));
                        Raise(NoticeKind.Escalated, now, level: level);
                    }
                }));
            }
        }

        if (Status is ComplaintStatus.Assigned or ComplaintStatus.UnderReview)
        {
            AddSupervisionTimers(workflow, timers);
        }
        AddSignTimers(workflow, timers);
        return timers;
    }

    /// <summary>The reminder, the reply deadline (level 1) and the next level of each open 督办 notice to the unit handling the case.</summary>
    private void AddSupervisionTimers(WorkflowContext workflow, List<PendingTimer> timers)
    {
        var deadlines = workflow.Deadlines;
        foreach (var notice in _supervisionNotices.Where(n => n.IsOpen && n.UnitId == UnitId).OrderBy(n => n.IssuedAtUtc))
        {
            if (!notice.ReminderSent && NoticeReminderAtUtc(workflow, notice) is { } remindAt)
            {
                timers.Add(new PendingTimer(remindAt, timers.Count, (now, fired) =>
                {
                    notice.ReminderFired();
                    if (now < notice.DueAtUtc)
                    {
                        fired.Add(TimerEvent(TimerActions.SupervisionReminder, now, ComplaintTexts.SupervisionReminder(notice.Number, notice.DueAtUtc, deadlines.ReminderBeforeDeadlineWorkingDays), null, notice.Number));
                        Raise(NoticeKind.SupervisionReminder, now, note: notice.Reason, reference: notice.Number, dueAtUtc: notice.DueAtUtc);
                    }
                }));
            }
            if (NextLevelAtUtc(workflow, notice.DueAtUtc, notice.EscalationLevelNotified) is { } levelAt)
            {
                timers.Add(new PendingTimer(levelAt, timers.Count, (now, fired) =>
                {
                    var level = notice.EscalationLevelNotified + 1;
                    notice.LevelFired(level, now);
                    if (level == 1)
                    {
                        fired.Add(TimerEvent(TimerActions.SupervisionOverdue, now, ComplaintTexts.SupervisionOverdue(notice.Number, notice.DueAtUtc), level, notice.Number));
                        Raise(NoticeKind.SupervisionOverdue, now, level: level, note: notice.Reason, reference: notice.Number, dueAtUtc: notice.DueAtUtc);
                    }
                    else
                    {
                        var days = deadlines.EscalationAfterDeadlineWorkingDays[level - 1];
                        fired.Add(TimerEvent(TimerActions.SupervisionEscalate, now, ComplaintTexts.SupervisionEscalated(notice.Number, days, level), level, notice.Number));
                        Raise(NoticeKind.SupervisionEscalated, now, level: level, note: notice.Reason, reference: notice.Number, dueAtUtc: notice.DueAtUtc);
                    }
                }));
            }
        }
    }

    /// <summary>
    /// The one place <see cref="NextTimerAtUtc"/> is set: the earliest timer still pending, or null. Called after
    /// every action and every firing, so the sweep's indexed query finds exactly the cases with something due.
    /// </summary>
    private void RecomputeNextTimer(WorkflowContext workflow)
    {
        DateTime? next = null;
        foreach (var timer in PendingTimers(workflow))
        {
            if (next is null || timer.AtUtc < next)
            {
                next = timer.AtUtc;
            }
        }
        // A dissatisfied rating stops the feedback clock: the case waits for a supervisor.
        if (Status == ComplaintStatus.AwaitingFeedback && Satisfaction is null && FeedbackWindowEndUtc(workflow) is { } closeAt)
        {
            if (next is null || closeAt < next)
            {
                next = closeAt;
            }
        }
        // 中止: the case resumes by itself once the longest suspension has passed.
        if (SuspensionEndsAtUtc(workflow) is { } resumeAt && (next is null || resumeAt < next))
        {
            next = resumeAt;
        }
        NextTimerAtUtc = next;
    }

    /// <summary>When the reminder before <paramref name="due"/> is due; null if that is not after the deadline was set.</summary>
    private DateTime? ReminderAtUtc(WorkflowContext workflow, DateTime due)
    {
        var at = workflow.Calendar.ReminderUtc(due, workflow.Deadlines.ReminderBeforeDeadlineWorkingDays);
        return at < due ? at : null;
    }

    /// <summary>
    /// When a 督办 notice's reply reminder is due: like the case's, but only for a notice of more working days than the
    /// reminder offset (a one-day notice is itself the reminder), and never before it was issued.
    /// </summary>
    private static DateTime? NoticeReminderAtUtc(WorkflowContext workflow, SupervisionNotice notice)
    {
        var before = workflow.Deadlines.ReminderBeforeDeadlineWorkingDays;
        if (notice.WorkingDays <= before)
        {
            return null;
        }
        var at = workflow.Calendar.ReminderUtc(notice.DueAtUtc, before);
        return at > notice.IssuedAtUtc && at < notice.DueAtUtc ? at : null;
    }

    /// <summary>When the level after <paramref name="notified"/> is reached (level 1 at the deadline itself, the same rule as <see cref="EscalationLevel"/>); null after level 3.</summary>
    private static DateTime? NextLevelAtUtc(WorkflowContext workflow, DateTime due, int notified)
    {
        var offsets = workflow.Deadlines.EscalationAfterDeadlineWorkingDays;
        var level = notified + 1;
        if (level > offsets.Count)
        {
            return null;
        }
        return level == 1 ? due : workflow.Calendar.AfterDeadlineUtc(due, offsets[level - 1]);
    }

    private ComplaintEvent TimerEvent(string action, DateTime nowUtc, string internalNote, int? level, string? notice = null)
    {
        var data = (level, notice) switch
        {
            (null, null) => null,
            (_, null) => JsonSerializer.Serialize(new { level }),
            (null, _) => JsonSerializer.Serialize(new { notice }),
            _ => JsonSerializer.Serialize(new { level, notice }),
        };
        var e = ComplaintEvent.Create(action, nowUtc, actorId: null, ActorRoles.System, Status, Status, publicNote: null, internalNote, data);
        _events.Add(e);
        return e;
    }
}
