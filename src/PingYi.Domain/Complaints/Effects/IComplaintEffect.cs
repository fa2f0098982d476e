using PingYi.Domain.Calendar;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>The deadline an action starts, counted in working days from the day it is taken.</summary>
public enum StartedDeadline
{
    /// <summary>受理期限: the definition's <c>acceptWorkingDays</c>.</summary>
    Accept,

    /// <summary>办理期限: the definition's handling days for the case's category.</summary>
    Handle,

    /// <summary>重办期限: the definition's <c>reworkWorkingDays</c>.</summary>
    Rework,
}

/// <summary>
/// What one workflow action does to a complaint (one class per action, as Elsa has one class per activity).
/// The workflow engine decides whether the action may be taken; the effect applies it. <see cref="ComplaintEffects"/>
/// holds one per action code, and everything that asks "what does action X do" reads that table: the live
/// <see cref="Complaint.Perform"/>, the definition loader's check of known actions, and the two replays of the
/// timeline (the deadline recount after a calendar upload and the handling-record backfill).
/// </summary>
internal interface IComplaintEffect
{
    /// <summary>The action code, as the workflow definition names it.</summary>
    string Action { get; }

    /// <summary>
    /// The deadline this action starts, or null. <see cref="Complaint.Perform"/> sets the case's deadline from it
    /// (before the effect's <see cref="Apply"/> sees it as <see cref="EffectContext.StartedDueUtc"/>), and the
    /// replays count it again from the event, so "action X starts deadline Y" is written only here.
    /// </summary>
    StartedDeadline? Starts => null;

    /// <summary>
    /// Whether the action hands the case to a unit for a new handling round (assign, transfer, reopen), which
    /// starts a 签收 deadline when the definition has one (<see cref="WorkflowDeadlines.SignWorkingDays"/>).
    /// </summary>
    bool StartsSigning => false;

    /// <summary>
    /// Checks made before the engine fires the action, and the facts its conditions read: e.g. feedback refuses
    /// a second rating and decides its way by the rating given now. Throws <see cref="WorkflowActionException"/> to refuse.
    /// </summary>
    WorkflowFacts Prepare(EffectContext context, WorkflowFacts facts) => facts;

    /// <summary>
    /// Applies the action to the aggregate (its status is moved by the caller afterwards): sets the fields, writes
    /// the timeline notes into <paramref name="context"/> and raises the notices. May throw
    /// <see cref="WorkflowActionException"/> before changing anything.
    /// </summary>
    void Apply(EffectContext context);

    /// <summary>Reads what a recorded event of this action carried into the replay (requested days, unit, rating…).</summary>
    void Replay(TimelineReplay replay, ComplaintEvent e)
    {
    }

    /// <summary>Writes what the action means for the handling record, taken now or replayed from the timeline.</summary>
    void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar)
    {
    }
}

/// <summary>
/// The facts of one action that the handling record keeps: when, by which unit, the deadline after it, and the
/// action's own values (quality rating, satisfaction and 问题是否解决, extension days, whether a 督办 reply was in time).
/// </summary>
internal sealed record HandlingFacts(
    DateTime AtUtc,
    int? UnitId,
    DateTime? DueAfter,
    int? QualityRating,
    Satisfaction? Satisfaction,
    int? ExtensionDays,
    bool? SupervisionAnsweredInTime,
    Resolution? Resolution = null,
    DateTime? SignDueAfter = null);

/// <summary>One action being taken: its inputs, and the timeline notes and 督办 notice the effect produces.</summary>
internal sealed class EffectContext(
    Complaint complaint,
    WorkflowContext workflow,
    string action,
    Actor actor,
    ValidatedFields fields,
    UnitRef? unit,
    DateTime nowUtc,
    string? supervisionNumber,
    DateTime? startedDueUtc,
    DateTime? signDueUtc = null)
{
    public Complaint Complaint { get; } = complaint;

    public WorkflowContext Workflow { get; } = workflow;

    public string Action { get; } = action;

    public Actor Actor { get; } = actor;

    public ValidatedFields Fields { get; } = fields;

    /// <summary>The unit an assign or transfer names.</summary>
    public UnitRef? Unit { get; } = unit;

    public DateTime NowUtc { get; } = nowUtc;

    /// <summary>The number allocated for the notice a supervise issues.</summary>
    public string? SupervisionNumber { get; } = supervisionNumber;

    /// <summary>The deadline the action starts (<see cref="IComplaintEffect.Starts"/>), counted from now; null if none.</summary>
    public DateTime? StartedDueUtc { get; } = startedDueUtc;

    /// <summary>The 签收 deadline the action starts (<see cref="IComplaintEffect.StartsSigning"/>), counted from now; null if none.</summary>
    public DateTime? SignDueUtc { get; } = signDueUtc;

    /// <summary>What the complainant reads on the timeline; null unless the effect writes one.</summary>
    public string? PublicNote { get; set; }

    /// <summary>What staff read on the timeline: the action's note or reason unless the effect writes another.</summary>
    public string? InternalNote { get; set; } = fields.Text("note") ?? fields.Text("reason");

    /// <summary>The primary or related case a merge, unmerge, share-answer or link names.</summary>
    public CaseGroupFacts? Group { get; init; }

    /// <summary>The 督办 notice the action issued or answered.</summary>
    public SupervisionNotice? Supervision { get; set; }

    /// <summary>A refusal of this action because a condition of the case is not met.</summary>
    public WorkflowActionException Refuse(string message, string chineseMessage) =>
        new(WorkflowRefusal.ConditionNotMet, Action, Complaint.Status, Actor.Role, message, chineseMessage);

    /// <summary>Raises a notice of the case, stamped now.</summary>
    public void Raise(NoticeKind kind, int? level = null, string? note = null, string? reference = null, DateTime? dueAtUtc = null) =>
        Complaint.Raise(kind, NowUtc, level, note, reference, dueAtUtc);
}
