using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;

namespace PingYi.Domain.Scoring;

/// <summary>A deduction as the composite counts it: its points under its rule (null: no rule named).</summary>
/// <param name="Id">The deduction's record number (0 when not from the database).</param>
/// <param name="Inspection">
/// The inspection whose finding it punishes: the one it cites, or the one the ledger item it cites was made from.
/// Null when it punishes something else (a complaint, another ledger item).
/// </param>
/// <param name="Counted">
/// False when the inspection's severity points already punish that finding (<c>findingPunishedBy: inspection</c>):
/// the deduction stays on the record and off the score.
/// </param>
public sealed record DeductionInput(string? Rule, double Points, long Id = 0, long? Inspection = null, bool Counted = true);

/// <summary>What the composite needs of one unit: its source scores (0–100, null when it has none), overdue days and deductions.</summary>
public sealed record UnitScoreInput(
    string UnitCode,
    string Name,
    UnitCategory Category,
    IReadOnlyDictionary<string, double?> Sources,
    int OverdueWorkingDays,
    IReadOnlyList<DeductionInput> Deductions,
    bool Accountability = false);

/// <summary>One unit's result in a round.</summary>
/// <param name="Weighted">The weighted mean of the sources the unit has, before deductions.</param>
/// <param name="RecordedDeductions">The deductions' points as recorded.</param>
/// <param name="Deductions">The points taken off: each rule's points capped by the rule, the total by <c>deductions.maxTotalPoints</c>.</param>
/// <param name="BottomTwo">Fewer than two units of the category rank below it, and at least one above it.</param>
/// <param name="PreviousBottomTwo">In the bottom two of the previous round (its tracking list).</param>
public sealed record UnitResult(
    string UnitCode,
    string Name,
    UnitCategory Category,
    int Rank,
    double Score,
    double Weighted,
    IReadOnlyDictionary<string, double?> Sources,
    double RecordedDeductions,
    double Deductions,
    int OverdueWorkingDays,
    bool BottomTwo,
    bool PreviousBottomTwo,
    bool Accountability)
{
    /// <summary>重点跟踪对象 next year: the bottom two of the category.</summary>
    public bool TrackingList => BottomTwo;

    /// <summary>通报: the bottom two this round and the previous one.</summary>
    public bool PublicNotice => BottomTwo && PreviousBottomTwo;

    public double? Channel => Sources.GetValueOrDefault(EvaluationCodes.Channel);

    /// <summary>
    /// The unit has a score from at least one source. One with none has no composite to compare: it ranks after every
    /// scored unit and is never in the bottom two (no data is not a poor result).
    /// </summary>
    public bool Scored => Sources.Values.Any(v => v is not null);
}

/// <summary>One source's part of a unit's weighted score: nominal and effective weight, and its points (null: the unit has no score from it).</summary>
public sealed record SourceContribution(string Source, double Weight, double EffectiveWeight, double? Points);

public sealed record CategoryResult(UnitCategory Category, IReadOnlyList<UnitResult> Units)
{
    /// <summary>
    /// How many units the category ranks: the scored ones. A unit without data is listed after them but not ranked
    /// (the 通报 says 不参与排名), so "第 n 名（共 N 个单位）" counts only these.
    /// </summary>
    public int RankedCount() => Units.Count(u => u.Scored);
}

/// <summary>
/// The composite and the ranking (docs/scoring.md): pure, so that the golden tests check the formula by hand.
/// Composite = Σ wᵢ·sᵢ / Σ wᵢ over the sources the unit has, minus deductions; ranked within each category, ties
/// broken by the channel score, then by fewer working days overdue; still tied → the same rank.
/// </summary>
public static class RankingCalculator
{
    public const int Decimals = ScoreRounding.Decimals;

    public static IReadOnlyList<CategoryResult> Compute(
        EvaluationRoundDefinition round, IEnumerable<UnitScoreInput> units, IReadOnlySet<string> previousBottomTwo)
    {
        var scored = units.Select(u => Score(round, u, previousBottomTwo.Contains(u.UnitCode))).ToList();
        return UnitCategories.Codes.All.Select(c => c.Value)
            .Select(category => new CategoryResult(category, Rank(scored.Where(u => u.Category == category).ToList())))
            .ToList();
    }

    /// <summary>Σ wᵢ·sᵢ / Σ wᵢ over the sources present; 0 when the unit has no source at all.</summary>
    public static double Weighted(EvaluationRoundDefinition round, IReadOnlyDictionary<string, double?> sources)
    {
        double weights = 0, total = 0;
        foreach (var source in round.Sources)
        {
            if (sources.GetValueOrDefault(source.Code) is { } score && source.Weight > 0)
            {
                weights += source.Weight;
                total += source.Weight * score;
            }
        }
        return weights == 0 ? 0 : total / weights;
    }

