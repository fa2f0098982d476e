using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;

namespace PingYi.Domain.Tests.Scoring;

/// <summary>
/// The channel score on the 2026 round file's <c>channel</c> block: weights signedOnTime 0.1, closedOnTime 0.225,
/// overdue 0.09, resolved 0.18, satisfied 0.225, quality 0.09, rework 0.09 (without signing data the six re-weight
/// to 0.25, 0.1, 0.2, 0.25, 0.1, 0.1); overdue capped at 10 working days per case; 部分解决 0.5;
/// minCases 10; no cases excluded; unrated at the category's mean (never above the unit's own). The worked example
/// is the one docs/scoring.md gives; the properties run over generated tallies.
/// </summary>
public sealed class ChannelScoreCalculatorTests
{
    private static readonly EvaluationRoundDefinition Round =
        EvaluationRoundLoader.LoadFile(RepoPaths.Combine("workflows", "evaluation", "2026.json"));

    private static ChannelTally T(int cases = 0, int deadlines = 0, int responses = 0, int onTime = 0, int overdue = 0, int days = 0, int capped = 0,
        int sendBacks = 0, int reopened = 0, int ratings = 0, int ratingSum = 0, int satisfied = 0, int basically = 0, int dissatisfied = 0,
        int unrated = 0, int resolved = 0, int partly = 0, int unresolved = 0, int unratedResolution = 0, int signDeadlines = 0, int signedOnTime = 0) =>
        new(cases, deadlines, responses, onTime, overdue, days, capped, sendBacks, reopened, 0, ratings, ratingSum, satisfied, basically,
            dissatisfied, unrated, resolved, partly, unresolved, unratedResolution, signDeadlines, signedOnTime);

    /// <summary>docs/scoring.md, "Worked example".</summary>
    private static readonly ChannelTally Example = T(cases: 20, deadlines: 20, responses: 19, onTime: 17, overdue: 3, days: 20, capped: 16,
        sendBacks: 1, reopened: 1, ratings: 16, ratingSum: 64, satisfied: 10, basically: 4, dissatisfied: 2, unrated: 2,
        resolved: 12, partly: 2, unresolved: 2, unratedResolution: 2);

    [Fact]
    public void The_round_file_holds_the_parameters_the_worked_example_uses()
    {
        var p = Round.Channel;
        Assert.Equal([0.1, 0.225, 0.09, 0.18, 0.225, 0.09, 0.09], ChannelRates.All.Select(k => p.Weights[k]));
        Assert.Equal((100.0, "deadline-year", 10, 0.5, 10, "exclude", "category-mean", 7),
            (p.FullMarks, p.CountIn, p.OverdueCapWorkingDays, p.PartlyResolvedCredit, p.MinCases, p.NoCasesPolicy, p.UnratedPolicy, p.UnratedAfterDays));
        Assert.Equal(80, Round.Overall.Find("basically-satisfied")!.Score);
    }

    [Fact]
    public void Worked_example_of_the_docs_with_signing()
    {
        // The example below, its 20 handling rounds under workflow v3: 18 signed for before the signing deadline, 2 after it.
        // signedOnTime 18 / 20 = 0.9 → 10 × 0.9 = 9; the six others at 0.9 × their weight without signing:
        // 0.9 × 83.708732 = 75.337859; raw = 84.337859 → 84.34.
        var r = ChannelScoreCalculator.Score(Round, Example with { SignDeadlines = 20, SignedOnTime = 18 });
        Assert.Equal(84.34, r.Score);
        var sign = r.Rate(ChannelRates.SignedOnTime)!;
        Assert.Equal((18.0, 20.0, 0.9, 0.1), (sign.Numerator, sign.Denominator, sign.Value!.Value, sign.Weight));
        Assert.Equal(0.1, sign.EffectiveWeight, 12);
        // 9 + 19.125 + 8.222727 + 14.625 + 18.5625 + 6.75 + 8.052632, apportioned to hundredths that add up to 84.34.
        Assert.Equal([9, 19.13, 8.22, 14.63, 18.56, 6.75, 8.05], r.Rates.Select(x => x.Points!.Value));
        Assert.Equal(r.Score!.Value, ScoreRounding.Round(r.Rates.Sum(x => x.Points!.Value)));
        // Signing late never pays: two more signed late, or two signed on time turned late, lower it.
        Assert.True(ChannelScoreCalculator.Score(Round, Example with { SignDeadlines = 20, SignedOnTime = 16 }).Score < r.Score);
        Assert.True(ChannelScoreCalculator.Score(Round, Example with { SignDeadlines = 22, SignedOnTime = 18 }).Score < r.Score);
    }

