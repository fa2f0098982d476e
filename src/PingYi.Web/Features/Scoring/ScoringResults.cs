using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Evaluation.Appeals;

namespace PingYi.Web.Features.Scoring;

/// <summary>A round's results: the approved snapshot when there is one, otherwise computed now.</summary>
/// <param name="PreviousYear">The round the two-year rule looked back to (an approved round or imported ranks), if any.</param>
public sealed record RoundResults(
    int Year, bool Approved, bool Published, DateTime? SnapshotAtUtc, DateTime CutoffUtc, int? PreviousYear,
    IReadOnlyList<CategoryResult> Categories)
{
    public IEnumerable<UnitResult> Units => Categories.SelectMany(c => c.Units);

    public UnitResult? Find(string unitCode) => Units.FirstOrDefault(u => u.UnitCode == unitCode);

    /// <summary>Fed back to the units (scope <c>units</c>, or public): a unit's handlers see their rank and category.</summary>
    public bool SharedWithUnits { get; init; }

    /// <summary>The approved result's fingerprint (docs/evaluation.md, "Fingerprint"); null before approval or for a round approved without one.</summary>
    public string? Fingerprint { get; init; }
}

/// <summary>A round computed now, with the inputs of every active unit it was computed from.</summary>
public sealed record ComputedRound(RoundResults Results, IReadOnlyList<UnitInputs> Inputs);

/// <summary>How a unit's live result differs from the approved snapshot.</summary>
public sealed record ResultDifference(string UnitCode, string Name, int SnapshotRank, double SnapshotScore, int LiveRank, double LiveScore);

/// <summary>Everything the composite read for one unit, loaded set-based for the whole round.</summary>
public sealed record UnitInputs(
    int UnitId, string UnitCode, string Name, UnitCategory Category, bool ServiceHall,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Ratings,
    IReadOnlyList<InspectionInput> Inspections,
    IReadOnlyList<DeductionInput> Deductions,
    ChannelUnitScore? Channel,
    IReadOnlyDictionary<string, int>? UncodedHall = null);

/// <summary>
/// Reads a round's inputs from the typed tables (ratings, public responses, inspections, deductions), the channel
/// score from <see cref="IChannelScores"/>, last round's bottom two (an approved snapshot, else imported ranks) and
/// the accountability flags, and runs <see cref="RankingCalculator"/>. An approved round reads its snapshot.
/// </summary>
public sealed class ScoringResults(PingYiDbContext db, IChannelScores channel, TimeProvider time, LiveResults live)
{
    /// <summary>The sources entered as questionnaires, scored from their overall ratings.</summary>
    public static readonly IReadOnlyList<string> RatedSources = UnitScoring.RatedSources;

    /// <summary>
    /// The moment the channel counts up to: the end of the round's year (24:00 China time on 31 December), or now if
    /// earlier. The channel runs all year and every handling round counts in the round of its year (countIn), so the
    /// count runs to the year's end rather than to the end of the activity period.
    /// </summary>
    public DateTime CutoffFor(EvaluationRoundDefinition definition)
    {
        var end = ChannelScoresFromRecord.Year(definition).To;
        var now = time.GetUtcNow().UtcDateTime;
        return now < end ? now : end;
    }

    public async Task<RoundResults> ReadAsync(RoundContext round, CancellationToken ct) =>
        await ApprovedAsync(round.Round.Year, round.Definition, ct) ?? (await LiveAsync(round, ct)).Results;

    /// <summary>
    /// What the pages read: <see cref="ComputeWithInputsAsync"/>, kept by <see cref="LiveResults"/> while nothing it
    /// was computed from has changed. Approval computes afresh.
    /// </summary>
    public Task<ComputedRound> LiveAsync(RoundContext round, CancellationToken ct) => live.GetAsync(round, c => ComputeWithInputsAsync(round, c), ct);

    /// <summary>The approved snapshot of a round, or null when it has none (nothing is computed).</summary>
    public async Task<RoundResults?> ApprovedAsync(int year, EvaluationRoundDefinition definition, CancellationToken ct)
    {
        var snapshot = await db.ResultSnapshots.AsNoTracking().Include(s => s.Lines).SingleOrDefaultAsync(s => s.Year == year, ct);
        if (snapshot is null)
        {
            return null;
        }
        // 问责 is a decision taken by hand, not a computed figure: the current flag is shown even on a frozen result.
        var flagged = await FlaggedCodesAsync(year, ct);
        var categories = UnitCategories.Codes.All.Select(c => new CategoryResult(c.Value,
            snapshot.Lines.Where(l => l.Category == c.Value).OrderBy(l => l.Rank).ThenBy(l => l.UnitCode, StringComparer.Ordinal)
                .Select(l => l.ToResult() with { Accountability = flagged.Contains(l.UnitCode) }).ToList())).ToList();
        return new RoundResults(year, true, snapshot.Published, snapshot.TakenAtUtc, CutoffFor(definition),
            await PreviousYearAsync(year, ct), categories) { SharedWithUnits = snapshot.SharedWithUnits, Fingerprint = snapshot.Fingerprint };
    }

