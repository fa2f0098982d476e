namespace PingYi.Data;

/// <summary>The last tracking number handed out in a year; advanced by one atomic upsert.</summary>
public sealed class TrackingCounter
{
    public int Year { get; set; }

    public long LastValue { get; set; }
}

/// <summary>
/// Remembers a POST /api/v1/complaints that carried an Idempotency-Key, so a retry returns the
/// same complaint. The access code is kept encrypted (Data Protection) until the record expires.
/// </summary>
public sealed class IdempotencyRecord
{
    public string Key { get; set; } = string.Empty;

    /// <summary>SHA-256 of the request body: the same key with another body is refused.</summary>
    public string RequestHash { get; set; } = string.Empty;

    public long ComplaintId { get; set; }

    public string ProtectedAccessCode { get; set; } = string.Empty;

    public DateTime CreatedAtUtc { get; set; }

    public DateTime ExpiresAtUtc { get; set; }
}
