using System.Linq.Expressions;
using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

/// <summary>Where a problem on the ledger was found.</summary>
public static class RectificationSources
{
    /// <summary>The unit's own online evaluation channel (an <see cref="EvaluationResponse"/> of source unit-channel).</summary>
    public const string UnitChannel = "unit-channel";

    /// <summary>An <see cref="Inspection"/> (明察暗访).</summary>
    public const string Inspection = "inspection";

    /// <summary>A <see cref="Deduction"/>.</summary>
    public const string Deduction = "deduction";

    /// <summary>A complaint about the unit (by tracking number).</summary>
    public const string Complaint = "complaint";

    /// <summary>Last year's result (ranking, tracking list): no record of this system to link to.</summary>
    public const string PriorYear = "prior-year";

    public static readonly IReadOnlyList<(string Code, string Label)> All =
    [
        (UnitChannel, "本单位评议渠道"), (Inspection, "明察暗访"), (Deduction, "扣分事项"), (Complaint, "直通车反映"), (PriorYear, "上年度评议结果"),
    ];

    public static string? LabelOf(string? code) => All.FirstOrDefault(s => s.Code == code).Label;
}

public enum RectificationStatus
{
    /// <summary>Being rectified (also after a supervisor sent a completion back).</summary>
    Open,

    /// <summary>The unit reported it done, with evidence; waiting for a supervisor.</summary>
    Done,

    /// <summary>A supervisor checked the evidence and accepted it.</summary>
    Verified,
}

public static class RectificationStatuses
{
    public static string CodeOf(RectificationStatus status) => status switch
    {
        RectificationStatus.Open => "open",
        RectificationStatus.Done => "done",
        _ => "verified",
    };

    public static string LabelOf(RectificationStatus status) => status switch
    {
        RectificationStatus.Open => "整改中",
        RectificationStatus.Done => "已完成待核验",
        _ => "已核验销号",
    };
}

/// <summary>
/// 整改台账 item: a problem found in a unit's work style, the measures against it, who answers for it, by when,
/// and the unit's progress reports. State changes only through its methods, each appending a
/// <see cref="RectificationProgress"/> entry, so the ledger is its own history.
/// </summary>
public sealed class RectificationItem
{
    public const int MaxProblemLength = 1000;
    public const int MaxMeasuresLength = 2000;
    public const int MaxOwnerLength = 100;
    public const int MaxNoteLength = 1000;

    private RectificationItem()
    {
        Source = Problem = Measures = Owner = CreatedById = string.Empty;
    }

    public RectificationItem(int roundId, int unitId, string source, long? inspectionId, long? deductionId, long? complaintId, long? responseId,
        string problem, string measures, string owner, DateOnly dueOn, string createdById, DateTime createdAtUtc)
    {
        Complaint.EnsureUtc(createdAtUtc);
        RoundId = roundId;
        UnitId = unitId;
        Source = source;
        InspectionId = inspectionId;
        DeductionId = deductionId;
        ComplaintId = complaintId;
        ResponseId = responseId;
        Problem = problem;
        Measures = measures;
        Owner = owner;
        DueOn = dueOn;
        Status = RectificationStatus.Open;
        CreatedById = createdById;
        CreatedAtUtc = createdAtUtc;
    }

    public long Id { get; private set; }

    public int RoundId { get; private set; }

    public int UnitId { get; private set; }

    /// <summary>One of <see cref="RectificationSources"/>.</summary>
    public string Source { get; private set; }

    // The originating record, typed (one of them at most, by Source), so a link never parses text.
    public long? InspectionId { get; private set; }

    public long? DeductionId { get; private set; }

    public long? ComplaintId { get; private set; }

    public long? ResponseId { get; private set; }

    public string Problem { get; private set; }

    /// <summary>整改措施.</summary>
    public string Measures { get; private set; }

    /// <summary>责任人 as the unit names them (a person or a post), not an account.</summary>
    public string Owner { get; private set; }

    /// <summary>整改时限, a China calendar date: overdue from the next day on.</summary>
    public DateOnly DueOn { get; private set; }

    public RectificationStatus Status { get; private set; }

    public string CreatedById { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }

    public DateTime? CompletedAtUtc { get; private set; }

    public DateTime? VerifiedAtUtc { get; private set; }

    public string? VerifiedById { get; private set; }

    public List<RectificationProgress> Progress { get; private set; } = [];

    /// <summary>A unit's progress report; with <paramref name="completed"/> it reports the item done (evidence is the caller's check).</summary>
    public RectificationProgress Report(string note, bool completed, string byId, DateTime nowUtc)
    {
        Complaint.EnsureUtc(nowUtc);
        if (Status != RectificationStatus.Open)
        {
            throw new InvalidOperationException($"Rectification item {Id} is {Status}, not open.");
        }
        if (completed)
        {
            Status = RectificationStatus.Done;
            CompletedAtUtc = nowUtc;
        }
        var entry = new RectificationProgress(completed ? RectificationProgressKind.Completed : RectificationProgressKind.Progress, note, byId, nowUtc);
        Progress.Add(entry);
        return entry;
    }

    /// <summary>A supervisor accepts the completion (销号) or sends it back to open with a note.</summary>
    public RectificationProgress Review(bool accept, string? note, string byId, DateTime nowUtc)
    {
        Complaint.EnsureUtc(nowUtc);
        if (Status != RectificationStatus.Done)
        {
            throw new InvalidOperationException($"Rectification item {Id} is {Status}, not done.");
        }
        if (accept)
        {
            Status = RectificationStatus.Verified;
            VerifiedAtUtc = nowUtc;
            VerifiedById = byId;
        }
        else
        {
            Status = RectificationStatus.Open;
            CompletedAtUtc = null;
        }
        var entry = new RectificationProgress(accept ? RectificationProgressKind.Verified : RectificationProgressKind.SentBack, note ?? string.Empty, byId, nowUtc);
        Progress.Add(entry);
        return entry;
    }
}

public enum RectificationProgressKind
{
    Progress,
    Completed,
    Verified,
    SentBack,
}

/// <summary>One entry of an item's history: a unit's report, its completion, a supervisor's verdict.</summary>
public sealed class RectificationProgress
{
    private RectificationProgress()
    {
        Note = ById = string.Empty;
    }

    public RectificationProgress(RectificationProgressKind kind, string note, string byId, DateTime atUtc)
    {
        Kind = kind;
        Note = note;
        ById = byId;
        AtUtc = atUtc;
    }

    public long Id { get; private set; }

    public long ItemId { get; private set; }

    public RectificationProgressKind Kind { get; private set; }

    public string Note { get; private set; }

    public string ById { get; private set; }

    public DateTime AtUtc { get; private set; }
}

/// <summary>"Overdue" for the ledger, once: still open and its due date (China) is before today.</summary>
public static class RectificationRules
{
    public static Expression<Func<RectificationItem, bool>> OverdueOn(DateOnly today) =>
        i => i.Status == RectificationStatus.Open && i.DueOn < today;

    public static bool IsOverdue(RectificationItem item, DateOnly today) => item.Status == RectificationStatus.Open && item.DueOn < today;
}