    /// <summary>Computes the results from the inputs as they are now, whatever the round's state.</summary>
    public async Task<RoundResults> ComputeAsync(RoundContext round, CancellationToken ct) => (await ComputeWithInputsAsync(round, ct)).Results;

    /// <summary>
    /// <see cref="ComputeAsync"/> with the inputs it read, so that a caller that also shows inputs (the breakdown)
    /// does not read the round a second time.
    /// </summary>
    public async Task<ComputedRound> ComputeWithInputsAsync(RoundContext round, CancellationToken ct)
    {
        var inputs = await InputsAsync(round, ct);
        var flagged = await FlaggedCodesAsync(round.Round.Year, ct);
        var previousYear = await PreviousYearAsync(round.Round.Year, ct);
        var previousBottom = previousYear is { } y ? await BottomTwoOfAsync(y, ct) : new HashSet<string>();
        var categories = RankingCalculator.Compute(round.Definition, inputs.Select(u => ToScoreInput(round.Definition, u, flagged.Contains(u.UnitCode))), previousBottom);
        return new ComputedRound(
            new RoundResults(round.Round.Year, round.Round.Status == RoundStatus.Approved, false, null, CutoffFor(round.Definition), previousYear, categories),
            inputs);
    }

    /// <summary>The snapshot's rows against a fresh computation: only the units whose rank or score moved.</summary>
    public async Task<IReadOnlyList<ResultDifference>> DifferencesAsync(RoundContext round, RoundResults snapshot, CancellationToken ct)
    {
        var now = (await LiveAsync(round, ct)).Results.Units.ToDictionary(u => u.UnitCode);
        return snapshot.Units
            .Select(s => (s, l: now.GetValueOrDefault(s.UnitCode)))
            .Where(p => p.l is null || p.l.Rank != p.s.Rank || Math.Abs(p.l.Score - p.s.Score) > 0.001)
            .Select(p => new ResultDifference(p.s.UnitCode, p.s.Name, p.s.Rank, p.s.Score, p.l?.Rank ?? 0, p.l?.Score ?? 0))
            .ToList();
    }

    /// <summary>Builds the snapshot approval writes (added to the context; the approval's SaveChanges stores both).</summary>
    public async Task<ResultSnapshot> SnapshotAsync(RoundContext round, CancellationToken ct)
    {
        var computed = await ComputeWithInputsAsync(round, ct);
        var snapshot = new ResultSnapshot(round.Round.Year, time.GetUtcNow().UtcDateTime, computed.Results.Units.Select(u => new ResultSnapshotLine(u)));
        // The fingerprint over the scheme and every input that entered the result, with each unit's part (docs/evaluation.md).
        ResultFingerprints.Seal(snapshot, round, computed);
        db.ResultSnapshots.Add(snapshot);
        return snapshot;
    }

    /// <summary>The composite's input of one unit: <see cref="UnitScoring.ToScoreInput"/>, the rule a unit's verification file recomputes with.</summary>
    public static UnitScoreInput ToScoreInput(EvaluationRoundDefinition definition, UnitInputs u, bool accountability) =>
        UnitScoring.ToScoreInput(definition, u.UnitCode, u.Name, u.Category, u.ServiceHall, u.Ratings, u.UncodedHall, u.Inspections, u.Deductions,
            u.Channel?.Result, u.Channel?.Facts.WorkingDaysOverdue ?? 0, accountability);

