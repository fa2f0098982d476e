using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;

namespace PingYi.Domain.Scoring;

/// <summary>
/// What one unit's handling record says over an evaluation round, up to its cut-off: the counts the channel
/// score is computed from. Gathered by one query over the handling record (see docs/evaluation.md). Every count
/// is over the handling rounds the round's <c>countIn</c> rule gives it, so each counts in exactly one round.
/// </summary>
/// <param name="HandlingRounds">Cases: handling rounds the unit was given (assign, transfer, reopen).</param>
/// <param name="Deadlines">Deadlines decided by the cut-off: attempts whose clock stopped, or ran past the deadline, by then.</param>
/// <param name="Responses">办理情况报告 given by the cut-off.</param>
/// <param name="OnTime">Responses given before their deadline (approved extensions included).</param>
/// <param name="Overdue">Deadlines missed: late responses, transfers or returns after the deadline, and attempts still open past it at the cut-off.</param>
/// <param name="WorkingDaysOverdue">Working days past the deadline, summed over <paramref name="Overdue"/> (open ones up to the cut-off).</param>
/// <param name="CappedWorkingDaysOverdue">The same sum with each case's days capped at the round's <c>overdueCapWorkingDays</c>.</param>
/// <param name="SendBacks">退回重办 by the cut-off.</param>
/// <param name="Reopened">Rounds reopened (重新交办) by the cut-off.</param>
/// <param name="RejectedReturns">申请退回 a supervisor rejected (shown; not scored: a rate of them would punish asking).</param>
/// <param name="QualityRatings">Approved answers with a quality rating.</param>
/// <param name="QualitySum">The sum of those ratings (1–5 each).</param>
/// <param name="UnratedSatisfaction">Approved answers the complainant had not rated <c>unrated.afterDays</c> after approval.</param>
/// <param name="UnratedResolution">Approved answers without an answer to 问题是否解决 by then (rated before it was asked, or not rated).</param>
/// <param name="SignDeadlines">签收 deadlines decided by the cut-off: signed (or answered) by then, or past the deadline unsigned and still with the unit then.</param>
/// <param name="SignedOnTime">Of those, signed (or answered) before the signing deadline.</param>
/// <param name="RatedByCallback">Of the answers counted in <paramref name="Satisfied"/> … <paramref name="Dissatisfied"/>, those a 回访 call gave (the complainant had not rated).</param>
/// <param name="CallbackNotReached">Of <paramref name="UnratedSatisfaction"/>, those a 回访 call tried and did not reach (未能联系).</param>
public sealed record ChannelTally(
    int HandlingRounds,
    int Deadlines,
    int Responses,
    int OnTime,
    int Overdue,
    int WorkingDaysOverdue,
    int CappedWorkingDaysOverdue,
    int SendBacks,
    int Reopened,
    int RejectedReturns,
    int QualityRatings,
    int QualitySum,
    int Satisfied,
    int BasicallySatisfied,
    int Dissatisfied,
    int UnratedSatisfaction,
    int Resolved,
    int PartlyResolved,
    int Unresolved,
    int UnratedResolution,
    int SignDeadlines = 0,
    int SignedOnTime = 0,
    int RatedByCallback = 0,
    int CallbackNotReached = 0)
{
    public static ChannelTally Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public double? AverageQuality => QualityRatings == 0 ? null : (double)QualitySum / QualityRatings;

    public int Rated => Satisfied + BasicallySatisfied + Dissatisfied;

    /// <summary>Answers the complainants gave themselves (<see cref="Rated"/> less those a 回访 call gave).</summary>
    public int RatedByComplainant => Rated - RatedByCallback;

    public int ResolutionAnswers => Resolved + PartlyResolved + Unresolved;

    /// <summary>Every count times <paramref name="k"/>: the same unit's rates at k times the volume.</summary>
    public ChannelTally Scaled(int k) => new(
        HandlingRounds * k, Deadlines * k, Responses * k, OnTime * k, Overdue * k, WorkingDaysOverdue * k, CappedWorkingDaysOverdue * k,
        SendBacks * k, Reopened * k, RejectedReturns * k, QualityRatings * k, QualitySum * k, Satisfied * k, BasicallySatisfied * k,
        Dissatisfied * k, UnratedSatisfaction * k, Resolved * k, PartlyResolved * k, Unresolved * k, UnratedResolution * k,
        SignDeadlines * k, SignedOnTime * k, RatedByCallback * k, CallbackNotReached * k);
}