    /// <summary>
    /// How each source adds up to <see cref="UnitResult.Weighted"/>: its weight after re-weighting over the sources
    /// the unit has (0 for one it lacks) and its points = effective weight × score, rounded so that the points add up
    /// to the weighted score shown (each within 0.01 of its exact value). The explanation shows these; nothing else
    /// re-derives them.
    /// </summary>
    public static IReadOnlyList<SourceContribution> Contributions(EvaluationRoundDefinition round, IReadOnlyDictionary<string, double?> sources)
    {
        var present = round.Sources.Where(s => s.Weight > 0 && sources.GetValueOrDefault(s.Code) is not null).ToList();
        var weights = present.Sum(s => s.Weight);
        var exact = present.Select(s => s.Weight / weights * sources[s.Code]!.Value).ToList();
        var points = ScoreRounding.Apportion(exact);
        return round.Sources.Select(s =>
        {
            var i = present.IndexOf(s);
            return new SourceContribution(s.Code, s.Weight, i >= 0 ? s.Weight / weights : 0, i >= 0 ? points[i] : null);
        }).ToList();
    }

    /// <summary>
    /// Each rule's points capped by its <c>maxPoints</c>, then the total capped by <c>maxTotalPoints</c>; a deduction
    /// that is not <see cref="DeductionInput.Counted"/> (its finding punished by the inspection) adds nothing.
    /// </summary>
    public static double Deductions(EvaluationRoundDefinition round, IReadOnlyList<DeductionInput> deductions)
    {
        var total = deductions.Where(d => d.Counted).GroupBy(d => d.Rule ?? string.Empty)
            .Sum(g => round.Deductions.Find(g.Key) is { } rule ? Math.Min(g.Sum(d => d.Points), rule.MaxPoints) : g.Sum(d => d.Points));
        return Math.Min(Math.Max(0, total), round.Deductions.MaxTotalPoints);
    }

    /// <summary>
    /// One unit's composite, unranked (rank 0, no list flags): what <see cref="Compute"/> gives each unit before ranking,
    /// and what a unit's verification file recomputes.
    /// </summary>
    public static UnitResult Composite(EvaluationRoundDefinition round, UnitScoreInput unit) => Score(round, unit, false);

    private static UnitResult Score(EvaluationRoundDefinition round, UnitScoreInput unit, bool previousBottomTwo)
    {
        // The source scores are weighed as shown (rounded), so that the explanation's points add up to the figure.
        var sources = round.Sources.ToDictionary(s => s.Code, s => unit.Sources.GetValueOrDefault(s.Code) is { } v ? (double?)R(v) : null);
        var weighted = Weighted(round, sources);
        var deductions = Deductions(round, unit.Deductions);
        // The composite is the weighted score as shown less the deductions (recorded to 0.01), so that the explanation's
        // points minus its deductions give the composite to the last digit.
        return new UnitResult(unit.UnitCode, unit.Name, unit.Category, 0, R(Math.Max(0, R(weighted) - deductions)), R(weighted), sources,
            R(unit.Deductions.Sum(d => d.Points)), R(deductions), unit.OverdueWorkingDays, false, previousBottomTwo, unit.Accountability);
    }

    private static List<UnitResult> Rank(List<UnitResult> units)
    {
        var ordered = units.OrderBy(u => u, Order).ThenBy(u => u.UnitCode, StringComparer.Ordinal).ToList();
        return ordered.Select(u =>
        {
            var better = ordered.Count(o => Order.Compare(o, u) < 0);
            var worse = ordered.Count(o => o.Scored && Order.Compare(o, u) > 0);
            // Someone must rank above: a category where every unit ties has no bottom to put on a list.
            return u with { Rank = better + 1, BottomTwo = u.Scored && worse < 2 && better > 0 };
        }).ToList();
    }

    /// <summary>Best first: scored before unscored, higher score, then higher channel score (none counts below any), then fewer working days overdue.</summary>
    private static readonly Comparer<UnitResult> Order = Comparer<UnitResult>.Create((a, b) =>
    {
        var c = b.Scored.CompareTo(a.Scored);
        if (c != 0)
        {
            return c;
        }
        c = b.Score.CompareTo(a.Score);
        if (c != 0)
        {
            return c;
        }
        c = (b.Channel ?? -1).CompareTo(a.Channel ?? -1);
        return c != 0 ? c : a.OverdueWorkingDays.CompareTo(b.OverdueWorkingDays);
    });

    private static double R(double value) => ScoreRounding.Round(value);
}
