using System.Text.Json;
using PingYi.Domain.Complaints.Effects;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints;

/// <summary>
/// 问题线索: the case and aggregate root. State changes go through its methods only, and each
/// appends a <see cref="ComplaintEvent"/> to the audit trail.
/// </summary>
public sealed partial class Complaint
{
    private readonly List<ComplaintEvent> _events = [];
    private readonly List<ComplaintNotice> _notices = [];
    private readonly List<SupervisionNotice> _supervisionNotices = [];
    private readonly List<HandlingRecord> _handlingRecords = [];

    private Complaint()
    {
        TrackingNumber = AccessCodeHash = Title = Description = WorkflowId = string.Empty;
    }

    public long Id { get; private set; }

    public string TrackingNumber { get; private set; }

    /// <summary>Salted hash of the 查询码; the code itself is shown once and never stored.</summary>
    public string AccessCodeHash { get; private set; }

    public ComplaintChannel Channel { get; private set; }

    public ProblemCategory Category { get; private set; }

    /// <summary>The unit handling the case; null while 待确定单位 (the complainant did not know it and no supervisor has assigned it yet).</summary>
    public int? UnitId { get; internal set; }

    public string Title { get; private set; }

    public string Description { get; private set; }

    public DateOnly? OccurredOn { get; private set; }

    public string? Location { get; private set; }

    public bool Anonymous { get; private set; }

    public ComplaintStatus Status { get; private set; }

    /// <summary>The workflow definition this case started under; later versions do not affect it.</summary>
    public string WorkflowId { get; private set; }

    public int WorkflowVersion { get; private set; }

    public DateTime SubmittedAtUtc { get; private set; }

    /// <summary>The deadline of the current step: accepting while submitted, handling while assigned.</summary>
    public DateTime? DueAtUtc { get; internal set; }

    /// <summary>When a timer of this case is next due (deadline, feedback window); swept by a recurring job.</summary>
    public DateTime? NextTimerAtUtc { get; private set; }

    /// <summary>
    /// A later end of the current feedback window than the workflow's, set when the complainant's lookups were
    /// throttled (someone was failing access codes on this case), so that they lose no time to rate. Cleared by approve.
    /// </summary>
    public DateTime? FeedbackExtendedToUtc { get; internal set; }

    public DateTime? AssignedAtUtc { get; internal set; }

    public PendingRequest PendingRequest { get; internal set; }

    /// <summary>The working days a pending extension request asks for.</summary>
    public int? PendingExtensionDays { get; internal set; }

    /// <summary>办理情况报告: what the unit found (staff only).</summary>
    public string? ResponseFindings { get; internal set; }

    /// <summary>办理情况报告: what the unit did about it (staff only).</summary>
    public string? ResponseMeasures { get; internal set; }

    /// <summary>The unit's reply to the complainant, published when a supervisor approves the response.</summary>
    public string? PublicReply { get; internal set; }

    public DateTime? RespondedAtUtc { get; internal set; }

    /// <summary>Whether the last response came after its deadline; counts against the unit.</summary>
    public bool RespondedLate { get; internal set; }

    /// <summary>The supervisor's rating (1–5) of the approved response.</summary>
    public int? QualityRating { get; internal set; }

    public DateTime? ApprovedAtUtc { get; internal set; }

    public Satisfaction? Satisfaction { get; internal set; }

    public DateTime? ClosedAtUtc { get; internal set; }

    /// <summary>退回重办 count.</summary>
    public int ReworkCount { get; internal set; }

    public int ReopenCount { get; internal set; }

    public int TransferCount { get; internal set; }

    public DateTime UpdatedAtUtc { get; private set; }

    /// <summary>The accept deadline of this submission passed and the supervisors were told (once per accept deadline).</summary>
    public bool AcceptOverdueNotified { get; private set; }

    /// <summary>The reminder before the current handling or rework deadline has fired (once per deadline).</summary>
    public bool DeadlineReminderSent { get; private set; }

    /// <summary>
    /// The escalation level (1 overdue … 3) reached and notified for the current deadline, written by the sweep
    /// as each level fires; 0 before the deadline. Lists, the inbox, the 督办台 and the score count on it. It stays
    /// after the unit responds (how far the case escalated) and starts again at 0 with a new deadline.
    /// </summary>
    public int EscalationLevelNotified { get; private set; }

    /// <summary>Optimistic concurrency token, bumped on every save that changes the row.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<ComplaintEvent> Events => _events;

    /// <summary>督办 notices issued on this case (loaded when the caller includes them).</summary>
    public IReadOnlyList<SupervisionNotice> SupervisionNotices => _supervisionNotices;

