using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The 直通车 (channel) source of the evaluation: what each unit's case record says over a round, up to its
/// cut-off, read from the typed handling record (never from timeline JSON). The composite and the ranking
/// consume it; the explanation page lists <see cref="CasesAsync"/> behind each unit's score.
/// </summary>
public interface IChannelScores
{
    /// <summary>One entry per active unit (units without handling rounds get the round's no-cases policy).</summary>
    Task<IReadOnlyDictionary<string, ChannelUnitScore>> ForRoundAsync(
        EvaluationRoundDefinition round, DateTime cutoffUtc, CancellationToken cancellationToken);

    /// <summary>The handling rounds counted for one unit, as the explanation shows them.</summary>
    Task<IReadOnlyList<ChannelCaseLine>> CasesAsync(
        EvaluationRoundDefinition round, DateTime cutoffUtc, string unitCode, CancellationToken cancellationToken);
}

/// <summary>The inputs of one unit's channel score, counted over its handling rounds in the round.</summary>
public sealed record ChannelFacts(
    int HandlingRounds,
    int Responses,
    int OnTime,
    int Overdue,
    int WorkingDaysOverdue,
    int SendBacks,
    int QualityRatings,
    double? AverageQuality,
    int Satisfied,
    int BasicallySatisfied,
    int Dissatisfied,
    int Reopened,
    int RejectedReturns);

/// <summary>A unit's channel score (0..full marks) with the facts behind it.</summary>
public sealed record ChannelUnitScore(string UnitCode, double Score, bool NoCases, ChannelFacts Facts);

/// <summary>One handling round of one complaint as counted for a unit.</summary>
public sealed record ChannelCaseLine(
    string TrackingNumber,
    DateTime AssignedAtUtc,
    DateTime? DueAtUtc,
    DateTime? RespondedAtUtc,
    int WorkingDaysLate,
    bool OnTime,
    int SendBacks,
    int? QualityRating,
    string? Satisfaction,
    bool Reopened,
    bool ReturnRejected);