    [Fact]
    public void Worked_example_of_the_docs()
    {
        // No signing data (the cases ran under workflow v1/v2, which have no sign action): 及时签收率 is left out and the
        // other six re-weighted by 1 / 0.9 to 0.25, 0.1, 0.2, 0.25, 0.1, 0.1.
        // closedOnTime 17 / (17 + 3) = 0.85 → 25 × 0.85 = 21.25
        // overdue 3 / 20 = 0.15, mean capped days 16 / 3 (2, 4, 14 → 10): 1 − 0.15 × (1 + 16/3) / 11 = 0.913636… → 9.136364
        // resolved (12 + 0.5 × 2) / 16 = 0.8125; the 2 unrated at the category mean (the unit alone: its own) → 0.8125 → 16.25
        // satisfied (10 × 1 + 4 × 0.8 + 2 × 0) / 16 = 0.825, unrated likewise → 25 × 0.825 = 20.625
        // quality (64 − 16) / 4 / 16 = 0.75 → 7.5; rework (1 + 1) / 19 → 10 × (1 − 2/19) = 8.947368
        // raw = 83.708732 → 83.71; 20 cases ≥ minCases 10: no credibility weighting.
        var r = ChannelScoreCalculator.Score(Round, Example);
        Assert.Equal(83.71, r.Score);
        Assert.Equal(83.71, r.Raw);
        Assert.Null(r.ShrunkTowards);
        Assert.Equal(16.0 / 3, r.MeanWorkingDaysOverdue!.Value, 10);
        var values = r.Rates.ToDictionary(x => x.Code, x => x.Value);
        Assert.Equal(0.85, values[ChannelRates.ClosedOnTime]!.Value, 10);
        Assert.Equal(0.15, values[ChannelRates.Overdue]!.Value, 10);
        Assert.Equal(0.8125, values[ChannelRates.Resolved]!.Value, 10);
        Assert.Equal(0.825, values[ChannelRates.Satisfied]!.Value, 10);
        Assert.Equal(0.75, values[ChannelRates.Quality]!.Value, 10);
        Assert.Equal(2.0 / 19, values[ChannelRates.Rework]!.Value, 10);
        // Points, rounded so that they add up to the score: 21.25 + 9.14 + 16.25 + 20.62 + 7.5 + 8.95 = 83.71.
        Assert.Equal([21.25, 9.14, 16.25, 20.62, 7.5, 8.95], r.Rates.Where(x => x.Points is not null).Select(x => x.Points!.Value));
        Assert.Equal(r.Score!.Value, ScoreRounding.Round(r.Rates.Sum(x => x.Points ?? 0)));
        var sign = r.Rate(ChannelRates.SignedOnTime)!;
        Assert.Equal((0.0, (double?)null, (double?)null, 0.0), (sign.Denominator, sign.Value, sign.Points, sign.EffectiveWeight));
    }

