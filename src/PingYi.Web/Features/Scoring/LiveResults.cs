using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Features.Evaluation;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// A round's live (computed, not approved) results, kept for the pages that read them: the rankings, a unit's
/// 得分说明, the differences from a snapshot. Computing a round reads every unit's handling record (about a second
/// for a year at a million complaints), and those pages are opened far more often than an evaluation input changes.
/// <para>
/// A kept result is used while all of these hold: no save on this node has changed an evaluation input since it was
/// computed (<see cref="ScoringInputsInterceptor"/>: a rating, inspection or deduction shows at once); it is less
/// than <c>Scoring:LiveResultsSeconds</c> old (default 60; 0 computes on every request), so cases handled since, and
/// inputs saved by another node, count within that time; it is the same round, in the same state, with the same
/// definition; and the China day has not changed (deadlines run out at 24:00 China time, overdue days are whole
/// days). The channel's facts are shown with the moment they were counted to (the cut-off). Case handling does not
/// drop the kept result: on a busy day it changes every few seconds, and each change would cost a whole computation.
/// </para>
/// <para>
/// One computation runs at a time; requests that arrive meanwhile take its result. Approval never reads this: the
/// snapshot is computed from the inputs as they are.
/// </para>
/// </summary>
public sealed class LiveResults(TimeProvider time, IConfiguration? configuration = null)
{
    public const int DefaultSeconds = 60;

    private readonly TimeSpan _maxAge = TimeSpan.FromSeconds(Math.Max(0, configuration?.GetValue("Scoring:LiveResultsSeconds", DefaultSeconds) ?? DefaultSeconds));
    private readonly SemaphoreSlim _computing = new(1, 1);
    private readonly Dictionary<int, Entry> _entries = [];
    private long _generation;

    private sealed record Entry(long Generation, long RoundId, RoundStatus Status, EvaluationRoundDefinition Definition, DateTime ValidUntilUtc, ComputedRound Round);

    /// <summary>An evaluation input changed (called after the change is committed): the kept results are not used again.</summary>
    public void InputsChanged() => Interlocked.Increment(ref _generation);

    /// <summary>The kept result of <paramref name="round"/> if it is still valid, otherwise <paramref name="compute"/>'s, kept.</summary>
    public async Task<ComputedRound> GetAsync(RoundContext round, Func<CancellationToken, Task<ComputedRound>> compute, CancellationToken ct)
    {
        if (_maxAge == TimeSpan.Zero)
        {
            return await compute(ct);
        }
        // A result computed from this generation on includes every change committed before this request arrived.
        var arrived = Interlocked.Read(ref _generation);
        if (Find(round, arrived) is { } kept)
        {
            return kept;
        }
        await _computing.WaitAsync(ct);
        try
        {
            // A computation that started while this request waited is as fresh as one it would start now.
            if (Find(round, arrived) is { } computedMeanwhile)
            {
                return computedMeanwhile;
            }
            // Read before computing: after a change committed while computing, requests compute again.
            var generation = Interlocked.Read(ref _generation);
            var now = time.GetUtcNow().UtcDateTime;
            var result = await compute(ct);
            var midnight = ChinaTime.StartOfDayUtc(ChinaTime.DateOf(now).AddDays(1));
            var until = now + _maxAge < midnight ? now + _maxAge : midnight;
            lock (_entries)
            {
                _entries[round.Round.Year] = new Entry(generation, round.Round.Id, round.Round.Status, round.Definition, until, result);
            }
            return result;
        }
        finally
        {
            _computing.Release();
        }
    }

    private ComputedRound? Find(RoundContext round, long fromGeneration)
    {
        Entry? entry;
        lock (_entries)
        {
            entry = _entries.GetValueOrDefault(round.Round.Year);
        }
        return entry is not null
            && entry.Generation >= fromGeneration
            && entry.RoundId == round.Round.Id && entry.Status == round.Round.Status && ReferenceEquals(entry.Definition, round.Definition)
            && time.GetUtcNow().UtcDateTime < entry.ValidUntilUtc
            ? entry.Round
            : null;
    }
}

/// <summary>
/// Tells <see cref="LiveResults"/> when a save changed an evaluation input a round's results are computed from: the
/// units, the calendar, the round, ratings, inspections, deductions, the imported ranks, the 问责 flags, the snapshots
/// (the handling record ages out instead). A save inside an explicit transaction counts when the transaction commits.
/// Whoever adds an evaluation input adds its type here.
/// </summary>
public sealed class ScoringInputsInterceptor(LiveResults live) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly HashSet<Type> InputTypes =
    [
        typeof(Unit), typeof(CalendarUpload), typeof(EvaluationRound), typeof(EvaluationResponse),
        typeof(Inspection), typeof(InspectionFinding), typeof(Deduction), typeof(PriorRank), typeof(AccountabilityFlag),
        typeof(ResultSnapshot), typeof(ResultSnapshotLine), typeof(EvaluationExclusion),
    ];

    // Contexts whose changes are saved but not yet committed (pooled contexts are reused: the mark is removed on commit or rollback).
    private readonly ConditionalWeakTable<DbContext, object> _pending = [];
    private readonly ConditionalWeakTable<DbContext, object> _saving = [];

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Mark(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Mark(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context, _saving);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context, _saving);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context, _pending);

    public Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context, _pending);
        return Task.CompletedTask;
    }

    private void Mark(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries().Any(e =>
                e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && InputTypes.Contains(e.Metadata.ClrType)))
        {
            _saving.AddOrUpdate(context, context);
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !_saving.TryGetValue(context, out _))
        {
            return;
        }
        _saving.Remove(context);
        if (context.Database.CurrentTransaction is null)
        {
            live.InputsChanged();
        }
        else
        {
            _pending.AddOrUpdate(context, context);
        }
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out _))
        {
            _pending.Remove(context);
            live.InputsChanged();
        }
    }

    private static void Forget(DbContext? context, ConditionalWeakTable<DbContext, object> table)
    {
        if (context is not null)
        {
            table.Remove(context);
        }
    }
}
