namespace PingYi.Data.Recovery;

/// <summary>
/// One request to recover a lost access code (找回查询码): by tracking number and the contact given at intake.
/// Every request is kept, whether or not the contact matched, so that the limits (per number, per contact, per client
/// address) count them all and the answer cannot tell a match from a miss. A matching one holds the hash of the
/// one-time code sent to that contact; the code is good once, until <see cref="ExpiresAtUtc"/>, for a few tries.
/// </summary>
public sealed class AccessCodeRecovery
{
    public long Id { get; set; }

    public long ComplaintId { get; set; }

    /// <summary>SHA-256 (hex) of the contact as given, normalised (a mobile as 11 digits, an e-mail address in lower case).</summary>
    public string ContactHash { get; set; } = string.Empty;

    /// <summary>The client address as the rate limiters key it (IPv4, or the /64 of IPv6).</summary>
    public string ClientKey { get; set; } = string.Empty;

    /// <summary>Hash of the one-time code sent; null when the contact did not match (nothing was sent).</summary>
    public string? CodeHash { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime ExpiresAtUtc { get; set; }

    /// <summary>When the code was used to issue a new access code (or the request was superseded); it works once.</summary>
    public DateTime? UsedAtUtc { get; set; }

    public int FailedAttempts { get; set; }
}
