namespace PingYi.Data;

/// <summary>
/// 关联: two related complaints, linked without merging (each keeps its own handling). Symmetric: one row per pair,
/// stored with the lower complaint id first, so a pair is linked once whichever side it was linked from.
/// </summary>
public sealed class ComplaintLink
{
    private ComplaintLink()
    {
    }

    public ComplaintLink(long a, long b, string? reason, string? createdBy, DateTime createdAtUtc)
    {
        (FirstId, SecondId) = a < b ? (a, b) : (b, a);
        Reason = reason;
        CreatedBy = createdBy;
        CreatedAtUtc = createdAtUtc;
    }

    public long Id { get; private set; }

    public long FirstId { get; private set; }

    public long SecondId { get; private set; }

    public string? Reason { get; private set; }

    public string? CreatedBy { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }
}
