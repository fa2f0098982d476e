using PingYi.Domain.Evaluation;

namespace PingYi.Domain.Scoring;

/// <summary>
/// One finding is punished once (issue 22 item 5). A finding of an inspection can be punished by the inspection's
/// severity points and again by a deduction citing that inspection (directly, or through a ledger item made from it).
/// The round file's <c>deductions.findingPunishedBy</c> says which of the two stands:
/// <list type="bullet">
/// <item><c>inspection</c>: the severity points stand; each such deduction is kept on the record but not counted.</item>
/// <item><c>deduction</c>: the deductions stand; the inspection is scored on its rating alone (its severity points waived).</item>
/// </list>
/// Only where the inspection's findings carry points is there anything punished twice: a deduction citing an
/// inspection without severity points counts under either rule. Inspections an appeal took out are not in
/// <paramref name="inspections"/>, so they punish nothing and a deduction citing them counts.
/// </summary>
public static class FindingPunishmentRule
{
    public static (IReadOnlyList<InspectionInput> Inspections, IReadOnlyList<DeductionInput> Deductions) Apply(
        EvaluationRoundDefinition round, IReadOnlyList<InspectionInput> inspections, IReadOnlyList<DeductionInput> deductions)
    {
        // Inspections whose findings carry points: the only ones a deduction could punish a second time.
        var punishing = inspections.Where(i => i.Id != 0 && SourceScores.SeverityPoints(round, i.Severities) > 0).Select(i => i.Id).ToHashSet();
        bool Twice(DeductionInput d) => d.Inspection is { } id && punishing.Contains(id);
        switch (round.Deductions.FindingPunishedBy)
        {
            case FindingPunishment.Inspection:
                return (inspections, deductions.Select(d => Twice(d) ? d with { Counted = false } : d).ToList());
            case FindingPunishment.Deduction:
                // The first (lowest-numbered) deduction that punishes it is named on the explanation.
                var by = deductions.Where(Twice).GroupBy(d => d.Inspection!.Value).ToDictionary(g => g.Key, g => g.Min(d => d.Id));
                return (inspections.Select(i => by.TryGetValue(i.Id, out var d) ? i with { SeverityWaivedBy = d } : i).ToList(), deductions);
            default:
                // No rule: the file has no severity points, so nothing can be punished twice.
                return (inspections, deductions);
        }
    }
}