    internal void AddSupervisionNotice(SupervisionNotice notice) => _supervisionNotices.Add(notice);

    /// <summary>
    /// The typed, append-only handling record (one row per deadline a unit had to meet), written here in the
    /// same save as the action; the channel score counts it. Always loaded with the complaint (auto-included).
    /// </summary>
    public IReadOnlyList<HandlingRecord> HandlingRecords => _handlingRecords;

    /// <summary>The attempt the case is in now; null before the first assignment and after an approved return.</summary>
    public HandlingRecord? CurrentHandling => _handlingRecords.LastOrDefault(r => r.IsCurrent);

    /// <summary>Notices raised by changes not yet saved; the persistence layer takes them (see <see cref="TakeNotices"/>).</summary>
    public IReadOnlyList<ComplaintNotice> PendingNotices => _notices;

    /// <summary>Hands the raised notices to the caller (which writes them to the outbox) and forgets them.</summary>
    public IReadOnlyList<ComplaintNotice> TakeNotices()
    {
        var taken = _notices.ToList();
        _notices.Clear();
        return taken;
    }

    internal void Raise(NoticeKind kind, DateTime nowUtc, int? level = null, string? note = null, string? reference = null, DateTime? dueAtUtc = null) =>
        _notices.Add(new ComplaintNotice(kind, nowUtc, UnitId, level, note, reference, dueAtUtc));

    /// <summary>受理: a citizen lodges a complaint through the 直通车 channel.</summary>
    public static Complaint Lodge(
        string trackingNumber,
        string accessCodeHash,
        ComplaintChannel channel,
        ValidComplaintSubmission submission,
        int? unitId,
        WorkflowContext workflow,
        DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        var definition = workflow.Engine.Definition;
        var complaint = new Complaint
        {
            TrackingNumber = trackingNumber,
            AccessCodeHash = accessCodeHash,
            Channel = channel,
            Category = submission.Category,
            UnitId = unitId,
            Title = submission.Title,
            Description = submission.Description,
            OccurredOn = submission.OccurredOn,
            Location = submission.Location,
            Anonymous = submission.Contact is null,
            Status = definition.InitialStatus,
            WorkflowId = definition.Id,
            WorkflowVersion = definition.Version,
            SubmittedAtUtc = nowUtc,
            UpdatedAtUtc = nowUtc,
        };
        complaint.DueAtUtc = complaint.DeadlineStartedBy(ComplaintActions.Submit, nowUtc, workflow);
        complaint.RecomputeNextTimer(workflow);
        complaint._events.Add(ComplaintEvent.Create(
            ComplaintActions.Submit, nowUtc, actorId: null, ActorRoles.Complainant,
            from: null, to: complaint.Status, publicNote: ComplaintTexts.Submitted, internalNote: null));
        return complaint;
    }

    /// <summary>
    /// 找回查询码: a new access code replaces the lost one (the old one stops working at once). Only a named
    /// complainant's own contact can ask for it; the caller checks that, and the audit log records it.
    /// </summary>
    public void ReissueAccessCode(string accessCodeHash, DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        if (Anonymous)
        {
            throw new InvalidOperationException("An anonymous complaint has no contact to recover its access code by.");
        }
        AccessCodeHash = accessCodeHash;
        UpdatedAtUtc = nowUtc;
    }

    /// <summary>补充材料: the complainant adds information; allowed until the case ends.</summary>
    public ComplaintEvent AddSupplement(string text, int attachmentCount, DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        if (Status is ComplaintStatus.Declined or ComplaintStatus.Closed)
        {
            throw new ComplaintStateException(Status, ComplaintActions.Supplement);
        }
        var note = attachmentCount > 0 ? ComplaintTexts.SupplementWithAttachments(text, attachmentCount) : text;
        var e = ComplaintEvent.Create(ComplaintActions.Supplement, nowUtc, null, ActorRoles.Complainant, Status, Status, note, null);
        _events.Add(e);
        UpdatedAtUtc = nowUtc;
        return e;
    }

    /// <summary>The base facts the workflow's conditions are built on.</summary>
    public WorkflowFacts Facts(WorkflowContext workflow, DateTime nowUtc) => new()
    {
        ReturnRequested = PendingRequest == PendingRequest.Return,
        ExtensionRequested = PendingRequest == PendingRequest.Extension,
        Dissatisfied = Status == ComplaintStatus.AwaitingFeedback && Satisfaction == Workflow.Satisfaction.Dissatisfied,
        WithinReopenWindow = ClosedAtUtc is { } closed && workflow.Deadlines.IsWithinReopenWindow(closed, nowUtc),
        SupervisionOpen = OpenSupervisionNotice() is not null,
        SignPending = SignPending,
        SuspensionRequested = PendingRequest == PendingRequest.Suspension,
    };

