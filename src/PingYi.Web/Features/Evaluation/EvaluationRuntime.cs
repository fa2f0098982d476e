using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation.Deductions;
using PingYi.Web.Features.Evaluation.Inspections;
using PingYi.Web.Features.Evaluation.Ledger;
using PingYi.Web.Features.Evaluation.Ratings;
using PingYi.Web.Features.Evaluation.Survey;

namespace PingYi.Web.Features.Evaluation;

/// <summary>The validated round files, by year, loaded once at start-up from <c>workflows/evaluation/</c>.</summary>
public sealed class EvaluationRuntime(IReadOnlyList<EvaluationRoundDefinition> rounds)
{
    private readonly Dictionary<int, EvaluationRoundDefinition> _byYear = rounds.ToDictionary(r => r.Year);

    public IReadOnlyList<EvaluationRoundDefinition> Rounds { get; } = rounds.OrderBy(r => r.Year).ToList();

    public EvaluationRoundDefinition? Find(int year) => _byYear.GetValueOrDefault(year);
}
