using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints.Effects;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints;

// 中止 (workflow v4): the handling deadline stands still while the case waits for the complainant.
public sealed partial class Complaint
{
    /// <summary>Why the unit asks (or asked) to suspend the case; shown to the complainant while it is suspended.</summary>
    public string? SuspensionReason { get; internal set; }

    /// <summary>What the complainant is expected to supply or do (材料、约谈); shown to them while the case is suspended.</summary>
    public string? SuspensionExpectation { get; internal set; }

    /// <summary>When the approved 中止 began; null unless the case is suspended now.</summary>
    public DateTime? SuspendedAtUtc { get; internal set; }

    /// <summary>Why the next resume happens when the system takes it (the complainant's supplement, or the longest suspension reached).</summary>
    private ResumeCause _resumeCause;

    internal ResumeCause ResumeCauseNow => _resumeCause;

    /// <summary>When the current suspension ends by itself (<c>deadlines.maxSuspensionWorkingDays</c> after it began); null unless suspended.</summary>
    public DateTime? SuspensionEndsAtUtc(WorkflowContext workflow) =>
        Status == ComplaintStatus.Suspended && SuspendedAtUtc is { } since && workflow.Deadlines.MaxSuspensionWorkingDays is { } max
            ? workflow.Calendar.DeadlineUtc(since, max)
            : null;

    /// <summary>
    /// The handling deadline a resume at <paramref name="resumedAtUtc"/> gives back: the whole working days that were
    /// left when the case was suspended (the day of an action never counts), at least one, counted from the resume.
    /// Suspended time thus counts as neither on time nor overdue.
    /// </summary>
    internal static DateTime ResumedDeadline(WorkingDayCalendar calendar, DateTime dueUtc, DateTime suspendedAtUtc, DateTime resumedAtUtc) =>
        calendar.DeadlineUtc(resumedAtUtc, Math.Max(1, calendar.WorkingDaysLeft(dueUtc, suspendedAtUtc)));

    /// <summary>中止 approved: each open 督办 notice to the unit that is not yet late stands still with the case.</summary>
    internal void PauseSupervisionNotices(DateTime nowUtc)
    {
        foreach (var notice in _supervisionNotices.Where(n => n.IsOpen && n.UnitId == UnitId))
        {
            notice.Pause(nowUtc);
        }
    }

    /// <summary>Resumed: each paused 督办 notice's reply deadline restarts with the working days it had left.</summary>
    internal void ResumeSupervisionNotices(WorkingDayCalendar calendar, DateTime nowUtc)
    {
        foreach (var notice in _supervisionNotices)
        {
            notice.Resume(calendar, nowUtc);
        }
    }

    /// <summary>
    /// The suspensions on the timeline, oldest first: when each was approved and when it ended (null while it lasts).
    /// The recount of a 督办 notice's reply deadline replays them as <see cref="SupervisionNotice.Pause"/> and
    /// <see cref="SupervisionNotice.Resume"/> did.
    /// </summary>
    private List<(DateTime From, DateTime? To)> SuspensionSpans()
    {
        var spans = new List<(DateTime From, DateTime? To)>();
        foreach (var e in _events.OrderBy(e => e.AtUtc))
        {
            if (e.Action == "approve-suspension")
            {
                spans.Add((e.AtUtc, null));
            }
            else if (e.Action == ResumeEffect.Code && spans.Count > 0 && spans[^1].To is null)
            {
                spans[^1] = (spans[^1].From, e.AtUtc);
            }
        }
        return spans;
    }

    /// <summary>
    /// 补充材料 while suspended: the complainant supplied what was asked for, so the case resumes by itself (a system
    /// <c>resume</c>). Returns the resume event, or null when the case is not suspended or its workflow has no resume.
    /// </summary>
    public ComplaintEvent? ResumeOnSupplement(WorkflowContext workflow, DateTime nowUtc) =>
        ResumeBySystem(workflow, ResumeCause.Supplement, nowUtc);

    private ComplaintEvent? ResumeBySystem(WorkflowContext workflow, ResumeCause cause, DateTime nowUtc)
    {
        EnsurePinned(workflow);
        if (Status != ComplaintStatus.Suspended
            || !workflow.Engine.PermittedActions(Status, WorkflowRoles.System, Facts(workflow, nowUtc).Evaluate).Any(a => a.Code == ResumeEffect.Code))
        {
            return null;
        }
        _resumeCause = cause;
        try
        {
            return Perform(workflow, ResumeEffect.Code, new Actor(null, WorkflowRoles.System), ValidatedFields.Empty, null, nowUtc);
        }
        finally
        {
            _resumeCause = ResumeCause.Supervisor;
        }
    }

    /// <summary>The longest suspension has passed: the timer sweep resumes the case (null if it has not, or the case is not suspended).</summary>
    private ComplaintEvent? ResumeIfSuspensionEnded(WorkflowContext workflow, DateTime nowUtc) =>
        SuspensionEndsAtUtc(workflow) is { } end && nowUtc >= end ? ResumeBySystem(workflow, ResumeCause.MaximumReached, nowUtc) : null;
}

/// <summary>Why a suspended case resumed.</summary>
internal enum ResumeCause
{
    /// <summary>A supervisor resumed it (the <c>resume</c> action by hand).</summary>
    Supervisor = 0,

    /// <summary>The complainant supplied material on /track.</summary>
    Supplement = 1,

    /// <summary><c>deadlines.maxSuspensionWorkingDays</c> passed.</summary>
    MaximumReached = 2,
}
