using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Complaints;

namespace PingYi.Data;

/// <summary>
/// The keys a new complaint needs before it is written — its id and its tracking number — handed out from blocks this
/// process reserves, so that most intakes make no round trip for them (docs/benchmarks.md, intake).
/// <para>
/// PostgreSQL only. One statement reserves <see cref="BlockSize"/> ids from the complaint table's own identity sequence
/// and as many numbers from the year's tracking-number sequence. Both are sequences, so the values are unique across
/// processes and nodes and with every other writer (the demo seed, imports, the benchmark's generator keep using the
/// column default). Knowing the id before the save lets EF Core write the complaint, its contact, evidence,
/// <c>submit</c> event and idempotency record in one batch. The price: values a process reserved and never used
/// (a restart, a failed intake) are gaps, which tracking numbers already tolerate, and with several concurrent
/// intakes or nodes, numbers are not in exact order of submission.
/// </para>
/// SQLite writes one transaction at a time anyway: there the id stays the database's and the number the counter row's.
/// </summary>
public sealed class IntakeKeys
{
    /// <summary>Small: a restart wastes at most this many numbers per year and process.</summary>
    public const int BlockSize = 20;

    // (database, year) → reserved (id, number) pairs not handed out yet.
    private readonly ConcurrentDictionary<(string?, int), ConcurrentQueue<TrackingNumbers.ReservedKeys>> _blocks = new();

    /// <param name="ComplaintId">The id the complaint must be inserted with; null when the database assigns it (SQLite).</param>
    public readonly record struct Keys(long? ComplaintId, string TrackingNumber);

    public async Task<Keys> NextAsync(PingYiDbContext db, int year, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
        {
            return new Keys(null, await TrackingNumbers.NextAsync(db, year, ct));
        }
        var queue = _blocks.GetOrAdd((db.Database.GetConnectionString(), year), _ => new());
        if (!queue.TryDequeue(out var next))
        {
            // Concurrent intakes that all find the queue empty each reserve a block; the surplus is used by later ones.
            var block = await TrackingNumbers.ReserveAsync(db, year, BlockSize, ct);
            next = block[0];
            for (var i = 1; i < block.Count; i++)
            {
                queue.Enqueue(block[i]);
            }
        }
        return new Keys(next.Id, TrackingNumber.Format(year, next.Number));
    }

    /// <summary>
    /// Drops every reserved value (they become gaps). Called when a save fails, so that a database replaced under a
    /// running process (its sequences restarted) cannot be handed ids this process reserved from the old one.
    /// </summary>
    public void Forget() => _blocks.Clear();
}
