using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PingYi.Domain.Complaints;

namespace PingYi.Data;

public static class TrackingNumbers
{
    // (database, year) pairs whose PostgreSQL sequence this process has already made sure of.
    private static readonly ConcurrentDictionary<(string?, int), bool> KnownSequences = new();

    /// <summary>
    /// Takes the next number of <paramref name="year"/>, outside the intake's own transaction, so that a failed
    /// intake leaves a gap rather than holding anything. On PostgreSQL each year has a sequence: nextval takes
    /// no lock, so intakes never queue behind each other's commits. SQLite writes one at a time anyway and
    /// advances a counter row with one atomic upsert.
    /// </summary>
    public static async Task<string> NextAsync(PingYiDbContext db, int year, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            var sequence = $"tracking_number_{year}";
            var known = (db.Database.GetConnectionString(), year);
            if (!KnownSequences.ContainsKey(known))
            {
                await EnsureSequenceAsync(db, sequence, ct);
                KnownSequences[known] = true;
            }
            List<long> next;
            try
            {
                next = await db.Database.SqlQuery<long>($"SELECT nextval({sequence}::regclass) AS \"Value\"").ToListAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // The database was replaced under a running process: make the sequence again.
                await EnsureSequenceAsync(db, sequence, ct);
                next = await db.Database.SqlQuery<long>($"SELECT nextval({sequence}::regclass) AS \"Value\"").ToListAsync(ct);
            }
            return TrackingNumber.Format(year, next.Single());
        }
        var values = await db.Database.SqlQuery<long>($"""
            INSERT INTO "TrackingCounters" ("Year", "LastValue") VALUES ({year}, 1)
            ON CONFLICT ("Year") DO UPDATE SET "LastValue" = "TrackingCounters"."LastValue" + 1
            RETURNING "LastValue" AS "Value"
            """).ToListAsync(ct);
        return TrackingNumber.Format(year, values.Single());
    }

    private static async Task EnsureSequenceAsync(PingYiDbContext db, string sequence, CancellationToken ct)
    {
        try
        {
            // The name is built from an int year, never from input.
#pragma warning disable EF1002
            await db.Database.ExecuteSqlRawAsync($"CREATE SEQUENCE IF NOT EXISTS \"{sequence}\"", ct);
#pragma warning restore EF1002
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // Another node created it at the same moment.
        }
    }
}