/// <summary>One unit of a round as the channel score reads it.</summary>
public sealed record ChannelUnit(string UnitCode, UnitCategory Category, ChannelTally Tally);

/// <summary>
/// One rate of the channel score: <see cref="Numerator"/> / <see cref="Denominator"/> = <see cref="Value"/> (null
/// when there is nothing to measure it by, and then left out and the others re-weighted); its nominal
/// <see cref="Weight"/> and the weight it has for this unit after re-weighting; and the <see cref="Points"/> it
/// contributes (full marks × effective weight × how good the value is), rounded so that the points add up to
/// <see cref="ChannelScoreResult.Raw"/>.
/// </summary>
public sealed record ChannelRate(string Code, double Numerator, double Denominator, double? Value, double Weight, double EffectiveWeight, double? Points)
{
    public string Label => ChannelRates.Labels[Code];
}

/// <summary>
/// One unit's channel score and how it was reached.
/// </summary>
/// <param name="Score">0..full marks, rounded; null when the channel is left out of the unit's composite (<paramref name="Excluded"/>).</param>
/// <param name="Raw">Σ points of the rates, before the credibility weighting (null: nothing measurable).</param>
/// <param name="ShrunkTowards">The category's mean the score was drawn toward (fewer cases than <c>minCases</c>), or null.</param>
/// <param name="Credibility">cases / minCases when drawn toward the mean, else 1.</param>
/// <param name="MeanWorkingDaysOverdue">The mean working days overdue per overdue case, each capped (null: none overdue).</param>
public sealed record ChannelScoreResult(
    double? Score,
    bool NoCases,
    bool Excluded,
    double? Raw,
    double? ShrunkTowards,
    double Credibility,
    double? MeanWorkingDaysOverdue,
    IReadOnlyList<ChannelRate> Rates)
{
    public ChannelRate? Rate(string code) => Rates.FirstOrDefault(r => r.Code == code);

    /// <summary>The category's means that entered this result (the others null): a unit's verification file carries them.</summary>
    public ChannelCategoryMeans Means { get; init; } = ChannelCategoryMeans.None;
}

/// <summary>
/// A category's means a unit's channel score can depend on: the mean raw score (drawn toward with fewer cases than
/// <c>minCases</c>, or given under <c>noCases: category-mean</c>) and the mean 满意率 and 解决率 (what unrated answers
/// count at under <c>unrated: category-mean</c>). Null: none, or not used.
/// </summary>
public sealed record ChannelCategoryMeans(double? Raw, double? Satisfied, double? Resolved)
{
    public static ChannelCategoryMeans None { get; } = new(null, null, null);
}

/// <summary>
/// The 直通车 channel score (docs/scoring.md, "Channel"): a pure function of the round file's <c>channel</c> block,
/// its satisfaction scale and every unit's <see cref="ChannelTally"/>. Built from rates, so that two units with
/// the same rates score the same whatever their volumes:
/// <list type="bullet">
/// <item>signedOnTime = signed before the signing deadline / signing deadlines decided; closedOnTime = on time / (on time + overdue); overdue = overdue / deadlines decided, its goodness
/// 1 − share × (1 + mean capped days) / (1 + cap); resolved = (已解决 + credit × 部分解决) / answers; satisfied =
/// Σ scale score / 100 / answers; quality = (mean rating − 1) / 4; rework = (sent back + reopened) / responses,
/// its goodness 1 − share. Unrated answers join the resolved and satisfied denominators at the round's rule.</item>
/// <item>raw = full marks × Σ effective weight × goodness over the rates the unit has.</item>
/// <item>fewer cases n than <c>minCases</c> m: score = n/m × raw + (1 − n/m) × the category's mean raw score.</item>
/// <item>no cases (or nothing measurable): the <c>noCases</c> rule — left out (the default), or the category's mean.</item>
/// </list>
/// </summary>
public static class ChannelScoreCalculator
{
    /// <summary>Every unit's result; the category means each unit may be drawn toward come from the same units.</summary>
    public static IReadOnlyDictionary<string, ChannelScoreResult> ScoreRound(EvaluationRoundDefinition round, IReadOnlyList<ChannelUnit> units)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(units);
        var p = round.Channel;
        var scale = SatisfactionScores(round);

        // The category's mean of each answered rate: one vote per unit, so that no unit's volume moves the mean.
        var satisfiedMean = CategoryMeans(units, t => t.Rated == 0 ? null : SatisfiedSum(t, scale) / t.Rated);
        var resolvedMean = CategoryMeans(units, t => t.ResolutionAnswers == 0 ? null : ResolvedSum(t, p) / t.ResolutionAnswers);

