using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;

namespace PingYi.Domain.Tests.Scoring;

/// <summary>
/// Golden tests of the composite and the ranking on the 2020 round file (weights: deputies 0.2, service-hall 0.15,
/// prefectures 0.15, inspectors 0.15, liaison 0.1, channel 0.25; deductions capped per rule and at 10 in total).
/// Every expected figure is worked out by hand in the comment beside it.
/// </summary>
public sealed class RankingCalculatorTests
{
    private static readonly EvaluationRoundDefinition Round =
        EvaluationRoundLoader.LoadFile(RepoPaths.Combine("workflows", "evaluation", "2020.json"));

    private static Dictionary<string, double?> Sources(double? deputies = null, double? serviceHall = null, double? prefectures = null,
        double? inspectors = null, double? liaison = null, double? channel = null) => new()
    {
        [EvaluationCodes.Deputies] = deputies,
        [EvaluationCodes.ServiceHall] = serviceHall,
        [EvaluationCodes.Prefectures] = prefectures,
        [EvaluationCodes.Inspectors] = inspectors,
        [EvaluationCodes.Liaison] = liaison,
        [EvaluationCodes.Channel] = channel,
    };

    private static UnitScoreInput Unit(string code, UnitCategory category, Dictionary<string, double?> sources, int overdue = 0, params DeductionInput[] deductions) =>
        new(code, code, category, sources, overdue, deductions);

    private static UnitResult Only(IReadOnlyList<CategoryResult> results, string code) =>
        results.SelectMany(c => c.Units).Single(u => u.UnitCode == code);

    [Fact]
    public void A_unit_outside_the_service_hall_is_reweighted_over_the_sources_it_has_and_deductions_are_capped_per_rule()
    {
        var unit = Unit("fgw", UnitCategory.Government, Sources(deputies: 80, prefectures: 100, inspectors: 90, liaison: 100, channel: 70), 0,
            new DeductionInput("careless-handling", 2), new DeductionInput("careless-handling", 2), new DeductionInput("other", 1));
        var result = Only(RankingCalculator.Compute(Round, [unit], new HashSet<string>()), "fgw");
        // 0.2·80 + 0.15·100 + 0.15·90 + 0.1·100 + 0.25·70 = 16 + 15 + 13.5 + 10 + 17.5 = 72, over 0.85 → 84.7059
        Assert.Equal(84.71, result.Weighted);
        Assert.Null(result.Sources[EvaluationCodes.ServiceHall]);
        // careless-handling 2 + 2 = 4 capped at its 3; other 1 → 4 off (5 recorded)
        Assert.Equal(5, result.RecordedDeductions);
        Assert.Equal(4, result.Deductions);
        Assert.Equal(80.71, result.Score);
    }

    [Fact]
    public void A_unit_with_no_cases_has_no_channel_score_and_its_other_sources_are_reweighted()
    {
        // Issue 22: no cases never means full marks. The round's default rule leaves the channel out.
        var channel = SourceScores.FromChannel(Round, ChannelScoreCalculator.Score(Round, ChannelTally.Empty));
        Assert.Null(channel);
        var without = Unit("gat", UnitCategory.Government, Sources(100, 80, 80, 100, 80, channel));
        // 20 + 12 + 12 + 15 + 8 = 67 over 0.75 → 89.3333
        Assert.Equal(89.33, Only(RankingCalculator.Compute(Round, [without], new HashSet<string>()), "gat").Score);
    }

    [Fact]
    public void The_points_of_the_explanation_add_up_to_the_weighted_score_and_less_deductions_to_the_composite()
    {
        var random = new Random(5);
        for (var i = 0; i < 300; i++)
        {
            double? S() => random.Next(5) == 0 ? null : Math.Round(random.NextDouble() * 100, random.Next(0, 6));
            var sources = Sources(S(), S(), S(), S(), S(), S());
            var points = random.Next(0, 800) / 100.0;
            var result = Only(RankingCalculator.Compute(Round, [Unit("u", UnitCategory.Government, sources, 0, new DeductionInput("other", points))], new HashSet<string>()), "u");
            var parts = RankingCalculator.Contributions(Round, result.Sources);
            Assert.Equal(result.Weighted, ScoreRounding.Round(parts.Sum(p => p.Points ?? 0)));
            Assert.Equal(result.Score, ScoreRounding.Round(Math.Max(0, parts.Sum(p => p.Points ?? 0) - result.Deductions)));
            var present = parts.Where(p => p.Points is not null).ToList();
            if (present.Count > 0)
            {
                Assert.Equal(1, present.Sum(p => p.EffectiveWeight), 10);
            }
        }
    }

