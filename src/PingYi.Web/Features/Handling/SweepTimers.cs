using Hangfire;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Handling;

/// <summary>
/// Deadlines are data, not jobs: each complaint carries <see cref="Complaint.NextTimerAtUtc"/>, and a
/// recurring job fires the timer transitions that are due. It takes no arguments and is idempotent, so
/// a missed or crashed run is simply caught up by the next one.
/// </summary>
public static class SweepTimers
{
    public const string JobId = "sweep-timers";
    public const int BatchSize = 200;

    public sealed class Handler(PingYiDbContext db, WorkflowRuntime workflows, TimeProvider time, ILogger<Handler> logger)
    {
        /// <summary>Closes every case whose feedback window ended without a rating; returns how many.</summary>
        public async Task<int> HandleAsync(CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var closed = 0;
            while (true)
            {
                var closedBefore = closed;
                // Indexed on NextTimerAtUtc; only awaiting-feedback cases have a timer transition today
                // (reminders and escalation of deadlines are notices, not transitions).
                var due = await db.Complaints
                    .Where(c => c.NextTimerAtUtc <= now && c.Status == ComplaintStatus.AwaitingFeedback)
                    .OrderBy(c => c.NextTimerAtUtc)
                    .Take(BatchSize)
                    .ToListAsync(ct);
                foreach (var complaint in due)
                {
                    var workflow = workflows.For(complaint);
                    if (!complaint.IsFeedbackTimeoutDue(workflow, now))
                    {
                        continue;
                    }
                    complaint.Perform(workflow, "feedback-timeout", new Actor(null, WorkflowRoles.System), ValidatedFields.Empty, null, now);
                    try
                    {
                        await db.SaveChangesAsync(ct);
                        closed++;
                    }
                    catch (DbUpdateConcurrencyException)
                    {
                        // Someone acted on it meanwhile (a late rating, a reopen): their action stands.
                        db.Entry(complaint).State = EntityState.Detached;
                    }
                }
                db.ChangeTracker.Clear();
                if (due.Count < BatchSize || closed == closedBefore)
                {
                    break;
                }
            }
            if (closed > 0)
            {
                logger.LogInformation("Closed {Count} complaints whose feedback window ended.", closed);
            }
            return closed;
        }
    }

    /// <summary>The Hangfire entry point: a distributed lock keeps one sweep at a time across servers.</summary>
    public sealed class Job(Handler handler, Intake.IdempotencyKeys.Purge purgeIdempotency)
    {
        [DisableConcurrentExecution(timeoutInSeconds: 300)]
        [AutomaticRetry(Attempts = 0)]
        public async Task RunAsync(CancellationToken ct)
        {
            await handler.HandleAsync(ct);
            // Housekeeping that rides on the sweep's schedule and lock; separate from the timers above.
            await purgeIdempotency.HandleAsync(ct);
        }
    }
}