    [Fact]
    public void Fewer_cases_than_min_cases_are_drawn_toward_the_category_mean_in_proportion()
    {
        // A: the example at a quarter of the volume (5 cases, raw 83.708732); B: 40 cases, all on time, all 满意, quality 5 → raw 100.
        // The category's mean of raw scores (91.854366); A's credibility 5/10: 0.5 × 83.708732 + 0.5 × 91.854366 = 87.781549 → 87.78.
        var a = new ChannelUnit("a", UnitCategory.Government, Example.Scaled(1) with { HandlingRounds = 5 });
        var b = new ChannelUnit("b", UnitCategory.Government, T(cases: 40, deadlines: 40, responses: 40, onTime: 40, ratings: 40, ratingSum: 200,
            satisfied: 40, resolved: 40));
        var r = ChannelScoreCalculator.ScoreRound(Round, [a, b]);
        Assert.Equal(100, r["b"].Score);
        Assert.Null(r["b"].ShrunkTowards);
        Assert.Equal(87.78, r["a"].Score);
        Assert.Equal(83.71, r["a"].Raw);
        Assert.Equal(91.85, r["a"].ShrunkTowards);
        Assert.Equal(0.5, r["a"].Credibility);
    }

    [Fact]
    public void A_unit_without_cases_is_left_out_never_given_full_marks()
    {
        var r = ChannelScoreCalculator.Score(Round, ChannelTally.Empty);
        Assert.Null(r.Score);
        Assert.True(r.Excluded);
        Assert.True(r.NoCases);
        Assert.Null(SourceScores.FromChannel(Round, r));

        var byMean = Round with { Channel = Round.Channel with { NoCasesPolicy = ChannelRates.CategoryMean } };
        var scored = ChannelScoreCalculator.ScoreRound(byMean,
            [new ChannelUnit("none", UnitCategory.Government, ChannelTally.Empty), new ChannelUnit("x", UnitCategory.Government, Example)]);
        Assert.Equal(83.71, scored["none"].Score);
        Assert.False(scored["none"].Excluded);
    }

    [Fact]
    public void Unrated_answers_count_at_the_category_mean_but_never_above_the_units_own()
    {
        // Category: "good" rated 10 满意 (own 1.0), "poor" 10 不满意 (own 0). Mean of the two: 0.5.
        // good's 10 unrated count at min(0.5, 1.0) = 0.5 → satisfied (10 + 5) / 20 = 0.75; poor's at min(0.5, 0) = 0 → 0.
        ChannelTally Rated(int satisfied, int dissatisfied) => T(cases: 20, deadlines: 20, responses: 20, onTime: 20,
            satisfied: satisfied, dissatisfied: dissatisfied, unrated: 10);
        var r = ChannelScoreCalculator.ScoreRound(Round,
            [new ChannelUnit("good", UnitCategory.Government, Rated(10, 0)), new ChannelUnit("poor", UnitCategory.Government, Rated(0, 10))]);
        Assert.Equal(0.75, r["good"].Rate(ChannelRates.Satisfied)!.Value!.Value, 10);
        Assert.Equal(20, r["good"].Rate(ChannelRates.Satisfied)!.Denominator);
        Assert.Equal(0, r["poor"].Rate(ChannelRates.Satisfied)!.Value!.Value, 10);

        // Silence never pays: the same unit with its unrated answers rated 满意 scores at least as much.
        var silent = ChannelScoreCalculator.Score(Round, Example);
        var answered = ChannelScoreCalculator.Score(Round, Example with { UnratedSatisfaction = 0, Satisfied = Example.Satisfied + 2, UnratedResolution = 0, Resolved = Example.Resolved + 2 });
        Assert.True(answered.Score >= silent.Score);

        var lowest = Round with { Channel = Round.Channel with { UnratedPolicy = ChannelRates.Lowest } };
        Assert.Equal(13.2 / 18, ChannelScoreCalculator.Score(lowest, Example).Rate(ChannelRates.Satisfied)!.Value!.Value, 10);
    }

