using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The one-time backfill of the handling record for complaints handled before it existed. It runs at start-up
/// (and in the <c>migrate</c> command) under the start-up lock, after the migrations, rather than as SQL in the
/// migration: a row's lateness is counted in Chinese working days, which only the calendar in code knows, and the
/// replay goes through the same aggregate code that writes the record live. It is idempotent: it picks only
/// complaints that were assigned at some time and have no row yet, so a second run (or a second node) finds none.
/// </summary>
public static class HandlingRecordBackfill
{
    private const int Batch = 200;

    /// <summary>Returns how many complaints got their record.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, ILogger logger, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<PingYiDbContext>();
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
        return done;
    }
}