        var raw = units.ToDictionary(u => u.UnitCode, u => Rates(p, scale, u.Tally,
            satisfiedMean.GetValueOrDefault(u.Category), resolvedMean.GetValueOrDefault(u.Category)).Raw, StringComparer.Ordinal);
        var scoreMean = units.Where(u => u.Tally.HandlingRounds > 0 && raw[u.UnitCode] is not null)
            .GroupBy(u => u.Category)
            .ToDictionary(g => g.Key, g => g.Average(u => raw[u.UnitCode]!.Value));

        return units.ToDictionary(u => u.UnitCode, u => ScoreUnit(round, u.Tally, new ChannelCategoryMeans(
                scoreMean.TryGetValue(u.Category, out var m) ? m : null,
                satisfiedMean.TryGetValue(u.Category, out var s) ? s : null,
                resolvedMean.TryGetValue(u.Category, out var r) ? r : null)),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// One unit's result from its own tally and its category's means: what <see cref="ScoreRound"/> computes for each
    /// unit, and what a unit's verification file (docs/evaluation.md, "Fingerprint") recomputes from the means it
    /// carries. The result's <see cref="ChannelScoreResult.Means"/> keeps only the means that entered it.
    /// </summary>
    public static ChannelScoreResult ScoreUnit(EvaluationRoundDefinition round, ChannelTally tally, ChannelCategoryMeans means)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(tally);
        ArgumentNullException.ThrowIfNull(means);
        var p = round.Channel;
        var (rates, exact, mean) = Rates(p, SatisfactionScores(round), tally, means.Satisfied, means.Resolved);
        var categoryMean = means.Raw;
        // The unrated answers are counted at the category's mean rate only under that rule, and only if there are any.
        var unratedByMean = p.UnratedPolicy != ChannelRates.Lowest;
        var used = new ChannelCategoryMeans(null,
            unratedByMean && tally.UnratedSatisfaction > 0 ? means.Satisfied : null,
            unratedByMean && tally.UnratedResolution > 0 ? means.Resolved : null);
        if (tally.HandlingRounds == 0 || exact is null)
        {
            // Nothing to score the unit on: never full marks. The category's mean if the round says so and there is one.
            var byMean = p.NoCasesPolicy == ChannelRates.CategoryMean && categoryMean is not null;
            return new ChannelScoreResult(byMean ? ScoreRounding.Round(categoryMean!.Value) : null, NoCases: true,
                Excluded: !byMean, null, byMean ? ScoreRounding.Round(categoryMean) : null, 0, mean, rates)
            { Means = used with { Raw = byMean ? categoryMean : null } };
        }
        var n = tally.HandlingRounds;
        if (n < p.MinCases && categoryMean is { } towards)
        {
            var z = (double)n / p.MinCases;
            return new ChannelScoreResult(ScoreRounding.Round(z * exact.Value + (1 - z) * towards), NoCases: false, Excluded: false,
                ScoreRounding.Round(exact), ScoreRounding.Round(towards), z, mean, rates)
            { Means = used with { Raw = towards } };
        }
        return new ChannelScoreResult(ScoreRounding.Round(exact.Value), NoCases: false, Excluded: false,
            ScoreRounding.Round(exact), null, 1, mean, rates)
        { Means = used };
    }

    /// <summary>One unit scored on its own (its category's means are its own): the golden and property tests' entry.</summary>
    public static ChannelScoreResult Score(EvaluationRoundDefinition round, ChannelTally tally) =>
        ScoreRound(round, [new ChannelUnit("unit", UnitCategory.Government, tally)])["unit"];

    /// <summary>Each satisfaction code's share of full marks on the round's satisfaction scale (满意 1, 基本满意 0.8, 不满意 0 in 2026).</summary>
    private static (double Satisfied, double Basically, double Dissatisfied) SatisfactionScores(EvaluationRoundDefinition round) => (
        (round.Overall.Find("satisfied")?.Score ?? 0) / SourceScores.Max,
        (round.Overall.Find("basically-satisfied")?.Score ?? 0) / SourceScores.Max,
        (round.Overall.Find("dissatisfied")?.Score ?? 0) / SourceScores.Max);

    private static double SatisfiedSum(ChannelTally t, (double S, double B, double D) scale) =>
        t.Satisfied * scale.S + t.BasicallySatisfied * scale.B + t.Dissatisfied * scale.D;

