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
            var next = await WithSequenceAsync(db, year, sequence =>
                db.Database.SqlQuery<long>($"SELECT nextval({sequence}::regclass) AS \"Value\"").ToListAsync(ct), ct);
            return TrackingNumber.Format(year, next.Single());
        }
        var values = await db.Database.SqlQuery<long>($"""
            INSERT INTO "TrackingCounters" ("Year", "LastValue") VALUES ({year}, 1)
            ON CONFLICT ("Year") DO UPDATE SET "LastValue" = "TrackingCounters"."LastValue" + 1
            RETURNING "LastValue" AS "Value"
            """).ToListAsync(ct);
        return TrackingNumber.Format(year, values.Single());
    }

    /// <summary>A complaint id (from the complaint table's identity sequence) and a tracking number of its year.</summary>
    public sealed class ReservedKeys
    {
        public long Id { get; set; }

        public long Number { get; set; }
    }

    /// <summary>
    /// PostgreSQL: reserves <paramref name="count"/> complaint ids and as many tracking numbers of <paramref name="year"/>
    /// in one statement (see <see cref="IntakeKeys"/>). Sequences take no lock and never hand a value out twice.
    /// </summary>
    public static Task<List<ReservedKeys>> ReserveAsync(PingYiDbContext db, int year, int count, CancellationToken ct) =>
        WithSequenceAsync(db, year, sequence => db.Database.SqlQuery<ReservedKeys>($"""
            SELECT nextval(pg_get_serial_sequence('"Complaints"', 'Id')) AS "Id", nextval({sequence}::regclass) AS "Number"
            FROM generate_series(1, {count})
            """).ToListAsync(ct), ct);

    /// <summary>Runs <paramref name="query"/> with the name of the year's sequence, made sure of first.</summary>
    private static async Task<T> WithSequenceAsync<T>(PingYiDbContext db, int year, Func<string, Task<T>> query, CancellationToken ct)
    {
        var sequence = $"tracking_number_{year}";
        var known = (db.Database.GetConnectionString(), year);
        if (!KnownSequences.ContainsKey(known))
        {
            await EnsureSequenceAsync(db, sequence, ct);
            KnownSequences[known] = true;
        }
        try
        {
            return await query(sequence);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The database was replaced under a running process: make the sequence again.
            await EnsureSequenceAsync(db, sequence, ct);
            return await query(sequence);
        }
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