    [Fact]
    public void The_total_deduction_is_capped_by_the_round_and_a_score_never_goes_below_zero()
    {
        // careless 3 (cap 3) + procedure 3 (cap 3) + inspection-finding 3 (cap 3) + other 5 (cap 2) = 11 → capped at 10
        DeductionInput[] deductions = [new("careless-handling", 3), new("procedure", 3), new("inspection-finding", 3), new("other", 5)];
        Assert.Equal(10, RankingCalculator.Deductions(Round, deductions));
        var poor = Unit("zgh", UnitCategory.PartyMass, Sources(deputies: 0, channel: 4), 0, deductions);
        // (0 + 0.25·4) / 0.45 = 2.22 − 10 → 0
        var result = Only(RankingCalculator.Compute(Round, [poor], new HashSet<string>()), "zgh");
        Assert.Equal(2.22, result.Weighted);
        Assert.Equal(0, result.Score);
    }

    [Fact]
    public void Ties_are_broken_by_the_channel_score_then_by_fewer_overdue_days_and_the_bottom_two_include_ties()
    {
        UnitScoreInput[] units =
        [
            // (0.2·80 + 0.25·100) / 0.45 = 41 / 0.45 = 91.11
            Unit("g4", UnitCategory.Government, Sources(deputies: 80, channel: 100)),
            // (0.2·80 + 0.25·98) / 0.45 = 40.5 / 0.45 = 90
            Unit("g6", UnitCategory.Government, Sources(deputies: 80, channel: 98)),
            // (0.2·90 + 0.25·90) / 0.45 = 90, channel 90, 0 days overdue
            Unit("g1", UnitCategory.Government, Sources(deputies: 90, channel: 90)),
            // 90, channel 90, 2 days overdue — twice: a true tie
            Unit("g2", UnitCategory.Government, Sources(deputies: 90, channel: 90), overdue: 2),
            Unit("g5", UnitCategory.Government, Sources(deputies: 90, channel: 90), overdue: 2),
            // (0.2·100 + 0.25·80) / 0.45 = 40 / 0.45 = 88.89
            Unit("g3", UnitCategory.Government, Sources(deputies: 100, channel: 80)),
            Unit("c1", UnitCategory.Central, Sources(deputies: 50)),
        ];
        var results = RankingCalculator.Compute(Round, units, new HashSet<string>());
        var government = results.Single(c => c.Category == UnitCategory.Government).Units;
        Assert.Equal(["g4", "g6", "g1", "g2", "g5", "g3"], government.Select(u => u.UnitCode));
        Assert.Equal([1, 2, 3, 4, 4, 6], government.Select(u => u.Rank));
        Assert.Equal([91.11, 90, 90, 90, 90, 88.89], government.Select(u => u.Score));
        // Fewer than two units rank below: g3 (none), g2 and g5 (one each) — the tie puts three on the list.
        Assert.Equal(["g2", "g5", "g3"], government.Where(u => u.TrackingList).Select(u => u.UnitCode));
        // Four categories always, each ranked on its own.
        Assert.Equal(4, results.Count);
        Assert.Equal(1, Only(results, "c1").Rank);
        // A unit alone, or units all tied, have nobody above them: no bottom two.
        Assert.False(Only(results, "c1").TrackingList);
        var tied = RankingCalculator.Compute(Round, [Unit("t1", UnitCategory.Central, Sources(deputies: 80)), Unit("t2", UnitCategory.Central, Sources(deputies: 80)),
            Unit("t3", UnitCategory.Central, Sources(deputies: 80))], new HashSet<string>());
        Assert.All(tied.SelectMany(c => c.Units), u => Assert.Equal((1, false), (u.Rank, u.TrackingList)));
        Assert.Empty(results.Single(c => c.Category == UnitCategory.PartyMass).Units);
    }

