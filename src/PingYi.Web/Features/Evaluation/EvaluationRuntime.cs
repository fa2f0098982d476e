using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Evaluation;

/// <summary>
/// The rounds' schemes by year: the validated round files loaded once at start-up from <c>workflows/evaluation/</c>
/// (each is its year's version 1, approved at seed), overlaid by the latest scheme version approved in the database
/// (<see cref="Schemes.SchemeSync"/> re-reads them, so every node follows an approval).
/// </summary>
public sealed class EvaluationRuntime(IReadOnlyList<EvaluationRoundDefinition> rounds)
{
    public const int FileVersion = 1;

    private readonly Dictionary<int, EvaluationRoundDefinition> _files = rounds.ToDictionary(r => r.Year);

    private volatile IReadOnlyDictionary<int, (int Version, EvaluationRoundDefinition Definition)> _approved =
        new Dictionary<int, (int, EvaluationRoundDefinition)>();

    /// <summary>The current scheme of every year that has one, by year.</summary>
    public IReadOnlyList<EvaluationRoundDefinition> Rounds =>
        _files.Keys.Union(_approved.Keys).Order().Select(y => Find(y)!).ToList();

    /// <summary>The year's current (approved) scheme: the latest approved version in the database, else the shipped file.</summary>
    public EvaluationRoundDefinition? Find(int year) =>
        _approved.TryGetValue(year, out var stored) ? stored.Definition : _files.GetValueOrDefault(year);

    /// <summary>The version <see cref="Find"/> answers with; null when the year has no approved scheme.</summary>
    public int? VersionOf(int year) =>
        _approved.TryGetValue(year, out var stored) ? stored.Version : _files.ContainsKey(year) ? FileVersion : null;

    /// <summary>The shipped file of the year (version 1), whatever has been approved since.</summary>
    public EvaluationRoundDefinition? File(int year) => _files.GetValueOrDefault(year);

    /// <summary>Replaces the overlay with the latest approved stored version of each year.</summary>
    public void UseApproved(IEnumerable<(int Year, int Version, EvaluationRoundDefinition Definition)> approved) =>
        _approved = approved.GroupBy(a => a.Year).ToDictionary(g => g.Key, g => g.OrderBy(a => a.Version).Select(a => (a.Version, a.Definition)).Last());
}
