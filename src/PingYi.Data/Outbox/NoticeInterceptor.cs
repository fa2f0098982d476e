using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PingYi.Domain.Complaints;

namespace PingYi.Data.Outbox;

/// <summary>
/// Turns the notices raised by the complaints being saved into outbox rows (recipients resolved, templates
/// rendered). Implemented by the host, which owns the templates and the recipient rules.
/// </summary>
public interface INoticeWriter
{
    /// <summary>Adds the outbox rows for <paramref name="notices"/> to <paramref name="db"/> (not saved: the caller's save commits them).</summary>
    Task WriteAsync(PingYiDbContext db, IReadOnlyList<(Complaint Complaint, ComplaintNotice Notice)> notices, CancellationToken ct);
}

/// <summary>
/// eShop's SaveEntitiesAsync as an interceptor: before every save, the notices of each tracked complaint
/// become outbox rows that are committed in the same transaction as the change they report, so a notice
/// is sent if and only if its change was saved.
/// </summary>
public sealed class NoticeInterceptor(INoticeWriter writer) : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is PingYiDbContext db)
        {
            var notices = db.ChangeTracker.Entries<Complaint>()
                .Where(e => e.Entity.PendingNotices.Count > 0)
                .SelectMany(e => e.Entity.TakeNotices().Select(n => (e.Entity, n)))
                .ToList();
            if (notices.Count > 0)
            {
                await writer.WriteAsync(db, notices, cancellationToken);
            }
        }
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        eventData.Context is PingYiDbContext db && db.ChangeTracker.Entries<Complaint>().Any(e => e.Entity.PendingNotices.Count > 0)
            ? throw new InvalidOperationException("A complaint with notices must be saved with SaveChangesAsync, which writes its outbox rows.")
            : result;

    /// <summary>
    /// A failed save (a lost optimistic-concurrency race) must not leave its outbox rows tracked, or the
    /// caller's next save would send notices of a change that never happened.
    /// </summary>
    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db)
        {
            foreach (var entry in db.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added).ToList())
            {
                entry.State = EntityState.Detached;
            }
        }
        return Task.CompletedTask;
    }
}
