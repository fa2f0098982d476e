using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// Fills this node's triage index from the database at start (every unit, then every complaint newest first, in batches),
/// then catches up every <see cref="Period"/> with what other nodes saved: complaints submitted, assigned or
/// transferred since the last complaint event it read, and the units as an admin last left them. This node's
/// own saves reach the index at once through <see cref="TriageSaveInterceptor"/>. The period is a polling interval
/// on the wall clock (<c>Triage:CatchUpSeconds</c>, 30 by default, 0 for none on a single node), not the app's
/// clock: moving the app's time forward does not make it poll.
/// </summary>
public sealed class TriageIndexSync(IServiceScopeFactory scopes, TriageEngine engine, TimeProvider time, IConfiguration configuration,
    ILogger<TriageIndexSync> logger) : BackgroundService
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromSeconds(30);

    private const int BatchSize = 2000;

    private static readonly string[] IndexedActions = [ComplaintActions.Submit, "assign", "transfer"];

    private long lastEventId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await RebuildAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Suggestions then work from the units alone (and this node's new saves) until the next catch-up.
            logger.LogWarning(e, "Could not build the triage index from the database.");
            engine.EndRebuild();
        }
        var period = configuration.GetValue<int?>("Triage:CatchUpSeconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultPeriod;
        if (period <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(period, TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CatchUpAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not catch up the triage index.");
            }
        }
    }

    /// <summary>Reads every unit and complaint into the index.</summary>
    public async Task RebuildAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        // The watermark is read first: anything saved while the complaints are read is caught up later.
        lastEventId = await db.ComplaintEvents.MaxAsync(e => (long?)e.Id, ct) ?? 0;
        await LoadUnitsAsync(db, ct);
        // Newest first: the searches read the recent months (the similar search 60 days, the learned one each word's
        // newest complaints), so suggestions are nearly whole long before the last old complaint is in.
        var before = long.MaxValue;
        var total = 0;
        while (true)
        {
            var batch = await CasesAsync(db.Complaints.AsNoTracking().Where(c => c.Id < before).OrderByDescending(c => c.Id).Take(BatchSize), ct);
            if (batch.Count == 0)
            {
                break;
            }
            engine.Load(batch);
            before = batch[^1].Id;
            total += batch.Count;
        }
        engine.EndRebuild();
        logger.LogInformation("Triage index built: {Units} units, {Complaints} complaints in {Elapsed} ms.",
            engine.Units.Count, total, (int)time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Complaints submitted, assigned or transferred since the last event read (by any node), and the units.</summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        await LoadUnitsAsync(db, ct);
        while (true)
        {
            var events = await db.ComplaintEvents.AsNoTracking()
                .Where(e => e.Id > lastEventId && IndexedActions.Contains(e.Action))
                .OrderBy(e => e.Id).Take(BatchSize)
                .Select(e => new { e.Id, e.ComplaintId })
                .ToListAsync(ct);
            if (events.Count == 0)
            {
                return;
            }
            var ids = events.Select(e => e.ComplaintId).Distinct().ToList();
            engine.Upsert(await CasesAsync(db.Complaints.AsNoTracking().Where(c => ids.Contains(c.Id)), ct));
            lastEventId = events[^1].Id;
        }
    }

    /// <summary>Every unit (retired ones too: their old complaints keep their code) as the index profiles them.</summary>
    public static async Task<List<UnitProfile>> ProfilesAsync(PingYiDbContext db, CancellationToken ct)
    {
        var units = await db.Units.AsNoTracking().OrderBy(u => u.Id).ToListAsync(ct);
        return units.Select(u => new UnitProfile(u.Id, u.Code, u.Name, u.ShortNames.ToArray(), u.Duties, u.Active)).ToList();
    }

    private async Task LoadUnitsAsync(PingYiDbContext db, CancellationToken ct)
    {
        var profiles = await ProfilesAsync(db, ct);
        if (!profiles.SequenceEqual(engine.Units, ProfileComparer.Instance))
        {
            engine.SetUnits(profiles);
        }
    }

    private async Task<List<CaseDocument>> CasesAsync(IQueryable<Complaint> complaints, CancellationToken ct)
    {
        var rows = await complaints
            .Select(c => new { c.Id, c.TrackingNumber, c.UnitId, Assigned = c.AssignedAtUtc != null, c.Title, c.Description, c.Location, c.OccurredOn, c.SubmittedAtUtc, c.Version })
            .ToListAsync(ct);
        return rows
            .Select(r => new CaseDocument(r.Id, r.TrackingNumber, engine.UnitCodeOf(r.UnitId) ?? string.Empty, r.Assigned, r.Title, r.Description, r.Location,
                r.OccurredOn, DateTime.SpecifyKind(r.SubmittedAtUtc, DateTimeKind.Utc), r.Version))
            .ToList();
    }

    private sealed class ProfileComparer : IEqualityComparer<UnitProfile>
    {
        public static readonly ProfileComparer Instance = new();

        public bool Equals(UnitProfile? x, UnitProfile? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Code == y.Code && x.Name == y.Name && x.Duties == y.Duties && x.Active == y.Active
            && x.ShortNames.SequenceEqual(y.ShortNames);

        public int GetHashCode(UnitProfile obj) => obj.Id;
    }
}
