using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Complaints;

namespace PingYi.Data;

public static class TrackingNumbers
{
    /// <summary>
    /// Takes the next number of <paramref name="year"/> with one atomic upsert (both PostgreSQL and
    /// SQLite speak ON CONFLICT … RETURNING). It runs in its own short transaction so that intake
    /// does not hold the counter row while it writes the complaint; a failed intake leaves a gap.
    /// </summary>
    public static async Task<string> NextAsync(PingYiDbContext db, int year, CancellationToken ct)
    {
        var values = await db.Database.SqlQuery<long>($"""
            INSERT INTO "TrackingCounters" ("Year", "LastValue") VALUES ({year}, 1)
            ON CONFLICT ("Year") DO UPDATE SET "LastValue" = "TrackingCounters"."LastValue" + 1
            RETURNING "LastValue" AS "Value"
            """).ToListAsync(ct);
        return TrackingNumber.Format(year, values.Single());
    }
}
