using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Evaluation;

/// <summary>The validated round files, by year, loaded once at start-up from <c>workflows/evaluation/</c>.</summary>
public sealed class EvaluationRuntime(IReadOnlyList<EvaluationRoundDefinition> rounds)
{
    private readonly Dictionary<int, EvaluationRoundDefinition> _byYear = rounds.ToDictionary(r => r.Year);

    public IReadOnlyList<EvaluationRoundDefinition> Rounds { get; } = rounds.OrderBy(r => r.Year).ToList();

    public EvaluationRoundDefinition? Find(int year) => _byYear.GetValueOrDefault(year);
}