    /// <summary>The oldest unanswered 督办 notice issued to the unit that handles the case now (null if none, or not loaded).</summary>
    public SupervisionNotice? OpenSupervisionNotice() =>
        _supervisionNotices.Where(n => n.IsOpen && n.UnitId == UnitId).OrderBy(n => n.IssuedAtUtc).FirstOrDefault();

    /// <summary>The actions <paramref name="role"/> may take on this case now.</summary>
    public IReadOnlyList<ActionDefinition> PermittedActions(WorkflowContext workflow, string role, DateTime nowUtc)
    {
        EnsurePinned(workflow);
        return workflow.Engine.PermittedActions(Status, role, Facts(workflow, nowUtc).Evaluate)
            .Where(a => a.Code != FeedbackEffect.Code || Satisfaction is null)
            .ToList();
    }


    /// <summary>The feedback window of an approved case ended with no rating: the system closes it.</summary>
    public bool IsFeedbackTimeoutDue(WorkflowContext workflow, DateTime nowUtc) =>
        Status == ComplaintStatus.AwaitingFeedback
        && Satisfaction is null
        && FeedbackWindowEndUtc(workflow) is { } end
        && nowUtc >= end;

    /// <summary>When the current feedback window ends: the workflow's window after approval, or a later extension.</summary>
    public DateTime? FeedbackWindowEndUtc(WorkflowContext workflow)
    {
        if (ApprovedAtUtc is not { } approved)
        {
            return null;
        }
        var end = workflow.Deadlines.FeedbackTimeoutUtc(approved);
        return FeedbackExtendedToUtc is { } extended && extended > end ? extended : end;
    }

    /// <summary>
    /// Moves the end of the feedback window to at least <paramref name="untilUtc"/> while a rating is awaited.
    /// Returns whether anything changed (nothing does for a rated, closed or unapproved case, or a later end).
    /// </summary>
    public bool ExtendFeedbackWindow(WorkflowContext workflow, DateTime untilUtc)
    {
        EnsureUtc(untilUtc);
        EnsurePinned(workflow);
        if (Status != ComplaintStatus.AwaitingFeedback || Satisfaction is not null || FeedbackWindowEndUtc(workflow) is not { } end || end >= untilUtc)
        {
            return false;
        }
        FeedbackExtendedToUtc = untilUtc;
        RecomputeNextTimer(workflow);
        return true;
    }

    /// <summary>Overdue is not a state: an assigned case whose deadline passed with no response (<see cref="ComplaintRules.OverdueAt"/> in SQL).</summary>
    public bool IsOverdue(DateTime nowUtc) => ComplaintRules.IsOverdue(Status, DueAtUtc, nowUtc);

    /// <summary>
    /// 0 when not overdue; 1 from the deadline on; 2 and 3 once the escalation offsets (working days, e.g. 3 and 5)
    /// have fully passed since the deadline — counted like every other deadline, so "3 working days after" ends at
    /// 24:00 of the third working day.
    /// </summary>
    public int EscalationLevel(WorkflowContext workflow, DateTime nowUtc)
    {
        if (!IsOverdue(nowUtc))
        {
            return 0;
        }
        var days = workflow.Calendar.WorkingDaysOverdue(DueAtUtc!.Value, nowUtc);
        // WorkingDaysOverdue counts working days begun; a day has passed once the next one has begun.
        return Math.Max(1, workflow.Deadlines.EscalationAfterDeadlineWorkingDays.Count(offset => days > offset));
    }

