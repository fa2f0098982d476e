using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

/// <summary>
/// 扣分: a problem a supervisor found during the round (careless complaint handling, procedures not followed,
/// an inspection finding). Append-only: who recorded it and when is kept with it, so every deduction in a
/// result can be traced. It cites what it punishes (<see cref="DeductionCitation"/>): a complaint, an inspection
/// or a ledger item of the same unit and round.
/// </summary>
public sealed class Deduction
{
    public const int MaxReasonLength = 1000;

    private Deduction()
    {
        Reason = RecordedById = string.Empty;
    }

    public Deduction(int roundId, int unitId, double points, string reason, string? rule, DeductionCitation cites, string recordedById, DateTime recordedAtUtc)
    {
        Complaint.EnsureUtc(recordedAtUtc);
        ArgumentNullException.ThrowIfNull(cites);
        CitedComplaintId = cites.Kind == DeductionCitation.Complaint ? cites.Id : null;
        CitedInspectionId = cites.Kind == DeductionCitation.Inspection ? cites.Id : null;
        CitedLedgerItemId = cites.Kind == DeductionCitation.LedgerItem ? cites.Id : null;
        RoundId = roundId;
        UnitId = unitId;
        Points = points;
        Reason = reason;
        Rule = rule;
        RecordedById = recordedById;
        RecordedAtUtc = recordedAtUtc;
    }

    public long Id { get; private set; }

    public int RoundId { get; private set; }

    public int UnitId { get; private set; }

    public double Points { get; private set; }

    public string Reason { get; private set; }

    /// <summary>The round file's deduction rule it falls under, if given.</summary>
    public string? Rule { get; private set; }

    public string RecordedById { get; private set; }

    // What it punishes, typed (one of them, by kind), so a link never parses text. All null on a deduction recorded
    // before deductions had to cite anything (shown as 未注明).
    public long? CitedComplaintId { get; private set; }

    public long? CitedInspectionId { get; private set; }

    public long? CitedLedgerItemId { get; private set; }

    /// <summary>What the deduction cites, or null for one recorded before citations were required.</summary>
    public DeductionCitation? Cites =>
        CitedComplaintId is { } c ? new(DeductionCitation.Complaint, c)
        : CitedInspectionId is { } i ? new(DeductionCitation.Inspection, i)
        : CitedLedgerItemId is { } l ? new(DeductionCitation.LedgerItem, l)
        : null;

    public DateTime RecordedAtUtc { get; private set; }
}

/// <summary>What a deduction punishes: a complaint, an inspection (明察暗访) or a ledger (整改台账) item, by id.</summary>
public sealed record DeductionCitation(string Kind, long Id)
{
    /// <summary>A complaint about the unit, given by its tracking number.</summary>
    public const string Complaint = "complaint";

    /// <summary>An <see cref="Evaluation.Inspection"/> of the unit in the round, by record number.</summary>
    public const string Inspection = "inspection";

    /// <summary>A <see cref="RectificationItem"/> of the unit in the round, by item number.</summary>
    public const string LedgerItem = "ledger-item";

    public static readonly IReadOnlyList<(string Code, string Label)> Kinds =
        [(Complaint, "直通车反映"), (Inspection, "明察暗访"), (LedgerItem, "整改台账事项")];

    public static string? LabelOf(string? kind) => Kinds.FirstOrDefault(k => k.Code == kind).Label;
}
