using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PingYi.Data;
using PingYi.Domain.Complaints;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// Keeps this node's triage index current from the same save that changes a complaint: a new complaint, and one
/// whose unit changed (交办, 转办), is upserted right after the save commits — never for a save that failed. A save
/// that adds or edits a unit (its names, short names, duties) reloads the unit profiles. The handlers need no call
/// of their own; other nodes learn of it through <see cref="TriageIndexSync"/>.
/// </summary>
public sealed class TriageSaveInterceptor(TriageEngine engine) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<Complaint>> pending = [];

    private readonly ConditionalWeakTable<DbContext, object> unitsChanged = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Index(eventData.Context);
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is PingYiDbContext units && unitsChanged.TryGetValue(units, out _))
        {
            unitsChanged.Remove(units);
            engine.SetUnits(await TriageIndexSync.ProfilesAsync(units, cancellationToken));
        }
        if (eventData.Context is PingYiDbContext db && pending.TryGetValue(db, out var saved))
        {
            // A unit the index has not loaded yet (just created, or the start-up load still running): ask this context.
            foreach (var unitId in saved.Select(c => c.UnitId).OfType<int>().Distinct().Where(id => engine.UnitCodeOf(id) is null).ToList())
            {
                if (await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Code).FirstOrDefaultAsync(cancellationToken) is { } code)
                {
                    unitCodes[unitId] = code;
                }
            }
        }
        Index(eventData.Context);
        return result;
    }

    /// <summary>Codes of units looked up by a save before the index loaded them.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> unitCodes = new();

    private string? CodeOf(int unitId) => engine.UnitCodeOf(unitId) ?? unitCodes.GetValueOrDefault(unitId);

    /// <summary>The indexed unit code of a case: empty while 待确定单位, null for a unit not known yet.</summary>
    private string? CodeOf(int? unitId) => unitId is { } id ? CodeOf(id) : string.Empty;

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } db)
        {
            pending.Remove(db);
            unitsChanged.Remove(db);
        }
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? db)
    {
        if (db is null)
        {
            return;
        }
        var changed = db.ChangeTracker.Entries<Complaint>()
            .Where(e => e.State == EntityState.Added
                || (e.State == EntityState.Modified && (e.Property(c => c.UnitId).IsModified || e.Property(c => c.AssignedAtUtc).IsModified)))
            .Select(e => e.Entity)
            .ToList();
        if (changed.Count > 0)
        {
            pending.AddOrUpdate(db, changed);
        }
        if (db.ChangeTracker.Entries<Domain.Units.Unit>().Any(e => e.State is EntityState.Added or EntityState.Modified))
        {
            unitsChanged.AddOrUpdate(db, this);
        }
    }

    private void Index(DbContext? db)
    {
        if (db is null || !pending.TryGetValue(db, out var saved))
        {
            return;
        }
        pending.Remove(db);
        var documents = saved
            .Where(c => c.Id > 0 && CodeOf(c.UnitId) is not null)
            .Select(c => new CaseDocument(c.Id, c.TrackingNumber, CodeOf(c.UnitId)!, c.AssignedAtUtc is not null, c.Title, c.Description,
                c.Location, c.OccurredOn, c.SubmittedAtUtc, c.Version))
            .ToList();
        if (documents.Count > 0)
        {
            engine.Upsert(documents);
        }
    }
}