    /// <summary>
    /// Takes a workflow action. The engine decides whether <paramref name="actor"/> may take it now
    /// (throwing <see cref="WorkflowActionException"/> otherwise); the action's effect (<see cref="ComplaintEffects"/>)
    /// applies it, and this method does what every action shares: the deadline the action starts, the status, the
    /// handling record, the close, the timers, the withdrawal of 督办 notices the case leaves, and the audit event.
    /// </summary>
    /// <param name="unit">The unit named by <c>assign</c> or <c>transfer</c>.</param>
    /// <param name="supervisionNumber">The number allocated for the notice a <c>supervise</c> issues (DB-2026-0001).</param>
    public ComplaintEvent Perform(WorkflowContext workflow, string action, Actor actor, ValidatedFields fields, UnitRef? unit, DateTime nowUtc, string? supervisionNumber = null, CaseGroupFacts? group = null)
    {
        EnsureUtc(nowUtc);
        EnsurePinned(workflow);
        var effect = ComplaintEffects.Find(action);
        var context = new EffectContext(this, workflow, action, actor, fields, unit, nowUtc, supervisionNumber,
            DeadlineStartedBy(action, nowUtc, workflow), SignDeadlineStartedBy(effect, nowUtc, workflow)) { Group = group };
        var facts = Facts(workflow, nowUtc);
        facts = effect?.Prepare(context, facts) ?? facts;
        var transition = workflow.Engine.Fire(Status, action, actor.Role, facts.Evaluate);
        if (effect is null)
        {
            throw new InvalidOperationException($"The workflow allows '{action}', but the complaint does not know how to apply it.");
        }
        var from = Status;
        var dueBefore = DueAtUtc;
        var extensionDays = PendingExtensionDays;
        var unitBefore = UnitId;

        effect.Apply(context);
        DueAtUtc = context.StartedDueUtc ?? DueAtUtc;
        Status = transition.To;
        var supervision = context.Supervision;
        effect.Record(this, new HandlingFacts(nowUtc, UnitId, DueAtUtc, fields.Int("qualityRating"),
            action == FeedbackEffect.Code ? Satisfaction : null, extensionDays,
            supervision is { AnsweredAtUtc: { } answeredAt } ? answeredAt < supervision.DueAtUtc : null,
            action == FeedbackEffect.Code ? fields.Resolution("resolved") : null, context.SignDueUtc), workflow.Calendar);
        if (Status == ComplaintStatus.Closed && from != ComplaintStatus.Closed)
        {
            Raise(NoticeKind.Closed, nowUtc);
            ClosedAtUtc = nowUtc;
            DueAtUtc = null;
        }
        var backToIntake = Status == ComplaintStatus.Submitted && from != ComplaintStatus.Submitted;
        UpdateSigning(effect, context.SignDueUtc, backToIntake);
        if (DueAtUtc != dueBefore || backToIntake)
        {
            // A new deadline (assignment, transfer, extension, rework, reopen, back to intake) has timers of its own.
            AcceptOverdueNotified = false;
            DeadlineReminderSent = false;
            EscalationLevelNotified = 0;
        }
        // A 督办 notice binds the unit it was issued to. When the case leaves that unit (transfer, or back to intake)
        // the notice is withdrawn, with an event, rather than following the case: the new unit was never served it.
        var withdrawn = UnitId != unitBefore || backToIntake
            ? _supervisionNotices.Where(n => n.IsOpen).OrderBy(n => n.IssuedAtUtc).ToList()
            : [];
        foreach (var notice in withdrawn)
        {
            notice.Withdraw(nowUtc);
        }
        ReleaseHandlerOnUnitChange(unitBefore, backToIntake);
        RecomputeNextTimer(workflow);
        UpdatedAtUtc = nowUtc;

        var e = ComplaintEvent.Create(action, nowUtc, actor.UserId, actor.Role, from, Status, context.PublicNote, context.InternalNote,
            fields.All.Count == 0 ? null : JsonSerializer.Serialize(fields.All.ToDictionary(f => f.Key, f => f.Value switch
            {
                Satisfaction sat => Satisfactions.Codes.CodeOf(sat),
                Resolution res => Resolutions.Codes.CodeOf(res),
                var other => other,
            })));
        _events.Add(e);
        foreach (var notice in withdrawn)
        {
            _events.Add(ComplaintEvent.Create(TimerActions.SupervisionWithdrawn, nowUtc, actorId: null, ActorRoles.System, Status, Status, publicNote: null,
                ComplaintTexts.SupervisionWithdrawn(notice.Number, transferred: action == TransferEffect.Code),
                JsonSerializer.Serialize(new { notice = notice.Number })));
        }
        return e;
    }

    private void EnsurePinned(WorkflowContext workflow)
    {
        var d = workflow.Engine.Definition;
        if (d.Id != WorkflowId || d.Version != WorkflowVersion)
        {
            throw new InvalidOperationException($"Complaint {TrackingNumber} runs under {WorkflowId} v{WorkflowVersion}, not {d}.");
        }
    }

    internal static void EnsureUtc(DateTime value)
    {
        if (value.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException("Times are stored in UTC.", nameof(value));
        }
    }

    /// <summary>Called by the persistence layer when it writes a change.</summary>
    public void BumpVersion() => Version++;
}