    [Fact]
    public void Rates_without_a_denominator_are_left_out_and_the_others_re_weighted()
    {
        // Only deadlines: 4 answered on time, 1 overdue by 2 days. closedOnTime 0.8, overdue 1/5 → 1 − 0.2 × 3/11;
        // rework 0/5. Weights present 0.25 + 0.1 + 0.1 = 0.45.
        var r = ChannelScoreCalculator.Score(Round, T(cases: 5, deadlines: 5, responses: 5, onTime: 4, overdue: 1, days: 2, capped: 2));
        var expected = 100 * (0.25 * 0.8 + 0.1 * (1 - 0.2 * 3 / 11) + 0.1 * 1) / 0.45;
        Assert.Equal(ScoreRounding.Round(expected), r.Raw);
        Assert.Null(r.Rate(ChannelRates.Resolved)!.Points);
        Assert.Equal(0, r.Rate(ChannelRates.Resolved)!.EffectiveWeight);
        Assert.Equal(0.25 / 0.45, r.Rate(ChannelRates.ClosedOnTime)!.EffectiveWeight, 10);
    }

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8 };

    /// <summary>A tally whose counts are consistent with one another (at least minCases cases).</summary>
    private static ChannelTally Generate(Random random)
    {
        var cases = random.Next(10, 60);
        var responses = random.Next(1, cases + 1);
        var onTime = random.Next(0, responses + 1);
        var overdue = (responses - onTime) + random.Next(0, cases - responses + 1);
        var days = Enumerable.Range(0, overdue).Select(_ => random.Next(0, 25)).ToList();
        var ratings = random.Next(0, responses + 1);
        var s = random.Next(0, ratings + 1);
        var b = random.Next(0, ratings - s + 1);
        var resolved = random.Next(0, ratings + 1);
        var partly = random.Next(0, ratings - resolved + 1);
        var signDeadlines = random.Next(0, cases + 1);
        return T(cases: cases, deadlines: onTime + overdue + random.Next(0, 3), responses: responses, onTime: onTime, overdue: overdue,
            days: days.Sum(), capped: days.Sum(d => Math.Min(d, 10)), sendBacks: random.Next(0, responses / 3 + 1), reopened: random.Next(0, responses / 4 + 1),
            ratings: ratings, ratingSum: Enumerable.Range(0, ratings).Sum(_ => random.Next(1, 6)), satisfied: s, basically: b, dissatisfied: ratings - s - b,
            unrated: random.Next(0, 5), resolved: resolved, partly: partly, unresolved: ratings - resolved - partly, unratedResolution: random.Next(0, 5),
            signDeadlines: signDeadlines, signedOnTime: random.Next(0, signDeadlines + 1));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Volume_invariance_every_count_times_k_scores_the_same(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 50; i++)
        {
            var t = Generate(random);
            var k = random.Next(2, 20);
            Assert.Equal(ChannelScoreCalculator.Score(Round, t).Score, ChannelScoreCalculator.Score(Round, t.Scaled(k)).Score);
            // Two units of one category, the same rates at different volumes: the same score side by side.
            var both = ChannelScoreCalculator.ScoreRound(Round,
                [new ChannelUnit("small", UnitCategory.Government, t), new ChannelUnit("large", UnitCategory.Government, t.Scaled(k))]);
            Assert.Equal(both["small"].Score, both["large"].Score);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Monotonicity_one_more_overdue_never_raises_one_more_satisfied_or_resolved_never_lowers(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 50; i++)
        {
            var t = Generate(random);
            var score = ChannelScoreCalculator.Score(Round, t).Score!.Value;
            var d = random.Next(0, 25);
            if (t.OnTime > 0)
            {
                // One answer given on time becomes late by d working days.
                var later = t with { OnTime = t.OnTime - 1, Overdue = t.Overdue + 1, WorkingDaysOverdue = t.WorkingDaysOverdue + d, CappedWorkingDaysOverdue = t.CappedWorkingDaysOverdue + Math.Min(d, 10) };
                Assert.True(ChannelScoreCalculator.Score(Round, later).Score <= score, $"seed {seed} #{i}: a late answer raised the score");
            }
            if (t.Overdue > 0)
            {
                // One more working day overdue on one of the overdue cases.
                var longer = t with { WorkingDaysOverdue = t.WorkingDaysOverdue + 1, CappedWorkingDaysOverdue = Math.Min(t.CappedWorkingDaysOverdue + 1, t.Overdue * 10) };
                Assert.True(ChannelScoreCalculator.Score(Round, longer).Score <= score, $"seed {seed} #{i}: a longer delay raised the score");
            }
            // One more case on top of the others, overdue by the cap or more. (A case only slightly late added to a unit
            // whose late cases are very late lowers its mean delay: with rates, adding a case is never neutral — an
            // on-time one raises the score — so the delay property is stated for the same cases, as above.)
            var extra = t with { HandlingRounds = t.HandlingRounds + 1, Deadlines = t.Deadlines + 1, Overdue = t.Overdue + 1, WorkingDaysOverdue = t.WorkingDaysOverdue + 10 + d, CappedWorkingDaysOverdue = t.CappedWorkingDaysOverdue + 10 };
            Assert.True(ChannelScoreCalculator.Score(Round, extra).Score <= score, $"seed {seed} #{i}: one more overdue case raised the score");
            if (t.Dissatisfied > 0)
            {
                Assert.True(ChannelScoreCalculator.Score(Round, t with { Dissatisfied = t.Dissatisfied - 1, Satisfied = t.Satisfied + 1 }).Score >= score);
            }
            if (t.BasicallySatisfied > 0)
            {
                Assert.True(ChannelScoreCalculator.Score(Round, t with { BasicallySatisfied = t.BasicallySatisfied - 1, Satisfied = t.Satisfied + 1 }).Score >= score);
            }
            if (t.UnratedSatisfaction > 0)
            {
                Assert.True(ChannelScoreCalculator.Score(Round, t with { UnratedSatisfaction = t.UnratedSatisfaction - 1, Satisfied = t.Satisfied + 1 }).Score >= score);
            }
            Assert.True(ChannelScoreCalculator.Score(Round, t with { Satisfied = t.Satisfied + 1 }).Score >= score, "one more 满意 lowered the score");
            Assert.True(ChannelScoreCalculator.Score(Round, t with { Resolved = t.Resolved + 1 }).Score >= score, "one more 已解决 lowered the score");
            if (t.SignedOnTime > 0)
            {
                Assert.True(ChannelScoreCalculator.Score(Round, t with { SignedOnTime = t.SignedOnTime - 1 }).Score <= score, "a late 签收 raised the score");
            }
            if (t.Unresolved > 0)
            {
                Assert.True(ChannelScoreCalculator.Score(Round, t with { Unresolved = t.Unresolved - 1, Resolved = t.Resolved + 1 }).Score >= score);
            }
            if (t.PartlyResolved > 0)
            {
                Assert.True(ChannelScoreCalculator.Score(Round, t with { PartlyResolved = t.PartlyResolved - 1, Resolved = t.Resolved + 1 }).Score >= score);
            }
        }
    }

    [Fact]
    public void Apportioned_points_add_up_to_the_rounded_total_and_stay_within_a_hundredth()
    {
        var random = new Random(11);
        for (var i = 0; i < 500; i++)
        {
            var parts = Enumerable.Range(0, random.Next(1, 8)).Select(_ => random.NextDouble() * 30).ToList();
            var points = ScoreRounding.Apportion(parts);
            Assert.Equal(ScoreRounding.Round(parts.Sum()), ScoreRounding.Round(points.Sum()));
            Assert.All(parts.Zip(points), x => Assert.True(Math.Abs(x.First - x.Second) < 0.01 + 1e-9));
        }
        Assert.Equal(2.68, ScoreRounding.Round(2.675000000001));
        Assert.Equal(-0.13, ScoreRounding.Round(-0.125));
        Assert.Equal(0.13, ScoreRounding.Round(0.125));
    }
}
