using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

/// <summary>
/// 扣分: a problem a supervisor found during the round (careless complaint handling, procedures not followed,
/// an inspection finding). Append-only: who recorded it and when is kept with it, so every deduction in a
/// result can be traced.
/// </summary>
public sealed class Deduction
{
    public const int MaxReasonLength = 1000;

    private Deduction()
    {
        Reason = RecordedById = string.Empty;
    }

    public Deduction(int roundId, int unitId, double points, string reason, string? rule, string recordedById, DateTime recordedAtUtc)
    {
        Complaint.EnsureUtc(recordedAtUtc);
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

    public DateTime RecordedAtUtc { get; private set; }
}