    /// <summary>The inputs of every active unit, a handful of grouped queries for the whole round.</summary>
    public async Task<IReadOnlyList<UnitInputs>> InputsAsync(RoundContext round, CancellationToken ct)
    {
        var roundId = round.Round.Id;
        var year = round.Round.Year;
        // Inputs an upheld appeal (申诉) took out of a unit's score are left out here.
        var units = await db.Units.AsNoTracking().Where(u => u.Active)
            .Select(u => new { u.Id, u.Code, u.Name, u.Category, u.ServiceHall }).ToListAsync(ct);
        var rated = RatedSources.ToList();
        var ratings = await db.EvaluationResponses.AsNoTracking()
            .Where(r => r.RoundId == roundId && rated.Contains(r.Source) && !r.AwaitingConfirmation)
            .NotTakenOut(db, year)
            .GroupBy(r => new { r.UnitId, r.Source, r.Rating })
            .Select(g => new { g.Key.UnitId, g.Key.Source, g.Key.Rating, Count = g.Count() })
            .ToListAsync(ct);
        // Of those, the service hall's public answers without a one-time code: weighed apart.
        var uncodedHall = (await db.EvaluationResponses.AsNoTracking()
            .Where(r => r.RoundId == roundId && r.Source == EvaluationCodes.ServiceHall && r.Channel == ResponseChannel.Public && !r.Coded && !r.AwaitingConfirmation)
            .NotTakenOut(db, year)
            .GroupBy(r => new { r.UnitId, r.Rating })
            .Select(g => new { g.Key.UnitId, g.Key.Rating, Count = g.Count() })
            .ToListAsync(ct)).ToLookup(r => r.UnitId);
        var inspections = await db.Inspections.AsNoTracking()
            .Where(i => i.RoundId == roundId).NotTakenOut(db, year)
            .Select(i => new { i.Id, i.UnitId, i.Rating, Severities = i.Findings.Select(f => f.Severity).ToList() })
            .ToListAsync(ct);
        // The inspection a deduction's finding comes from: the one it cites, or the one the ledger item it cites was made from.
        var deductions = await db.Deductions.AsNoTracking()
            .Where(d => d.RoundId == roundId).NotTakenOut(db, year)
            .Select(d => new
            {
                d.Id, d.UnitId, d.Rule, d.Points,
                Inspection = d.CitedInspectionId ?? db.RectificationItems.Where(i => i.Id == d.CitedLedgerItemId).Select(i => i.InspectionId).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var channelScores = await channel.ForRoundAsync(round.Definition, CutoffFor(round.Definition), ct);

        var ratingsByUnit = ratings.ToLookup(r => r.UnitId);
        var inspectionsByUnit = inspections.ToLookup(i => i.UnitId);
        var deductionsByUnit = deductions.ToLookup(d => d.UnitId);
        return units.Select(u =>
            {
                // One finding, one punishment: the round file says whether the inspection or the deduction stands.
                var (unitInspections, unitDeductions) = FindingPunishmentRule.Apply(round.Definition,
                    inspectionsByUnit[u.Id].Select(i => new InspectionInput(i.Rating, i.Severities, i.Id)).ToList(),
                    deductionsByUnit[u.Id].Select(d => new DeductionInput(d.Rule, d.Points, d.Id, d.Inspection)).ToList());
                return new UnitInputs(u.Id, u.Code, u.Name, u.Category, u.ServiceHall,
                    ratingsByUnit[u.Id].GroupBy(r => r.Source).ToDictionary(g => g.Key,
                        g => (IReadOnlyDictionary<string, int>)g.ToDictionary(r => r.Rating, r => r.Count), StringComparer.Ordinal),
                    unitInspections, unitDeductions,
                    channelScores.GetValueOrDefault(u.Code),
                    uncodedHall[u.Id].ToDictionary(r => r.Rating, r => r.Count, StringComparer.Ordinal));
            })
            .ToList();
    }

    /// <summary>
    /// The "previous round" of the two-year rule: exactly the year before, when it has an approved snapshot or imported
    /// ranks, else none. An older round is not "the previous year": a gap in the record never makes two years running.
    /// </summary>
    public async Task<int?> PreviousYearAsync(int year, CancellationToken ct)
    {
        var previous = year - 1;
        return await db.ResultSnapshots.AsNoTracking().AnyAsync(s => s.Year == previous, ct)
               || await db.PriorRanks.AsNoTracking().AnyAsync(p => p.Year == previous, ct)
            ? previous
            : null;
    }

    /// <summary>A round's bottom two: its approved snapshot if the system has one, else the imported tracking-list flags.</summary>
    public async Task<IReadOnlySet<string>> BottomTwoOfAsync(int year, CancellationToken ct)
    {
        if (await db.ResultSnapshots.AsNoTracking().AnyAsync(s => s.Year == year, ct))
        {
            return (await db.ResultSnapshots.AsNoTracking().Where(s => s.Year == year).SelectMany(s => s.Lines)
                .Where(l => l.BottomTwo).Select(l => l.UnitCode).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        }
        return (await db.PriorRanks.AsNoTracking().Where(p => p.Year == year && p.TrackingList).Select(p => p.UnitCode).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
    }

    private async Task<HashSet<string>> FlaggedCodesAsync(int year, CancellationToken ct) =>
        (await db.AccountabilityFlags.AsNoTracking().Where(f => f.Year == year && f.Flagged)
            .Join(db.Units, f => f.UnitId, u => u.Id, (f, u) => u.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
}
