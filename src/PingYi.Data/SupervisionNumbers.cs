using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PingYi.Domain.Complaints;

namespace PingYi.Data;

/// <summary>Numbers for 督办 notices, DB-&lt;year&gt;-&lt;4 digits&gt;, counted per year.</summary>
public static class SupervisionNumbers
{
    private static readonly ConcurrentDictionary<(string?, int), bool> KnownSequences = new();

    /// <summary>
    /// Takes the next number of <paramref name="year"/> outside the action's transaction (a failed action leaves
    /// a gap). PostgreSQL: one sequence per year, lock-free across nodes. SQLite (one node, one writer): the
    /// highest number issued so far plus one; the unique index on the number refuses a duplicate should two
    /// requests ever race.
    /// </summary>
    public static async Task<string> NextAsync(PingYiDbContext db, int year, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            var sequence = $"supervision_number_{year}";
            var known = (db.Database.GetConnectionString(), year);
            if (!KnownSequences.ContainsKey(known))
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
                KnownSequences[known] = true;
            }
            var next = await db.Database.SqlQuery<long>($"SELECT nextval({sequence}::regclass) AS \"Value\"").ToListAsync(ct);
            return SupervisionNotice.FormatNumber(year, next.Single());
        }
        var prefix = SupervisionNotice.FormatNumber(year, 0)[..8];
        var numbers = await db.SupervisionNotices.AsNoTracking()
            .Where(n => n.Number.StartsWith(prefix))
            .Select(n => n.Number)
            .ToListAsync(ct);
        var last = numbers.Select(n => long.Parse(n[8..], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
        return SupervisionNotice.FormatNumber(year, last + 1);
    }
}
