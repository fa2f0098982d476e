using PingYi.Domain.Common;
using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

/// <summary>What a unit appeals against: one input of its score.</summary>
public enum AppealKind
{
    /// <summary>A complaint counted in the unit's channel tally (Ref: tracking number): wrong unit, malicious or duplicate (核减).</summary>
    Complaint,

    /// <summary>A deduction (Ref: its id).</summary>
    Deduction,

    /// <summary>An inspection and its findings (Ref: its id).</summary>
    Inspection,

    /// <summary>A rating form entered for the unit, e.g. an import error (Ref: the response id).</summary>
    Rating,
}

public enum AppealStatus
{
    Pending,
    Upheld,
    Rejected,
}

public static class AppealCodes
{
    public const int MaxReasonLength = 1000;

    /// <summary>Working days after closing in which units see their result and may appeal, unless the round file says otherwise.</summary>
    public const int DefaultPreviewWorkingDays = 5;

    public static readonly CodeList<AppealKind> Kinds = new(
        (AppealKind.Complaint, "complaint", "案件核减"),
        (AppealKind.Deduction, "deduction", "扣分"),
        (AppealKind.Inspection, "inspection", "明察暗访结果"),
        (AppealKind.Rating, "rating", "评议表"));

    public static readonly CodeList<AppealStatus> Statuses = new(
        (AppealStatus.Pending, "pending", "待裁定"),
        (AppealStatus.Upheld, "upheld", "申诉成立"),
        (AppealStatus.Rejected, "rejected", "申诉不成立"));

    /// <summary>Why a complaint should leave the unit's tally (required for a complaint appeal).</summary>
    public static readonly IReadOnlyDictionary<string, string> Grounds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["wrong-unit"] = "非本单位职责（交办错误）",
        ["malicious"] = "恶意反映",
        ["duplicate"] = "重复反映",
    };
}

/// <summary>
/// 申诉: a unit, during the preview (公示) after the round closes, disputes one input of its score. A supervisor
/// other than the filer decides it; an upheld appeal takes the input out of the unit's score (an
/// <see cref="EvaluationExclusion"/>). One appeal per unit and item.
/// </summary>
public sealed class Appeal
{
    private Appeal()
    {
        Ref = Reason = FiledById = string.Empty;
    }

    public Appeal(int roundId, int unitId, AppealKind kind, string reference, long targetId, string? ground, string reason, string filedById, DateTime filedAtUtc)
    {
        Complaint.EnsureUtc(filedAtUtc);
        RoundId = roundId;
        UnitId = unitId;
        Kind = kind;
        Ref = reference;
        TargetId = targetId;
        Ground = ground;
        Reason = reason;
        FiledById = filedById;
        FiledAtUtc = filedAtUtc;
        Status = AppealStatus.Pending;
    }

    public long Id { get; private set; }

    public int RoundId { get; private set; }

    public int UnitId { get; private set; }

    public AppealKind Kind { get; private set; }

    /// <summary>The item as the unit named it: a tracking number, or the id of a deduction, inspection or rating.</summary>
    public string Ref { get; private set; }

    /// <summary>The item's database id (the complaint's for a complaint).</summary>
    public long TargetId { get; private set; }

    /// <summary>For a complaint: wrong-unit, malicious or duplicate (<see cref="AppealCodes.Grounds"/>).</summary>
    public string? Ground { get; private set; }

    public string Reason { get; private set; }

    public string FiledById { get; private set; }

    public DateTime FiledAtUtc { get; private set; }

    public AppealStatus Status { get; private set; }

    public string? DecidedById { get; private set; }

    public DateTime? DecidedAtUtc { get; private set; }

    public string? DecisionReason { get; private set; }

    public void Decide(bool upheld, string reason, string decidedById, DateTime decidedAtUtc)
    {
        if (Status != AppealStatus.Pending)
        {
            throw new InvalidOperationException($"Appeal {Id} is already decided.");
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Complaint.EnsureUtc(decidedAtUtc);
        Status = upheld ? AppealStatus.Upheld : AppealStatus.Rejected;
        DecisionReason = reason;
        DecidedById = decidedById;
        DecidedAtUtc = decidedAtUtc;
    }
}

/// <summary>
/// An input taken out of a unit's score by an upheld appeal: the complaint leaves the unit's channel tally of the
/// round's year, the deduction is withdrawn, the inspection or the rating form no longer counts. The scoring
/// queries read this table.
/// </summary>
public sealed class EvaluationExclusion
{
    private EvaluationExclusion()
    {
    }

    public EvaluationExclusion(int year, int unitId, AppealKind kind, long targetId, long appealId, DateTime createdAtUtc)
    {
        Complaint.EnsureUtc(createdAtUtc);
        Year = year;
        UnitId = unitId;
        Kind = kind;
        TargetId = targetId;
        AppealId = appealId;
        CreatedAtUtc = createdAtUtc;
    }

    public long Id { get; private set; }

    public int Year { get; private set; }

    public int UnitId { get; private set; }

    public AppealKind Kind { get; private set; }

    public long TargetId { get; private set; }

    public long AppealId { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }
}