    private static double ResolvedSum(ChannelTally t, ChannelScoreParameters p) => t.Resolved + p.PartlyResolvedCredit * t.PartlyResolved;

    private static Dictionary<UnitCategory, double> CategoryMeans(IReadOnlyList<ChannelUnit> units, Func<ChannelTally, double?> rate) =>
        units.Select(u => (u.Category, Rate: rate(u.Tally)))
            .Where(x => x.Rate is not null)
            .GroupBy(x => x.Category)
            .ToDictionary(g => g.Key, g => g.Average(x => x.Rate!.Value));

    /// <summary>
    /// What an unrated answer counts for: the category's mean, but never more than the unit's own answers give it
    /// (silence must not pay), or the lowest answer. Null: nothing to go by, the unrated are not counted.
    /// </summary>
    private static double? UnratedValue(ChannelScoreParameters p, double? own, double? categoryMean, double lowest) =>
        p.UnratedPolicy == ChannelRates.Lowest ? lowest
        : categoryMean is { } m ? own is { } o ? Math.Min(m, o) : m
        : own;

    private static (IReadOnlyList<ChannelRate> Rates, double? Raw, double? MeanDaysOverdue) Rates(
        ChannelScoreParameters p, (double S, double B, double D) scale, ChannelTally t, double? satisfiedMean, double? resolvedMean)
    {
        var cap = p.OverdueCapWorkingDays;
        double? meanDays = t.Overdue == 0 ? null : (double)t.CappedWorkingDaysOverdue / t.Overdue;

        var satisfiedOwn = t.Rated == 0 ? (double?)null : SatisfiedSum(t, scale) / t.Rated;
        var unratedSatisfied = UnratedValue(p, satisfiedOwn, satisfiedMean, Math.Min(scale.D, Math.Min(scale.B, scale.S)));
        var satisfied = Share(SatisfiedSum(t, scale) + (unratedSatisfied ?? 0) * t.UnratedSatisfaction,
            t.Rated + (unratedSatisfied is null ? 0 : t.UnratedSatisfaction));

        var resolvedOwn = t.ResolutionAnswers == 0 ? (double?)null : ResolvedSum(t, p) / t.ResolutionAnswers;
        var unratedResolved = UnratedValue(p, resolvedOwn, resolvedMean, 0);
        var resolved = Share(ResolvedSum(t, p) + (unratedResolved ?? 0) * t.UnratedResolution,
            t.ResolutionAnswers + (unratedResolved is null ? 0 : t.UnratedResolution));

        // (code, numerator, denominator, goodness of the value: what share of the rate's points the unit earns)
        var parts = new List<(string Code, double N, double D, Func<double, double> Good)>
        {
            (ChannelRates.SignedOnTime, t.SignedOnTime, t.SignDeadlines, v => v),
            (ChannelRates.ClosedOnTime, t.OnTime, t.OnTime + t.Overdue, v => v),
            (ChannelRates.Overdue, t.Overdue, t.Deadlines, v => 1 - Math.Min(1, v) * (1 + (meanDays ?? 0)) / (1 + cap)),
            (ChannelRates.Resolved, resolved.N, resolved.D, v => v),
            (ChannelRates.Satisfied, satisfied.N, satisfied.D, v => v),
            (ChannelRates.Quality, (t.QualitySum - t.QualityRatings) / 4.0, t.QualityRatings, v => v),
            (ChannelRates.Rework, t.SendBacks + t.Reopened, t.Responses, v => 1 - Math.Min(1, v)),
        };
        var present = parts.Where(x => x.D > 0 && p.Weights.GetValueOrDefault(x.Code) > 0).ToList();
        var weights = present.Sum(x => p.Weights[x.Code]);
        var exact = present.Select(x => weights == 0 ? 0 : p.FullMarks * p.Weights[x.Code] / weights * Math.Clamp(x.Good(x.N / x.D), 0, 1)).ToList();
        var rounded = ScoreRounding.Apportion(exact);
        var rates = parts.Select(x =>
        {
            var i = present.FindIndex(y => y.Code == x.Code);
            var weight = p.Weights.GetValueOrDefault(x.Code);
            return new ChannelRate(x.Code, x.N, x.D, x.D > 0 ? x.N / x.D : null, weight,
                i >= 0 ? weight / weights : 0, i >= 0 ? rounded[i] : null);
        }).ToList();
        return (rates, present.Count == 0 ? null : exact.Sum(), meanDays);
    }

    private static (double N, double D) Share(double numerator, double denominator) => (numerator, denominator);
}
