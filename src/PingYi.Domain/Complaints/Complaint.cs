using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints;

/// <summary>A request of the handling unit that waits for a supervisor's decision.</summary>
public enum PendingRequest
{
    None = 0,
    Return = 1,
    Extension = 2,
}

/// <summary>The workflow a complaint runs under (its pinned definition) and the calendar its deadlines count in.</summary>
public sealed record WorkflowContext(WorkflowEngine Engine, WorkingDayCalendar Calendar)
{
    public WorkflowDeadlines Deadlines => Engine.Definition.Deadlines;
}

/// <summary>Who takes an action: a staff user (id and workflow role), the complainant, or the system.</summary>
public sealed record Actor(string? UserId, string Role);

/// <summary>The unit an assign or transfer names, resolved from its code.</summary>
public sealed record UnitRef(int Id, string Name);

/// <summary>
/// 问题线索: the case and aggregate root. State changes go through its methods only, and each
/// appends a <see cref="ComplaintEvent"/> to the audit trail.
/// </summary>
public sealed class Complaint
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

    public int UnitId { get; private set; }

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
    public DateTime? DueAtUtc { get; private set; }

    /// <summary>When a timer of this case is next due (deadline, feedback window); swept by a recurring job.</summary>
    public DateTime? NextTimerAtUtc { get; private set; }

    /// <summary>
    /// A later end of the current feedback window than the workflow's, set when the complainant's lookups were
    /// throttled (someone was failing access codes on this case), so that they lose no time to rate. Cleared by approve.
    /// </summary>
    public DateTime? FeedbackExtendedToUtc { get; private set; }

    public DateTime? AssignedAtUtc { get; private set; }

    public PendingRequest PendingRequest { get; private set; }

    /// <summary>The working days a pending extension request asks for.</summary>
    public int? PendingExtensionDays { get; private set; }

    /// <summary>办理情况报告: what the unit found (staff only).</summary>
    public string? ResponseFindings { get; private set; }

    /// <summary>办理情况报告: what the unit did about it (staff only).</summary>
    public string? ResponseMeasures { get; private set; }

    /// <summary>The unit's reply to the complainant, published when a supervisor approves the response.</summary>
    public string? PublicReply { get; private set; }

    public DateTime? RespondedAtUtc { get; private set; }

    /// <summary>Whether the last response came after its deadline; counts against the unit.</summary>
    public bool RespondedLate { get; private set; }

    /// <summary>The supervisor's rating (1–5) of the approved response.</summary>
    public int? QualityRating { get; private set; }

    public DateTime? ApprovedAtUtc { get; private set; }

    public Satisfaction? Satisfaction { get; private set; }

    public DateTime? ClosedAtUtc { get; private set; }

    /// <summary>退回重办 count.</summary>
    public int ReworkCount { get; private set; }

    public int ReopenCount { get; private set; }

    public int TransferCount { get; private set; }

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

    private void Raise(NoticeKind kind, DateTime nowUtc, int? level = null, string? note = null, string? reference = null, DateTime? dueAtUtc = null) =>
        _notices.Add(new ComplaintNotice(kind, nowUtc, UnitId, level, note, reference, dueAtUtc));

    /// <summary>受理: a citizen lodges a complaint through the 直通车 channel.</summary>
    public static Complaint Lodge(
        string trackingNumber,
        string accessCodeHash,
        ComplaintChannel channel,
        ValidComplaintSubmission submission,
        int unitId,
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
        complaint.DueAtUtc = workflow.Calendar.DeadlineUtc(nowUtc, workflow.Deadlines.AcceptWorkingDays);
        complaint.RecomputeNextTimer(workflow);
        complaint._events.Add(ComplaintEvent.Create(
            ComplaintActions.Submit, nowUtc, actorId: null, ActorRoles.Complainant,
            from: null, to: complaint.Status, publicNote: "已收到您反映的问题", internalNote: null));
        return complaint;
    }

    /// <summary>补充材料: the complainant adds information; allowed until the case ends.</summary>
    public ComplaintEvent AddSupplement(string text, int attachmentCount, DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        if (Status is ComplaintStatus.Declined or ComplaintStatus.Closed)
        {
            throw new ComplaintStateException(Status, ComplaintActions.Supplement);
        }
        var note = attachmentCount > 0 ? $"{text}（附件 {attachmentCount} 个）" : text;
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
    };

    /// <summary>The oldest unanswered 督办 notice issued to the unit that handles the case now (null if none, or not loaded).</summary>
    public SupervisionNotice? OpenSupervisionNotice() =>
        _supervisionNotices.Where(n => n.IsOpen && n.UnitId == UnitId).OrderBy(n => n.IssuedAtUtc).FirstOrDefault();

    /// <summary>The actions <paramref name="role"/> may take on this case now.</summary>
    public IReadOnlyList<ActionDefinition> PermittedActions(WorkflowContext workflow, string role, DateTime nowUtc)
    {
        EnsurePinned(workflow);
        return workflow.Engine.PermittedActions(Status, role, Facts(workflow, nowUtc).Evaluate)
            .Where(a => a.Code != FeedbackAction || Satisfaction is null)
            .ToList();
    }

    private const string FeedbackAction = "feedback";
    private const string FeedbackTimeoutAction = "feedback-timeout";

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
    public bool IsOverdue(DateTime nowUtc) => Status == ComplaintStatus.Assigned && Deadlines.Late(nowUtc, DueAtUtc);

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
    /// (throwing <see cref="WorkflowActionException"/> otherwise); this method applies its effects and
    /// appends the audit event.
    /// </summary>
    /// <param name="unit">The unit named by <c>assign</c> or <c>transfer</c>.</param>
    /// <param name="supervisionNumber">The number allocated for the notice a <c>supervise</c> issues (DB-2026-0001).</param>
    public ComplaintEvent Perform(WorkflowContext workflow, string action, Actor actor, ValidatedFields fields, UnitRef? unit, DateTime nowUtc, string? supervisionNumber = null)
    {
        EnsureUtc(nowUtc);
        EnsurePinned(workflow);
        var facts = Facts(workflow, nowUtc);
        if (action == FeedbackAction)
        {
            // One rating per round: after it, the case waits for a supervisor to reopen or close it.
            if (Satisfaction is not null)
            {
                throw new WorkflowActionException(WorkflowRefusal.ConditionNotMet, action, Status, actor.Role,
                    "The complainant has already rated this outcome.", "您已评价过本次办理结果，请等待纪检监察工委处理。");
            }
            // Which way the rating leads depends on the rating being given now.
            facts = facts with { Dissatisfied = fields.Satisfaction("satisfaction") == Workflow.Satisfaction.Dissatisfied };
        }
        if (action == FeedbackTimeoutAction && !IsFeedbackTimeoutDue(workflow, nowUtc))
        {
            throw new WorkflowActionException(WorkflowRefusal.ConditionNotMet, action, Status, actor.Role,
                "The feedback window has not ended, or the complainant has rated.", "评价期限未到或反映人已评价，不能自动办结。");
        }
        var transition = workflow.Engine.Fire(Status, action, actor.Role, facts.Evaluate);
        var deadlines = workflow.Deadlines;
        var calendar = workflow.Calendar;
        var from = Status;
        var dueBefore = DueAtUtc;
        var extensionDays = PendingExtensionDays;
        var unitBefore = UnitId;
        string? publicNote = null;
        var internalNote = fields.Text("note") ?? fields.Text("reason");
        SupervisionNotice? supervision = null;

        switch (action)
        {
            case "assign":
            case "transfer":
                var target = unit ?? throw new ArgumentNullException(nameof(unit), $"'{action}' needs the unit it names.");
                if (action == "transfer")
                {
                    if (target.Id == UnitId)
                    {
                        throw new WorkflowActionException(WorkflowRefusal.ConditionNotMet, action, Status, actor.Role,
                            "A case cannot be transferred to the unit that already handles it.", "不能转办给当前承办单位。");
                    }
                    TransferCount++;
                }
                UnitId = target.Id;
                AssignedAtUtc = nowUtc;
                DueAtUtc = calendar.DeadlineUtc(nowUtc, deadlines.HandleWorkingDays(Category));
                PendingRequest = PendingRequest.None;
                PendingExtensionDays = null;
                publicNote = $"{(action == "assign" ? "已受理，交" : "已转交")}{target.Name}办理，办理期限至 {ChinaTime.FormatDeadline(DueAtUtc.Value)}。";
                break;
            case "decline":
                publicNote = $"不予受理：{fields.Text("reason")}";
                internalNote = null;
                DueAtUtc = null;
                break;
            case "request-return":
                PendingRequest = PendingRequest.Return;
                break;
            case "approve-return":
                PendingRequest = PendingRequest.None;
                AssignedAtUtc = null;
                DueAtUtc = calendar.DeadlineUtc(nowUtc, deadlines.AcceptWorkingDays);
                publicNote = "承办单位调整，正在重新确定承办单位。";
                break;
            case "reject-return":
            case "reject-extension":
                PendingRequest = PendingRequest.None;
                PendingExtensionDays = null;
                break;
            case "request-extension":
                PendingRequest = PendingRequest.Extension;
                PendingExtensionDays = fields.Int("workingDays");
                break;
            case "approve-extension":
                DueAtUtc = calendar.ExtendUtc(DueAtUtc ?? nowUtc, PendingExtensionDays ?? 0);
                PendingRequest = PendingRequest.None;
                PendingExtensionDays = null;
                publicNote = $"办理期限延长至 {ChinaTime.FormatDeadline(DueAtUtc.Value)}。";
                break;
            case "respond":
                ResponseFindings = fields.Text("findings");
                ResponseMeasures = fields.Text("measures");
                PublicReply = fields.Text("publicReply");
                RespondedAtUtc = nowUtc;
                RespondedLate = Deadlines.Late(nowUtc, DueAtUtc);
                PendingRequest = PendingRequest.None;
                PendingExtensionDays = null;
                internalNote = $"调查核实情况：{ResponseFindings}\n整改措施：{ResponseMeasures}";
                break;
            case "approve":
                QualityRating = fields.Int("qualityRating");
                ApprovedAtUtc = nowUtc;
                FeedbackExtendedToUtc = null;
                Satisfaction = null;
                publicNote = $"办理结果：{PublicReply}";
                break;
            case "send-back":
                ReworkCount++;
                DueAtUtc = calendar.DeadlineUtc(nowUtc, deadlines.ReworkWorkingDays);
                publicNote = "办理结果未通过审核，已退回承办单位重新办理。";
                break;
            case "feedback":
                Satisfaction = fields.Satisfaction("satisfaction");
                var comment = fields.Text("comment");
                publicNote = $"评价：{Satisfactions.Codes.LabelOf(Satisfaction!.Value)}{(comment is null ? "" : "。" + comment)}";
                internalNote = null;
                break;
            case "reopen":
                ReopenCount++;
                Satisfaction = null;
                ClosedAtUtc = null;
                AssignedAtUtc = nowUtc;
                DueAtUtc = calendar.DeadlineUtc(nowUtc, deadlines.HandleWorkingDays(Category));
                publicNote = $"已重新交办，办理期限至 {ChinaTime.FormatDeadline(DueAtUtc.Value)}。";
                break;
            case "close":
                publicNote = "已办结。";
                break;
            case "feedback-timeout":
                publicNote = "评价期满未评价，自动办结。";
                break;
            case "urge":
                internalNote = $"催办：{fields.Text("note")}";
                break;
            case "supervise":
                var number = supervisionNumber ?? throw new ArgumentNullException(nameof(supervisionNumber), "'supervise' needs the number allocated for its notice.");
                var replyDays = fields.Int("workingDays") ?? deadlines.SupervisionReplyWorkingDays;
                supervision = SupervisionNotice.Issue(number, UnitId, fields.Text("reason")!, actor.UserId ?? actor.Role, replyDays,
                    calendar.DeadlineUtc(nowUtc, replyDays), nowUtc);
                _supervisionNotices.Add(supervision);
                // A reason typed as a full sentence already ends with its own stop; do not print 。。.
                var reason = supervision.Reason.TrimEnd();
                var stop = reason.Length > 0 && "。！？!?.".Contains(reason[^1]) ? string.Empty : "。";
                internalNote = $"督办通知 {number}：{reason}{stop}请于 {ChinaTime.FormatDeadline(supervision.DueAtUtc)} 前答复。";
                break;
            case "answer-supervision":
                supervision = OpenSupervisionNotice()
                    ?? throw new WorkflowActionException(WorkflowRefusal.ConditionNotMet, action, Status, actor.Role,
                        "No open supervision notice to answer.", "没有待答复的督办通知。");
                supervision.Answered(fields.Text("answer")!, actor.UserId, nowUtc);
                internalNote = $"答复督办 {supervision.Number}：{supervision.Answer}";
                break;
            default:
                throw new InvalidOperationException($"The workflow allows '{action}', but the complaint does not know how to apply it.");
        }

        Status = transition.To;
        RecordHandling(action, nowUtc, UnitId, DueAtUtc, fields.Int("qualityRating"),
            action == FeedbackAction ? Satisfaction : null, extensionDays,
            supervision is { AnsweredAtUtc: { } answeredAt } ? answeredAt < supervision.DueAtUtc : null, calendar,
            action == FeedbackAction ? fields.Resolution("resolved") : null);
        switch (action)
        {
            case "assign":
                Raise(NoticeKind.Assigned, nowUtc, note: internalNote);
                Raise(NoticeKind.Accepted, nowUtc);
                break;
            case "transfer":
            case "reopen":
                Raise(NoticeKind.Assigned, nowUtc, note: internalNote);
                break;
            case "send-back":
                Raise(NoticeKind.SentBack, nowUtc, note: fields.Text("reason"));
                break;
            case "approve-extension":
                Raise(NoticeKind.ExtensionApproved, nowUtc, note: fields.Text("note"));
                break;
            case "reject-extension":
                Raise(NoticeKind.ExtensionRejected, nowUtc, note: fields.Text("reason"));
                break;
            case "approve-return":
                Raise(NoticeKind.ReturnApproved, nowUtc, note: fields.Text("note"));
                break;
            case "reject-return":
                Raise(NoticeKind.ReturnRejected, nowUtc, note: fields.Text("reason"));
                break;
            case "request-extension":
                Raise(NoticeKind.ExtensionRequested, nowUtc, level: PendingExtensionDays, note: fields.Text("reason"));
                break;
            case "request-return":
                Raise(NoticeKind.ReturnRequested, nowUtc, note: fields.Text("reason"));
                break;
            case "respond":
                Raise(NoticeKind.Responded, nowUtc);
                break;
            case "decline":
                Raise(NoticeKind.Declined, nowUtc, note: fields.Text("reason"));
                break;
            case "approve":
                Raise(NoticeKind.Replied, nowUtc);
                break;
            case "urge":
                Raise(NoticeKind.Urged, nowUtc, note: fields.Text("note"));
                break;
            case "supervise":
                Raise(NoticeKind.Supervised, nowUtc, note: supervision!.Reason, reference: supervision.Number, dueAtUtc: supervision.DueAtUtc);
                break;
        }
        if (Status == ComplaintStatus.Closed && from != ComplaintStatus.Closed)
        {
            Raise(NoticeKind.Closed, nowUtc);
        }
        if (Status == ComplaintStatus.Closed && from != ComplaintStatus.Closed)
        {
            ClosedAtUtc = nowUtc;
            DueAtUtc = null;
        }
        if (DueAtUtc != dueBefore || (Status == ComplaintStatus.Submitted && from != ComplaintStatus.Submitted))
        {
            // A new deadline (assignment, transfer, extension, rework, reopen, back to intake) has timers of its own.
            AcceptOverdueNotified = false;
            DeadlineReminderSent = false;
            EscalationLevelNotified = 0;
        }
        // A 督办 notice binds the unit it was issued to. When the case leaves that unit (transfer, or back to intake)
        // the notice is withdrawn, with an event, rather than following the case: the new unit was never served it.
        var withdrawn = UnitId != unitBefore || (Status == ComplaintStatus.Submitted && from != ComplaintStatus.Submitted)
            ? _supervisionNotices.Where(n => n.IsOpen).OrderBy(n => n.IssuedAtUtc).ToList()
            : new List<SupervisionNotice>();
        foreach (var notice in withdrawn)
        {
            notice.Withdraw(nowUtc);
        }
        RecomputeNextTimer(workflow);
        UpdatedAtUtc = nowUtc;

        var e = ComplaintEvent.Create(action, nowUtc, actor.UserId, actor.Role, from, Status, publicNote, internalNote,
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
                $"督办通知 {notice.Number} 未答复，因案件{(action == "transfer" ? "转办" : "退回重新确定承办单位")}而撤销；如需继续督办，请对新的承办单位另行督办。",
                JsonSerializer.Serialize(new { notice = notice.Number })));
        }
        return e;
    }

    /// <summary>
    /// The action codes <see cref="Perform"/> has an effect for. The loader rejects a definition naming any other
    /// action, so an unknown action stops start-up instead of failing when first used.
    /// </summary>
    public static IReadOnlySet<string> KnownEffects { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "assign", "transfer", "decline", "request-return", "approve-return", "reject-return", "reject-extension",
        "request-extension", "approve-extension", "respond", "approve", "send-back", "feedback", "reopen", "close",
        FeedbackTimeoutAction, "urge", "supervise", "answer-supervision",
    };

    // ---- timers ----

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
            fired.Add(Perform(workflow, FeedbackTimeoutAction, new Actor(null, WorkflowRoles.System), ValidatedFields.Empty, null, nowUtc));
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
                fired.Add(TimerEvent(TimerActions.AcceptOverdue, now, $"受理期限（{ChinaTime.FormatDeadline(acceptBy)}）已过，尚未受理。", null));
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
                        fired.Add(TimerEvent(TimerActions.DeadlineReminder, now, $"距办理期限（{ChinaTime.FormatDeadline(due)}）不足 {deadlines.ReminderBeforeDeadlineWorkingDays} 个工作日，已提醒承办单位。", null));
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
                        fired.Add(TimerEvent(TimerActions.Overdue, now, $"已超过办理期限（{ChinaTime.FormatDeadline(due)}），未报送办理情况。", level));
                        Raise(NoticeKind.Overdue, now, level: level);
                    }
                    else
                    {
                        var days = deadlines.EscalationAfterDeadlineWorkingDays[level - 1];
                        fired.Add(TimerEvent(TimerActions.Escalate, now, $"超期满 {days} 个工作日，升级为 {level} 级督办。", level));
                        Raise(NoticeKind.Escalated, now, level: level);
                    }
                }));
            }
        }

        if (Status is ComplaintStatus.Assigned or ComplaintStatus.UnderReview)
        {
            foreach (var notice in _supervisionNotices.Where(n => n.IsOpen && n.UnitId == UnitId).OrderBy(n => n.IssuedAtUtc))
            {
                if (!notice.ReminderSent && NoticeReminderAtUtc(workflow, notice) is { } remindAt)
                {
                    timers.Add(new PendingTimer(remindAt, timers.Count, (now, fired) =>
                    {
                        notice.ReminderFired();
                        if (now < notice.DueAtUtc)
                        {
                            fired.Add(TimerEvent(TimerActions.SupervisionReminder, now, $"督办通知 {notice.Number} 距答复期限（{ChinaTime.FormatDeadline(notice.DueAtUtc)}）不足 {deadlines.ReminderBeforeDeadlineWorkingDays} 个工作日，已提醒承办单位。", null, notice.Number));
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
                            fired.Add(TimerEvent(TimerActions.SupervisionOverdue, now, $"督办通知 {notice.Number} 答复期限（{ChinaTime.FormatDeadline(notice.DueAtUtc)}）已过，未答复。", level, notice.Number));
                            Raise(NoticeKind.SupervisionOverdue, now, level: level, note: notice.Reason, reference: notice.Number, dueAtUtc: notice.DueAtUtc);
                        }
                        else
                        {
                            var days = deadlines.EscalationAfterDeadlineWorkingDays[level - 1];
                            fired.Add(TimerEvent(TimerActions.SupervisionEscalate, now, $"督办通知 {notice.Number} 超过答复期限满 {days} 个工作日仍未答复，升级为 {level} 级。", level, notice.Number));
                            Raise(NoticeKind.SupervisionEscalated, now, level: level, note: notice.Reason, reference: notice.Number, dueAtUtc: notice.DueAtUtc);
                        }
                    }));
                }
            }
        }
        return timers;
    }

    /// <summary>
    /// Counts the current deadline again from its start with <paramref name="workflow"/>'s calendar — after an
    /// Admin uploaded a year's holidays that the deadline had been counted without (Monday–Friday fallback). The
    /// start is replayed from the timeline (submitted, assigned, transferred, sent back, reopened, returned,
    /// extended), which the caller must have loaded. If the deadline moves, its timers start again and a system
    /// event says so. Returns whether it moved.
    /// </summary>
    public bool RecountDeadline(WorkflowContext workflow, int year, DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        EnsurePinned(workflow);
        var caseMoved = RecountCaseDeadline(workflow, year, nowUtc);
        var noticesMoved = RecountSupervisionDeadlines(workflow, year, nowUtc);
        if (noticesMoved)
        {
            RecomputeNextTimer(workflow);
            UpdatedAtUtc = nowUtc;
        }
        return caseMoved || noticesMoved;
    }

    /// <summary>
    /// Counts each open 督办 notice's reply deadline again from its issue with <paramref name="workflow"/>'s calendar.
    /// A moved reply deadline restarts its timers (reminder, overdue, levels) and adds an internal system event.
    /// </summary>
    private bool RecountSupervisionDeadlines(WorkflowContext workflow, int year, DateTime nowUtc)
    {
        if (Status is not (ComplaintStatus.Assigned or ComplaintStatus.UnderReview))
        {
            return false;
        }
        var moved = false;
        foreach (var notice in _supervisionNotices.Where(n => n.IsOpen && n.UnitId == UnitId).OrderBy(n => n.IssuedAtUtc))
        {
            var before = notice.DueAtUtc;
            var due = workflow.Calendar.DeadlineUtc(notice.IssuedAtUtc, notice.WorkingDays);
            if (due == before)
            {
                continue;
            }
            notice.Recount(due);
            moved = true;
            _events.Add(ComplaintEvent.Create(TimerActions.DeadlineRecounted, nowUtc, null, ActorRoles.System, Status, Status, publicNote: null,
                $"根据新发布的 {year} 年节假日安排，督办通知 {notice.Number} 的答复期限重新计算为 {ChinaTime.FormatDeadline(due)}（原期限 {ChinaTime.FormatDeadline(before)} 系按周一至周五推算）。",
                JsonSerializer.Serialize(new { notice = notice.Number })));
        }
        return moved;
    }

    /// <summary>
    /// The deadline an action on the timeline starts, or null if it starts none: the rule both replays of the
    /// timeline (the recount after a calendar upload and the handling-record backfill) read it by.
    /// </summary>
    private DateTime? DeadlineStartedBy(string action, DateTime atUtc, WorkflowDeadlines deadlines, WorkingDayCalendar calendar) => action switch
    {
        ComplaintActions.Submit or "approve-return" => calendar.DeadlineUtc(atUtc, deadlines.AcceptWorkingDays),
        "assign" or "transfer" or "reopen" => calendar.DeadlineUtc(atUtc, deadlines.HandleWorkingDays(Category)),
        "send-back" => calendar.DeadlineUtc(atUtc, deadlines.ReworkWorkingDays),
        _ => null,
    };

    private bool RecountCaseDeadline(WorkflowContext workflow, int year, DateTime nowUtc)
    {
        if (Status is not (ComplaintStatus.Submitted or ComplaintStatus.Assigned) || DueAtUtc is not { } before)
        {
            return false;
        }
        var calendar = workflow.Calendar;
        var deadlines = workflow.Deadlines;
        DateTime? due = null;
        int? requestedDays = null;
        foreach (var e in _events.OrderBy(e => e.AtUtc).ThenBy(e => e.Id))
        {
            due = DeadlineStartedBy(e.Action, e.AtUtc, deadlines, calendar) ?? due;
            switch (e.Action)
            {
                case "request-extension":
                    requestedDays = IntField(e.Data, "workingDays");
                    break;
                case "approve-extension" when due is not null && requestedDays is { } days:
                    due = calendar.ExtendUtc(due.Value, days);
                    break;
            }
        }
        if (due is null || due == before)
        {
            return false;
        }
        DueAtUtc = due;
        if (Status == ComplaintStatus.Assigned)
        {
            CurrentHandling?.Recounted(due.Value);
        }
        AcceptOverdueNotified = false;
        DeadlineReminderSent = false;
        EscalationLevelNotified = 0;
        RecomputeNextTimer(workflow);
        UpdatedAtUtc = nowUtc;
        _events.Add(ComplaintEvent.Create(TimerActions.DeadlineRecounted, nowUtc, null, ActorRoles.System, Status, Status,
            $"根据新发布的 {year} 年节假日安排，{(Status == ComplaintStatus.Submitted ? "受理" : "办理")}期限重新计算为 {ChinaTime.FormatDeadline(due.Value)}。",
            $"原期限 {ChinaTime.FormatDeadline(before)} 系按周一至周五推算（{year} 年节假日安排当时尚未发布）。"));
        // The unit handling it and the complainant are told the new date (the complainant also sees the event on /track).
        if (Status == ComplaintStatus.Assigned)
        {
            Raise(NoticeKind.DeadlineRecounted, nowUtc, note: ChinaTime.FormatDeadline(before));
        }
        Raise(NoticeKind.DeadlineRecountedForComplainant, nowUtc, note: ChinaTime.FormatDeadline(before));
        return true;
    }

    /// <summary>A whole-number field of an event's recorded fields (JSON), or null.</summary>
    private static int? IntField(string? data, string name)
    {
        if (data is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(data);
        return document.RootElement.TryGetProperty(name, out var value) && value.TryGetInt32(out var n) ? n : null;
    }

    /// <summary>A text field of an event's recorded fields (JSON), or null.</summary>
    private static string? TextField(string? data, string name)
    {
        if (data is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(data);
        return document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    // ---- the handling record ----

    /// <summary>
    /// Writes what <paramref name="action"/> means for the handling record: a new round on assign, transfer and
    /// reopen (ending the previous attempt, so a transfer's lateness stays with the unit that held the case), a
    /// new attempt on send-back, and the facts of the current attempt otherwise. <see cref="Perform"/> calls it
    /// live; <see cref="BackfillHandlingRecord"/> replays the timeline through it, so both write the same rows.
    /// </summary>
    private void RecordHandling(string action, DateTime atUtc, int unitId, DateTime? dueAfter, int? qualityRating,
        Satisfaction? satisfaction, int? extensionDays, bool? supervisionAnsweredInTime, WorkingDayCalendar calendar, Resolution? resolution = null)
    {
        var current = CurrentHandling;
        switch (action)
        {
            case "assign":
            case "transfer":
            case "reopen":
                current?.End(atUtc, action == "reopen" ? HandlingEnd.Reopened : HandlingEnd.Transferred, calendar);
                var round = _handlingRecords.Count == 0 ? 1 : _handlingRecords.Max(r => r.Round) + 1;
                var start = action switch { "assign" => HandlingStart.Assign, "transfer" => HandlingStart.Transfer, _ => HandlingStart.Reopen };
                _handlingRecords.Add(HandlingRecord.Start(round, 1, unitId, start, atUtc, atUtc, dueAfter ?? atUtc));
                break;
            case "send-back" when current is not null:
                current.End(atUtc, HandlingEnd.SentBack, calendar);
                _handlingRecords.Add(HandlingRecord.Start(current.Round, current.Attempt + 1, current.UnitId, HandlingStart.Rework,
                    current.AssignedAtUtc, atUtc, dueAfter ?? atUtc));
                break;
            case "approve-return":
                current?.End(atUtc, HandlingEnd.Returned, calendar);
                break;
            case "request-return":
                current?.ReturnRequested();
                break;
            case "reject-return":
                current?.ReturnRejected(atUtc);
                break;
            case "approve-extension" when dueAfter is not null:
                current?.Extended(dueAfter.Value, extensionDays ?? 0);
                break;
            case "respond":
                current?.Responded(atUtc, calendar);
                break;
            case "approve":
                current?.Approved(atUtc, qualityRating);
                break;
            case "feedback" when satisfaction is not null:
                current?.Rated(atUtc, satisfaction.Value, resolution);
                break;
            case "supervise":
                current?.Supervised();
                break;
            case "answer-supervision" when supervisionAnsweredInTime is not null:
                current?.SupervisionAnswered(supervisionAnsweredInTime.Value);
                break;
        }
    }

    /// <summary>
    /// Rebuilds the handling record of a complaint that has none yet (one handled before the record existed)
    /// by replaying its timeline, which the caller must have loaded with the 督办 notices. Deadlines are counted
    /// again from each event as <see cref="RecountDeadline"/> does; the unit of an assign or transfer comes from
    /// the event's <c>unitCode</c> through <paramref name="unitIdOf"/>. Returns false (and changes nothing) when
    /// rows already exist, so running it twice is harmless.
    /// </summary>
    public bool BackfillHandlingRecord(WorkflowContext workflow, Func<string, int?> unitIdOf)
    {
        EnsurePinned(workflow);
        if (_handlingRecords.Count > 0)
        {
            return false;
        }
        var calendar = workflow.Calendar;
        var deadlines = workflow.Deadlines;
        DateTime? due = null;
        int? requestedDays = null;
        var unitId = UnitId;
        var noticesByAnswer = _supervisionNotices.Where(n => n.AnsweredAtUtc is not null).ToList();
        foreach (var e in _events.OrderBy(e => e.AtUtc).ThenBy(e => e.Id))
        {
            int? quality = null;
            Satisfaction? satisfaction = null;
            Resolution? resolution = null;
            bool? answeredInTime = null;
            int? days = null;
            due = DeadlineStartedBy(e.Action, e.AtUtc, deadlines, calendar) ?? due;
            switch (e.Action)
            {
                case "assign":
                case "transfer":
                    unitId = TextField(e.Data, "unitCode") is { } code && unitIdOf(code) is { } id ? id : unitId;
                    break;
                case "request-extension":
                    requestedDays = IntField(e.Data, "workingDays");
                    break;
                case "approve-extension" when due is not null:
                    days = requestedDays ?? 0;
                    due = calendar.ExtendUtc(due.Value, days.Value);
                    break;
                case "approve":
                    quality = IntField(e.Data, "qualityRating");
                    break;
                case "feedback":
                    satisfaction = Satisfactions.Codes.TryParse(TextField(e.Data, "satisfaction"), out var s) ? s : null;
                    resolution = Resolutions.Codes.TryParse(TextField(e.Data, "resolved"), out var res) ? res : null;
                    break;
                case "answer-supervision":
                    var notice = noticesByAnswer.FirstOrDefault(n => n.AnsweredAtUtc == e.AtUtc);
                    answeredInTime = notice is null || notice.AnsweredAtUtc < notice.DueAtUtc;
                    break;
            }
            RecordHandling(e.Action, e.AtUtc, unitId, due, quality, satisfaction, days, answeredInTime, calendar, resolution);
        }
        return _handlingRecords.Count > 0;
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

/// <summary>Thrown when an action is not allowed in the complaint's current status.</summary>
public sealed class ComplaintStateException(ComplaintStatus status, string action)
    : InvalidOperationException($"Action '{action}' is not allowed while the complaint is '{ComplaintStatuses.Codes.CodeOf(status)}'.")
{
    public ComplaintStatus Status { get; } = status;

    public string Action { get; } = action;

    public string ChineseMessage => $"当前状态为“{ComplaintStatuses.Codes.LabelOf(Status)}”，不能执行该操作。";
}