    [Fact]
    public void A_unit_with_no_source_at_all_ranks_after_every_scored_unit_and_is_never_in_the_bottom_two()
    {
        // No data is not a poor result: without a source there is no composite to compare, so the unit cannot land on
        // the tracking list in place of the units that were actually scored worst.
        var units = new[]
        {
            Unit("a", UnitCategory.PartyMass, Sources(deputies: 90)),
            Unit("b", UnitCategory.PartyMass, Sources(deputies: 70)),
            Unit("c", UnitCategory.PartyMass, Sources(deputies: 60)),
            Unit("none1", UnitCategory.PartyMass, Sources()),
            Unit("none2", UnitCategory.PartyMass, Sources()),
        };
        var ranked = RankingCalculator.Compute(Round, units, new HashSet<string>()).Single(c => c.Category == UnitCategory.PartyMass).Units;
        Assert.Equal(["a", "b", "c", "none1", "none2"], ranked.Select(u => u.UnitCode));
        Assert.Equal([false, true, true, false, false], ranked.Select(u => u.BottomTwo));
        Assert.All(ranked.Where(u => u.UnitCode.StartsWith("none", StringComparison.Ordinal)), u => Assert.False(u.Scored));
        Assert.All(ranked.Take(3), u => Assert.True(u.Scored));
    }

    [Fact]
    public void Two_years_in_the_bottom_two_put_a_unit_on_the_public_notice_list()
    {
        UnitScoreInput[] units =
        [
            Unit("a", UnitCategory.PartyMass, Sources(deputies: 100)),
            Unit("b", UnitCategory.PartyMass, Sources(deputies: 90)),
            Unit("c", UnitCategory.PartyMass, Sources(deputies: 80)),
            Unit("d", UnitCategory.PartyMass, Sources(deputies: 70)),
        ];
        // Last round's bottom two (imported ranks or an approved round): b and d.
        var results = RankingCalculator.Compute(Round, units, new HashSet<string> { "b", "d" });
        var party = results.Single(c => c.Category == UnitCategory.PartyMass).Units;
        Assert.Equal(["c", "d"], party.Where(u => u.TrackingList).Select(u => u.UnitCode));
        // d: bottom two both years → 通报; b was bottom last year but not now; c only this year.
        Assert.Equal(["d"], party.Where(u => u.PublicNotice).Select(u => u.UnitCode));
        Assert.True(Only(results, "b").PreviousBottomTwo);
        Assert.False(Only(results, "b").PublicNotice);
    }

    [Fact]
    public void Source_scores_come_from_the_scales_and_severities_of_the_round()
    {
        // (3·100 + 1·80 + 1·0) / 5 = 76
        Assert.Equal(76, SourceScores.FromRatings(Round, new Dictionary<string, int> { ["satisfied"] = 3, ["basically-satisfied"] = 1, ["dissatisfied"] = 1 }));
        Assert.Null(SourceScores.FromRatings(Round, new Dictionary<string, int> { ["satisfied"] = 0 }));
        // Service hall, two channels: 2 coded 满意 and 4 uncoded 不满意 at weight 0.25 → (2·100 + 1·0) / 3 = 66.67;
        // weight 1 is the plain mean (2·100 / 6), weight 0 the coded answers alone.
        var all = new Dictionary<string, int> { ["satisfied"] = 2, ["dissatisfied"] = 4 };
        var uncoded = new Dictionary<string, int> { ["dissatisfied"] = 4 };
        Assert.Equal(200.0 / 3, SourceScores.FromRatings(Round, all, uncoded, 0.25)!.Value, 6);
        Assert.Equal(SourceScores.FromRatings(Round, all), SourceScores.FromRatings(Round, all, uncoded, 1));
        Assert.Equal(100, SourceScores.FromRatings(Round, all, uncoded, 0));
        // Only uncoded answers: the weight cancels out.
        Assert.Equal(0, SourceScores.FromRatings(Round, uncoded, uncoded, 0.3));
        // (100 − 0.5 − 2) and 80 → mean 88.75
        Assert.Equal(88.75, SourceScores.FromInspections(Round,
            [new InspectionInput("satisfied", ["minor", "serious"]), new InspectionInput("basically-satisfied", [])]));
        Assert.Null(SourceScores.FromInspections(Round, []));
        Assert.Equal(0, SourceScores.InspectionScore(Round, new InspectionInput("dissatisfied", ["serious"])));
        Assert.Equal(85, SourceScores.FromChannel(Round, ChannelScoreCalculator.Score(Round, ChannelTally.Empty) with { Score = 85, Excluded = false }));
    }
}
