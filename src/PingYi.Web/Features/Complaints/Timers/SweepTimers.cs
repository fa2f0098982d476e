using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Timers;

/// <summary>
/// Deadlines are data, not jobs: each complaint carries <see cref="Complaint.NextTimerAtUtc"/> (its earliest
/// pending timer), and a recurring job fires what is due through the aggregate. The job takes no arguments
/// and is idempotent: what fired is recorded on the row in the same save as its event and notices, so a
/// crashed, repeated or late run fires each timer once, and two concurrent runs settle on the row's version.
/// </summary>
public static class SweepTimers
{
    public const string JobId = "sweep-timers";
    public const int DefaultBatchSize = 200;

    /// <summary><c>Timers:SweepBatchSize</c>: rows fired and saved per transaction (default 200).</summary>
    public static int BatchSizeFrom(IConfiguration configuration) => Math.Clamp(configuration.GetValue("Timers:SweepBatchSize", DefaultBatchSize), 1, 5000);

    /// <summary>
    /// <c>Timers:SweepParallelism</c>: batches fired at once, each on its own connection (default 2). A batch's cost
    /// is half the app's CPU (the aggregate, the notices, EF's save) and half the database's, so two in flight keep
    /// both busy. SQLite takes one writer at a time: there it is always 1.
    /// </summary>
    public static int ParallelismFrom(IConfiguration configuration, DatabaseSettings database) =>
        database.Provider == DatabaseProvider.Sqlite ? 1 : Math.Clamp(configuration.GetValue("Timers:SweepParallelism", 2), 1, 16);

    public sealed class Handler(PingYiDbContext db, IServiceScopeFactory scopes, TimeProvider time, IConfiguration configuration, DatabaseSettings database, ILogger<Handler> logger,
        Infrastructure.Telemetry.PingYiMetrics metrics)
    {
        private readonly int _batchSize = BatchSizeFrom(configuration);
        private readonly int _parallelism = ParallelismFrom(configuration, database);

        /// <summary>Fires every due timer; returns how many fired (timeline events appended).</summary>
        public async Task<int> HandleAsync(CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var fired = 0;
            // The due batches are read one after another on this context; each is fired and saved on a context of
            // its own. Batches never share a row, so their saves cannot conflict with each other.
            await Parallel.ForEachAsync(DueBatchesAsync(now, ct), new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = ct },
                async (ids, token) =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var batch = scope.ServiceProvider.GetRequiredService<Batch>();
                    Interlocked.Add(ref fired, await batch.FireAsync(ids, now, token));
                });
            metrics.SweepCompleted(fired, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            if (fired > 0)
            {
                logger.LogInformation("Timer sweep fired {Count} timers.", fired);
            }
            return fired;
        }

        private async IAsyncEnumerable<List<long>> DueBatchesAsync(DateTime now, [EnumeratorCancellation] CancellationToken ct)
        {
            DateTime lastAt = DateTime.MinValue;
            long lastId = 0;
            while (true)
            {
                // Set-based and indexed (NextTimerAtUtc): the cost follows what is due, not what is open.
                // Keyset paging, so a row that could not advance (lost a race, failed) is not taken again
                // in this run; the next run retries it.
                var at = lastAt;
                var id = lastId;
                var due = await db.Complaints.AsNoTracking()
                    .Where(c => c.NextTimerAtUtc <= now)
                    .Where(c => c.NextTimerAtUtc > at || (c.NextTimerAtUtc == at && c.Id > id))
                    .OrderBy(c => c.NextTimerAtUtc).ThenBy(c => c.Id)
                    .Select(c => new { c.Id, At = c.NextTimerAtUtc!.Value })
                    .Take(_batchSize)
                    .ToListAsync(ct);
                if (due.Count == 0)
                {
                    yield break;
                }
                (lastAt, lastId) = (due[^1].At, due[^1].Id);
                yield return due.Select(d => d.Id).ToList();
                if (due.Count < _batchSize)
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>Fires one batch of due complaints on its own context (a scoped service: one per batch).</summary>
    public sealed class Batch(PingYiDbContext db, WorkflowRuntime workflows, ILogger<Batch> logger)
    {
        /// <summary>One save for the batch; if another writer changed any of its rows, each row is retried alone.</summary>
        public async Task<int> FireAsync(List<long> ids, DateTime now, CancellationToken ct)
        {
            try
            {
                var fired = Fire(await LoadAsync(ids, now, ct), now);
                await db.SaveChangesAsync(ct);
                return fired;
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
            var total = 0;
            foreach (var id in ids)
            {
                try
                {
                    var fired = Fire(await LoadAsync([id], now, ct), now);
                    await db.SaveChangesAsync(ct);
                    total += fired;
                }
                catch (DbUpdateConcurrencyException)
                {
                    // Another sweep or a staff action changed it first: theirs stands, and what is still
                    // due (per the row they saved) is fired by the next run.
                    logger.LogInformation("Timer of complaint {Id} lost a race; the next sweep retries it.", id);
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }
            return total;
        }

        private Task<List<Complaint>> LoadAsync(List<long> ids, DateTime now, CancellationToken ct) =>
            db.Complaints
                .Include(c => c.SupervisionNotices.Where(n => n.IsOpen))
                // Re-checked: a row another node fired since the batch was read is no longer due.
                .Where(c => ids.Contains(c.Id) && c.NextTimerAtUtc <= now)
                .ToListAsync(ct);

        private int Fire(List<Complaint> complaints, DateTime now) =>
            complaints.Sum(complaint => complaint.FireDueTimers(workflows.For(complaint), now).Count);
    }

    /// <summary>
    /// The scheduled job, registered once (<see cref="ComplaintsModule"/>): every minute and on an Admin's "run now",
    /// both under the job runner's distributed lock, so one sweep runs at a time across servers.
    /// </summary>
    public sealed class Job(Handler handler, Intake.IdempotencyKeys.Purge purgeIdempotency)
    {
        /// <returns>The number of timers fired.</returns>
        public async Task<int> RunAsync(CancellationToken ct)
        {
            var fired = await handler.HandleAsync(ct);
            // Housekeeping that rides on the sweep's schedule and lock; separate from the timers above.
            await purgeIdempotency.HandleAsync(ct);
            return fired;
        }
    }
}
