using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The one-time backfill of the handling record for complaints handled before it existed. It runs at start-up
/// (and in the <c>migrate</c> command) under the start-up lock, after the migrations, rather than as SQL in the
/// migration: a row's lateness is counted in Chinese working days, which only the calendar in code knows, and the
/// replay goes through the same aggregate code that writes the record live. It is idempotent: it picks only
/// complaints that were assigned at some time and have no row yet, so a second run (or a second node) finds none.
/// <para>
/// It runs once per database: finding "assigned, no row yet" means an anti-join over every complaint, seconds at
/// a million of them, and nothing can make that set grow again (since this version, every assignment writes its
/// row in the same transaction). So a completed run leaves a <see cref="CompletedDataStep"/> row, and a start-up
/// that finds it (one primary-key read) does not search again. A run that stops half-way leaves no row and the
/// next start-up resumes.
/// </para>
/// </summary>
public static class HandlingRecordBackfill
{
    /// <summary>The <see cref="CompletedDataStep.Name"/> of a completed backfill.</summary>
    public const string StepName = "handling-record-backfill";

    private const int Batch = 200;

    /// <summary>Returns how many complaints got their record (0 when a completed run is on record).</summary>
    public static async Task<int> RunAsync(IServiceProvider services, ILogger logger, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<PingYiDbContext>();
        if (await db.CompletedDataSteps.AsNoTracking().AnyAsync(s => s.Name == StepName, ct))
        {
            return 0;
        }
        var workflows = services.GetRequiredService<WorkflowRuntime>();
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Code, u => u.Id, StringComparer.Ordinal, ct);
        var done = 0;
        long after = 0;
        while (true)
        {
            var ids = await db.Complaints.AsNoTracking()
                .Where(c => c.Id > after
                    && !db.HandlingRecords.Any(r => r.ComplaintId == c.Id)
                    && db.ComplaintEvents.Any(e => e.ComplaintId == c.Id && e.Action == "assign"))
                .OrderBy(c => c.Id)
                .Select(c => c.Id)
                .Take(Batch)
                .ToListAsync(ct);
            if (ids.Count == 0)
            {
                break;
            }
            after = ids[^1];
            var complaints = await db.Complaints.Include(c => c.Events).Include(c => c.SupervisionNotices)
                .Where(c => ids.Contains(c.Id)).ToListAsync(ct);
            foreach (var complaint in complaints)
            {
                if (complaint.BackfillHandlingRecord(workflows.For(complaint), code => units.TryGetValue(code, out var id) ? id : null))
                {
                    done++;
                }
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        if (done > 0)
        {
            logger.LogInformation("Handling record backfilled from the timeline for {Count} complaint(s).", done);
        }
        db.CompletedDataSteps.Add(new CompletedDataStep
        {
            Name = StepName, CompletedAtUtc = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, Rows = done,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node finished the same (idempotent) run at the same time: its row says the same. Anything else is a fault.
            db.ChangeTracker.Clear();
            if (!await db.CompletedDataSteps.AsNoTracking().AnyAsync(s => s.Name == StepName, ct))
            {
                throw;
            }
        }
        return done;
    }
}
