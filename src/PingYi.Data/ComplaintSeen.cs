using Microsoft.EntityFrameworkCore;

namespace PingYi.Data;

/// <summary>
/// When a staff user last opened a complaint (its page or its API view): the staff list flags a case whose
/// complainant added a supplement after that moment (新补充). One row per user and complaint, overwritten on
/// each look; it records nothing about the complainant, only the staff user's own reading.
/// </summary>
public sealed class ComplaintSeen
{
    private ComplaintSeen()
    {
        UserId = string.Empty;
    }

    public ComplaintSeen(string userId, long complaintId, DateTime seenAtUtc)
    {
        UserId = userId;
        ComplaintId = complaintId;
        SeenAtUtc = seenAtUtc;
    }

    public string UserId { get; private set; }

    public long ComplaintId { get; private set; }

    public DateTime SeenAtUtc { get; private set; }

    /// <summary>
    /// Records the look in one statement, whoever else is writing: an upsert that only moves the time forwards. Two
    /// tabs of the same user opening the case at once both succeed (no duplicate-key failure to catch), and nothing
    /// else the context tracks is saved with it. <c>INSERT … ON CONFLICT … DO UPDATE … WHERE</c> is the same SQL in
    /// PostgreSQL and SQLite (3.24 and later).
    /// </summary>
    public static Task MarkAsync(PingYiDbContext db, string userId, long complaintId, DateTime seenAtUtc, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "ComplaintSeen" ("UserId", "ComplaintId", "SeenAtUtc") VALUES ({userId}, {complaintId}, {seenAtUtc})
            ON CONFLICT ("UserId", "ComplaintId") DO UPDATE SET "SeenAtUtc" = excluded."SeenAtUtc"
            WHERE "ComplaintSeen"."SeenAtUtc" < excluded."SeenAtUtc"
            """, ct);
}
