namespace PingYi.Domain.Complaints;

/// <summary>
/// 问题线索: the case and aggregate root. State changes go through its methods only, and each
/// appends a <see cref="ComplaintEvent"/> to the audit trail.
/// </summary>
public sealed class Complaint
{
    private readonly List<ComplaintEvent> _events = [];

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

    public DateTime UpdatedAtUtc { get; private set; }

    /// <summary>Optimistic concurrency token, bumped on every save that changes the row.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<ComplaintEvent> Events => _events;

    /// <summary>受理: a citizen lodges a complaint through the 直通车 channel.</summary>
    public static Complaint Lodge(
        string trackingNumber,
        string accessCodeHash,
        ComplaintChannel channel,
        ValidComplaintSubmission submission,
        int unitId,
        string workflowId,
        int workflowVersion,
        DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
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
            Status = ComplaintStatus.Submitted,
            WorkflowId = workflowId,
            WorkflowVersion = workflowVersion,
            SubmittedAtUtc = nowUtc,
            UpdatedAtUtc = nowUtc,
        };
        complaint._events.Add(ComplaintEvent.Create(
            ComplaintActions.Submit, nowUtc, actorId: null, ActorRoles.Complainant,
            from: null, to: ComplaintStatus.Submitted, publicNote: "已收到您反映的问题", internalNote: null));
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
