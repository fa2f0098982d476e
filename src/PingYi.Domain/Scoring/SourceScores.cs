using PingYi.Domain.Evaluation;

namespace PingYi.Domain.Scoring;

/// <summary>One inspection as the inspectors' source scores it: its overall rating and its findings' severities.</summary>
/// <param name="Id">The inspection's record number (0 when not from the database), which a deduction cites.</param>
/// <param name="SeverityWaivedBy">
/// The deduction that punishes this inspection's findings instead (<c>findingPunishedBy: deduction</c>): the inspection
/// is then scored on its rating alone. Null: its severity points count.
/// </param>
public sealed record InspectionInput(string Rating, IReadOnlyList<string> Severities, long Id = 0, long? SeverityWaivedBy = null);

/// <summary>
/// How each entered source becomes a score from 0 to 100 (docs/scoring.md, "Source scores"). Null means the unit
/// has no score from that source (no responses, not in the service hall, no inspection): the composite then
/// re-weights over the sources the unit has, rather than counting a missing source as zero.
/// </summary>
public static class SourceScores
{
    public const double Max = 100;

    /// <summary>
    /// deputies, prefectures, liaison and service-hall: the mean, over the unit's responses, of the overall
    /// rating's score on the round's satisfaction scale (2020: 满意 100, 基本满意 80, 不满意 0).
    /// </summary>
    /// <param name="ratings">Count of responses per overall rating code.</param>
    public static double? FromRatings(EvaluationRoundDefinition round, IReadOnlyDictionary<string, int> ratings)
    {
        var count = 0;
        var total = 0.0;
        foreach (var (code, n) in ratings)
        {
            if (n <= 0 || round.Overall.Find(code) is not { } option)
            {
                continue;
            }
            count += n;
            total += n * option.Score;
        }
        return count == 0 ? null : Clamp(total / count);
    }

    /// <summary>
    /// service-hall with two channels (docs/evaluation.md, 一事一评): each answer through the static QR (no one-time
    /// code) counts as <paramref name="uncodedWeight"/> of a coded answer in the mean. <paramref name="all"/> holds
    /// every counted answer, <paramref name="uncoded"/> those of them without a code. A weight of 1 is
    /// <see cref="FromRatings"/> over all of them; 0 leaves uncoded answers out (none coded → no score).
    /// </summary>
    public static double? FromRatings(EvaluationRoundDefinition round, IReadOnlyDictionary<string, int> all, IReadOnlyDictionary<string, int>? uncoded, double uncodedWeight)
    {
        if (uncoded is null || uncoded.Count == 0 || uncodedWeight >= 1)
        {
            return FromRatings(round, all);
        }
        var count = 0.0;
        var total = 0.0;
        foreach (var (code, n) in all)
        {
            if (n <= 0 || round.Overall.Find(code) is not { } option)
            {
                continue;
            }
            var u = Math.Min(n, Math.Max(0, uncoded.GetValueOrDefault(code)));
            var weighted = n - u + uncodedWeight * u;
            count += weighted;
            total += weighted * option.Score;
        }
        return count <= 0 ? null : Clamp(total / count);
    }

    /// <summary>
    /// inspectors: each inspection scores its overall rating on the satisfaction scale less its findings' severity
    /// points (2020: 一般 0.5, 较重 1, 严重 2), floored at 0; the source is the mean over the unit's inspections.
    /// </summary>
    public static double? FromInspections(EvaluationRoundDefinition round, IReadOnlyList<InspectionInput> inspections)
    {
        if (inspections.Count == 0)
        {
            return null;
        }
        return Clamp(inspections.Average(i => InspectionScore(round, i)));
    }

    public static double InspectionScore(EvaluationRoundDefinition round, InspectionInput inspection)
    {
        var rating = round.Overall.Find(inspection.Rating)?.Score ?? 0;
        return Clamp(rating - (inspection.SeverityWaivedBy is null ? SeverityPoints(round, inspection.Severities) : 0));
    }

    /// <summary>The severity points of an inspection's findings (2020: 一般 0.5, 较重 1, 严重 2 each).</summary>
    public static double SeverityPoints(EvaluationRoundDefinition round, IEnumerable<string> severities) =>
        severities.Sum(s => round.Severities.TryGetValue(s, out var severity) ? severity.Points : 0);

    /// <summary>
    /// channel: the channel score scaled from 0..full marks to 0..100; null (the other sources re-weighted) when the
    /// channel is left out for the unit (<see cref="ChannelScoreResult.Excluded"/>: no cases under the default rule).
    /// </summary>
    public static double? FromChannel(EvaluationRoundDefinition round, ChannelScoreResult? channel)
    {
        if (channel?.Score is not { } score)
        {
            return null;
        }
        var full = round.Channel.FullMarks <= 0 ? Max : round.Channel.FullMarks;
        return Clamp(score / full * Max);
    }

    /// <summary>
    /// Whether a source applies to a unit at all: the service hall's questionnaire only to units with a window in
    /// the 省政务大厅. The one place this is decided (the composite, the explanation and the exports read it).
    /// </summary>
    public static bool Applies(string source, bool serviceHall) => source != EvaluationCodes.ServiceHall || serviceHall;

    private static double Clamp(double value) => Math.Clamp(value, 0, Max);
}
