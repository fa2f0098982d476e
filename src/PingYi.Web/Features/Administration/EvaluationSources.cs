using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Administration;

/// <summary>The six evaluation sources (六项评议) an Evaluator account is bound to.</summary>
public static class EvaluationSources
{
    public static readonly IReadOnlyList<(string Code, string Label)> All =
        EvaluationCodes.Sources.Select(code => (code, EvaluationCodes.SourceLabels[code])).ToList();

    public static bool IsValid(string? code) => All.Any(s => s.Code == code);

    /// <summary>The sources whose evaluators fill in 评议表 (the others are a survey, inspections or computed): what the account form offers.</summary>
    public static readonly IReadOnlyList<(string Code, string Label)> RatedByForm =
        All.Where(s => EvaluationCodes.InputOf(s.Code) == SourceInput.Rating).ToList();
}
