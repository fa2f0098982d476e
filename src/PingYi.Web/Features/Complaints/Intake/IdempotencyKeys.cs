using Microsoft.EntityFrameworkCore;
using PingYi.Data;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>
/// Idempotency keys of <c>POST /api/v1/complaints</c>: what a key must look like, and the purge of expired records.
/// </summary>
public static class IdempotencyKeys
{
    public const int MinimumBits = 128;

    /// <summary>
    /// Whether the key can hold 128 bits of randomness: a UUID (32 hex digits), 32+ hex characters, or 22+
    /// base64/base64url characters, with at least 8 distinct characters. A short or patterned key could be
    /// guessed, and a replay answers with the access code. (Randomness cannot be measured from one sample; this
    /// refuses the keys that certainly have too little.)
    /// </summary>
    public static bool IsRandomEnough(string key)
    {
        var significant = 0;
        bool hexOnly = true, alphanumeric = true;
        foreach (var c in key)
        {
            if (c is '-' or '=')
            {
                continue;
            }
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '+' or '/' or '.'))
            {
                return false;
            }
            significant++;
            hexOnly &= char.IsAsciiHexDigit(c);
            alphanumeric &= char.IsAsciiLetterOrDigit(c);
        }
        var bitsPerCharacter = hexOnly ? 4.0 : alphanumeric ? Math.Log2(62) : 6.0;
        return significant * bitsPerCharacter >= MinimumBits
               && key.Where(c => c is not ('-' or '=')).Distinct().Count() >= 8;
    }

    /// <summary>
    /// Deletes expired records: a record holds a protected access code, and after 24 hours nothing needs it.
    /// Run by the timer sweep (<see cref="Handling.SweepTimers.Job"/>).
    /// </summary>
    public sealed class Purge(PingYiDbContext db, TimeProvider time, ILogger<Purge> logger)
    {
        public async Task<int> HandleAsync(CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var purged = await db.IdempotencyRecords.Where(r => r.ExpiresAtUtc <= now).ExecuteDeleteAsync(ct);
            if (purged > 0)
            {
                logger.LogInformation("Purged {Count} expired idempotency records.", purged);
            }
            return purged;
        }
    }
}
