using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;

namespace PingYi.Domain.Tests.Scoring;

/// <summary>
/// Issue 22 item 5: one finding is punished once. An inspection rated 满意 (100) with a 较重问题 (1 point) and a
/// 2-point deduction citing that inspection: under <c>findingPunishedBy: inspection</c> the inspection scores 99 and
/// the deduction is not counted; under <c>deduction</c> the inspection scores 100 and the deduction counts. Either way
/// the same finding costs the unit once. Figures worked by hand beside each assertion (2020 file, sources
/// deputies 90 and inspectors: weights 0.2 and 0.15 → effective 4/7 and 3/7).
/// </summary>
public sealed class FindingPunishmentRuleTests
{
    private static readonly EvaluationRoundDefinition Round2020 =
        EvaluationRoundLoader.LoadFile(RepoPaths.Combine("workflows", "evaluation", "2020.json"));

    private static EvaluationRoundDefinition With(string? rule) =>
        Round2020 with { Deductions = Round2020.Deductions with { FindingPunishedBy = rule } };

    private static readonly InspectionInput Visit = new("satisfied", ["major"], Id: 7);

    private static UnitResult Score(EvaluationRoundDefinition round, IReadOnlyList<InspectionInput> inspections, IReadOnlyList<DeductionInput> deductions)
    {
        var (i, d) = FindingPunishmentRule.Apply(round, inspections, deductions);
        var sources = new Dictionary<string, double?>
        {
            [EvaluationCodes.Deputies] = 90,
            [EvaluationCodes.Inspectors] = SourceScores.FromInspections(round, i),
        };
        return RankingCalculator.Compute(round, [new UnitScoreInput("u", "u", UnitCategory.Government, sources, 0, d)], new HashSet<string>())
            .SelectMany(c => c.Units).Single();
    }

    [Fact]
    public void The_2020_and_2026_files_let_the_deduction_punish_a_finding()
    {
        Assert.Equal(FindingPunishment.Deduction, Round2020.Deductions.FindingPunishedBy);
        var y2026 = EvaluationRoundLoader.LoadFile(RepoPaths.Combine("workflows", "evaluation", "2026.json"));
        Assert.Equal(FindingPunishment.Deduction, y2026.Deductions.FindingPunishedBy);
    }

    [Fact]
    public void Inspection_wins_the_severity_points_stand_and_the_deduction_citing_the_inspection_is_not_counted()
    {
        var round = With(FindingPunishment.Inspection);
        var result = Score(round, [Visit], [new DeductionInput("inspection-finding", 2, Id: 3, Inspection: 7)]);
        Assert.Equal(99, result.Sources[EvaluationCodes.Inspectors]);       // 100 − 1
        Assert.Equal(2, result.RecordedDeductions);                         // on the record …
        Assert.Equal(0, result.Deductions);                                 // … not on the score
        Assert.Equal(93.86, result.Score);                                  // 4/7 × 90 + 3/7 × 99 = 93.857…
    }

    [Fact]
    public void Deduction_wins_the_inspection_is_scored_on_its_rating_and_the_deduction_counts()
    {
        var round = With(FindingPunishment.Deduction);
        var (inspections, _) = FindingPunishmentRule.Apply(round, [Visit], [new DeductionInput("inspection-finding", 2, Id: 3, Inspection: 7)]);
        Assert.Equal(3, inspections.Single().SeverityWaivedBy);
        var result = Score(round, [Visit], [new DeductionInput("inspection-finding", 2, Id: 3, Inspection: 7)]);
        Assert.Equal(100, result.Sources[EvaluationCodes.Inspectors]);      // 100, the 1 point waived
        Assert.Equal(2, result.Deductions);
        Assert.Equal(92.29, result.Score);                                  // 4/7 × 90 + 3/7 × 100 − 2 = 92.285…
    }

    [Fact]
    public void Without_the_rule_the_same_finding_would_cost_twice_and_with_either_rule_it_costs_once()
    {
        // Both punishments at once (what the rule forbids): 4/7 × 90 + 3/7 × 99 − 2 = 91.857… → 91.86.
        var both = RankingCalculator.Compute(Round2020, [new UnitScoreInput("u", "u", UnitCategory.Government,
                new Dictionary<string, double?> { [EvaluationCodes.Deputies] = 90, [EvaluationCodes.Inspectors] = 99 }, 0,
                [new DeductionInput("inspection-finding", 2)])], new HashSet<string>())
            .SelectMany(c => c.Units).Single();
        Assert.Equal(91.86, both.Score);
        var byInspection = Score(With(FindingPunishment.Inspection), [Visit], [new DeductionInput("inspection-finding", 2, Id: 3, Inspection: 7)]);
        var byDeduction = Score(With(FindingPunishment.Deduction), [Visit], [new DeductionInput("inspection-finding", 2, Id: 3, Inspection: 7)]);
        Assert.True(byInspection.Score > both.Score && byDeduction.Score > both.Score);
        // Each rule's score is what one punishment alone gives: the inspection's points alone, or the deduction alone.
        Assert.Equal(93.86, byInspection.Score);
        Assert.Equal(92.29, byDeduction.Score);
    }

    [Theory]
    [InlineData(FindingPunishment.Inspection)]
    [InlineData(FindingPunishment.Deduction)]
    public void A_deduction_for_something_else_or_citing_an_inspection_without_severity_points_counts_beside_it(string rule)
    {
        var round = With(rule);
        var clean = new InspectionInput("satisfied", [], Id: 8);
        var result = Score(round, [Visit, clean],
        [
            new DeductionInput("careless-handling", 1, Id: 4),                    // cites a complaint
            new DeductionInput("inspection-finding", 0.5, Id: 5, Inspection: 8),  // an inspection that took no points
        ]);
        Assert.Equal(1.5, result.Deductions);
        Assert.Equal(99.5, result.Sources[EvaluationCodes.Inspectors]);          // (99 + 100) / 2: nothing waived
    }

    [Fact]
    public void A_ledger_item_made_from_the_inspection_is_the_same_finding()
    {
        // The scoring passes the ledger item's inspection as the deduction's; the rule treats it as citing the inspection.
        var round = With(FindingPunishment.Inspection);
        var result = Score(round, [Visit], [new DeductionInput("other", 1, Id: 6, Inspection: 7)]);
        Assert.Equal(0, result.Deductions);
    }

    [Fact]
    public void One_more_counted_deduction_never_raises_a_score_under_either_rule()
    {
        foreach (var rule in FindingPunishment.All)
        {
            var round = With(rule);
            var before = Score(round, [Visit], [new DeductionInput("inspection-finding", 2, Id: 3, Inspection: 7)]);
            var after = Score(round, [Visit], [new DeductionInput("inspection-finding", 2, Id: 3, Inspection: 7), new DeductionInput("procedure", 1, Id: 9)]);
            Assert.True(after.Score <= before.Score, rule);
        }
    }
}
