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

/// <summary>
/// A one-time data step that has run to completion on this database (e.g. the handling-record backfill), so
/// that later start-ups skip it instead of searching the data again for work that cannot reappear.
/// </summary>
public sealed class CompletedDataStep
{
    public string Name { get; set; } = string.Empty;

    public DateTime CompletedAtUtc { get; set; }

    /// <summary>How many rows the step changed when it ran (for the operator's curiosity; nothing reads it).</summary>
    public int Rows { get; set; }
}
