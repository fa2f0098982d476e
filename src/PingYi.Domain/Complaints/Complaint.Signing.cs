using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints.Effects;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints;

// 签收 (workflow v3): the signing deadline each handling round gives the unit, and its timers.
public sealed partial class Complaint
{
    /// <summary>签收期限 of the current handling round; null when the case is not with a unit or its workflow has no sign action.</summary>
    public DateTime? SignDueAtUtc { get; internal set; }

    /// <summary>When the unit signed for the current round (or answered unsigned, which signs it then).</summary>
    public DateTime? SignedAtUtc { get; internal set; }

    /// <summary>The reminder before the signing deadline has fired (or was passed over); once per deadline.</summary>
    public bool SignReminderSent { get; private set; }

    /// <summary>The escalation level (1 overdue … 3) of the signing deadline reached and notified; 0 before it.</summary>
    public int SignEscalationLevelNotified { get; private set; }

    /// <summary>A signing deadline runs and the unit has not signed: what the workflow's <c>sign-pending</c> asks.</summary>
    public bool SignPending => Status == ComplaintStatus.Assigned && SignDueAtUtc is not null && SignedAtUtc is null;

    /// <summary>The signing deadline an action starts, counted from <paramref name="atUtc"/>; null if it starts none.</summary>
    private static DateTime? SignDeadlineStartedBy(IComplaintEffect? effect, DateTime atUtc, WorkflowContext workflow) =>
        effect is { StartsSigning: true } ? SignDeadlineFrom(atUtc, workflow) : null;

    /// <summary>The signing deadline of a round started at <paramref name="atUtc"/>; null when the definition has none.</summary>
    private static DateTime? SignDeadlineFrom(DateTime atUtc, WorkflowContext workflow) =>
        workflow.Deadlines.SignWorkingDays is { } days ? workflow.Calendar.DeadlineUtc(atUtc, days) : null;

    /// <summary>A new handling round starts a new signing deadline (and its timers); back at intake none runs.</summary>
    private void UpdateSigning(IComplaintEffect effect, DateTime? signDue, bool backToIntake)
    {
        if (effect.StartsSigning || backToIntake)
        {
            SignDueAtUtc = backToIntake ? null : signDue;
            SignedAtUtc = null;
            SignReminderSent = false;
            SignEscalationLevelNotified = 0;
        }
    }

    /// <summary>
    /// Counts an unsigned case's signing deadline again from its round's start with <paramref name="workflow"/>'s
    /// calendar (after a holiday upload); a moved deadline restarts its timers. Returns whether it moved.
    /// </summary>
    private bool RecountSignDeadline(WorkflowContext workflow)
    {
        if (!SignPending || AssignedAtUtc is not { } assigned || SignDeadlineFrom(assigned, workflow) is not { } due || due == SignDueAtUtc)
        {
            return false;
        }
        SignDueAtUtc = due;
        CurrentHandling?.SignRecounted(due);
        SignReminderSent = false;
        SignEscalationLevelNotified = 0;
        return true;
    }

    /// <summary>
    /// The reminder, the deadline (level 1) and the next escalation level of an unsigned case's signing deadline.
    /// The reminder follows the 督办 notice's rule: only for a deadline longer than the reminder offset (a one-day
    /// deadline is itself the reminder). Level 1 goes to the unit, levels 2 and 3 to the supervisors as well.
    /// </summary>
    private void AddSignTimers(WorkflowContext workflow, List<PendingTimer> timers)
    {
        if (!SignPending || SignDueAtUtc is not { } due || AssignedAtUtc is not { } assigned)
        {
            return;
        }
        var deadlines = workflow.Deadlines;
        var before = deadlines.ReminderBeforeDeadlineWorkingDays;
        if (!SignReminderSent && deadlines.SignWorkingDays > before && workflow.Calendar.ReminderUtc(due, before) is var remindAt
            && remindAt > assigned && remindAt < due)
        {
            timers.Add(new PendingTimer(remindAt, timers.Count, (now, fired) =>
            {
                SignReminderSent = true;
                if (!Deadlines.Late(now, due))
                {
                    fired.Add(TimerEvent(TimerActions.SignReminder, now, ComplaintTexts.SignReminder(due, before), null));
                    Raise(NoticeKind.SignReminder, now, dueAtUtc: due);
                }
            }));
        }
        if (NextLevelAtUtc(workflow, due, SignEscalationLevelNotified) is { } levelAt)
        {
            timers.Add(new PendingTimer(levelAt, timers.Count, (now, fired) =>
            {
                var level = ++SignEscalationLevelNotified;
                if (level == 1)
                {
                    fired.Add(TimerEvent(TimerActions.SignOverdue, now, ComplaintTexts.SignOverdue(due), level));
                    Raise(NoticeKind.SignOverdue, now, level: level, dueAtUtc: due);
                }
                else
                {
                    var days = deadlines.EscalationAfterDeadlineWorkingDays[level - 1];
                    fired.Add(TimerEvent(TimerActions.SignEscalate, now, ComplaintTexts.SignEscalated(days, level), level));
                    Raise(NoticeKind.SignEscalated, now, level: level, dueAtUtc: due);
                }
            }));
        }
    }
}
