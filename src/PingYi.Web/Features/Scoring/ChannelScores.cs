using PingYi.Domain.Calendar;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Workflow;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The 直通车 (channel) source of the evaluation: what each unit's case record says over a round, up to its
/// cut-off, read from the typed handling record (never from timeline JSON). The composite and the ranking
/// consume it; the explanation page lists <see cref="CasesAsync"/> behind each unit's score.
/// </summary>
public interface IChannelScores
{
    /// <summary>One entry per active unit (units without handling rounds get the round's <c>noCases</c> rule).</summary>
    Task<IReadOnlyDictionary<string, ChannelUnitScore>> ForRoundAsync(
        EvaluationRoundDefinition round, DateTime cutoffUtc, CancellationToken cancellationToken);

    /// <summary>The handling rounds counted for one unit, as the explanation shows them.</summary>
    Task<IReadOnlyList<ChannelCaseLine>> CasesAsync(
        EvaluationRoundDefinition round, DateTime cutoffUtc, string unitCode, CancellationToken cancellationToken);

    /// <summary>
    /// The handling rounds of every active unit that were overdue at some moment up to the cut-off (deadline passed
    /// before it, not answered by the deadline), in one query for the whole round: the overdue chart reads them.
    /// </summary>
    Task<IReadOnlyList<ChannelOverdueSpan>> OverdueSpansAsync(
        EvaluationRoundDefinition round, DateTime cutoffUtc, CancellationToken cancellationToken);
}

/// <summary>
/// A handling round overdue from <see cref="DueAtUtc"/> until <see cref="StoppedAtUtc"/>: the unit's late answer, or the
/// transfer or approved return that took the case away (null: still running at the cut-off).
/// </summary>
public sealed record ChannelOverdueSpan(DateTime AssignedAtUtc, DateTime DueAtUtc, DateTime? StoppedAtUtc);

/// <summary>A unit's channel score with the counts behind it (<see cref="Facts"/>) and how it was reached (<see cref="Result"/>).</summary>
public sealed record ChannelUnitScore(string UnitCode, ChannelTally Facts, ChannelScoreResult Result)
{
    /// <summary>0..full marks; null when the channel is left out of the unit's composite (<see cref="Excluded"/>).</summary>
    public double? Score => Result.Score;

    public bool NoCases => Result.NoCases;

    /// <summary>No cases under the round's <c>exclude</c> rule: the composite re-weights over the other sources.</summary>
    public bool Excluded => Result.Excluded;
}

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
    bool ReturnRejected)
{
    /// <summary>The handling round of the complaint and the answer within it (2+ after 退回重办): a line is one deadline.</summary>
    public int Round { get; init; }

    public int Attempt { get; init; }

    /// <summary>The deadline was missed by the cut-off (a late response or transfer, or still open past it).</summary>
    public bool Overdue { get; init; }

    /// <summary>How the attempt ended by the cut-off: <c>transferred</c>, <c>returned</c>, <c>sent-back</c>, <c>reopened</c>, or null.</summary>
    public string? EndedBy { get; init; }

    public int ExtensionsGranted { get; init; }

    /// <summary>When the deadline stopped running by the cut-off (the answer, or the transfer or approved return), or null.</summary>
    public DateTime? StoppedAtUtc { get; init; }

    public int RejectedReturns { get; init; }
}

/// <summary>How the explanation (the page and its Excel export) words and orders a unit's handling rounds.</summary>
public static class ChannelCaseText
{
    /// <summary>
    /// Where the deadline stands at the cut-off: 超期 (with the working days), 按期, or, for a round not answered and
    /// not overdue, how it ended (已转办, 已退回) or that it is still running (办理中).
    /// </summary>
    public static string Deadline(ChannelCaseLine c) => c.Overdue
        ? Deadlines.OverdueText(c.WorkingDaysLate)
        : c.RespondedAtUtc is not null ? "按期"
        : c.EndedBy switch
        {
            "transferred" => "已转办",
            "returned" => "已退回",
            _ => "办理中",
        };

    public static string SatisfactionLabel(ChannelCaseLine c) =>
        Satisfactions.Codes.TryParse(c.Satisfaction, out var s) ? Satisfactions.Codes.LabelOf(s) : "";

    /// <summary>
    /// The round took points from the unit's channel score: overdue, sent back, rated below full quality or below 满意,
    /// reopened, or a return the supervisor rejected.
    /// </summary>
    public static bool CostsPoints(ChannelCaseLine c) =>
        c.Overdue || c.SendBacks > 0 || c.QualityRating is < 5 || c.Reopened || c.ReturnRejected
        || c.Satisfaction is not null && c.Satisfaction != Satisfactions.Codes.CodeOf(Satisfaction.Satisfied);

    /// <summary>The rounds that cost the most first (overdue by working days late, then any other cost), otherwise in the record's order.</summary>
    public static IEnumerable<ChannelCaseLine> CostliestFirst(IEnumerable<ChannelCaseLine> cases) => cases
        .OrderByDescending(c => c.Overdue)
        .ThenByDescending(c => c.WorkingDaysLate)
        .ThenByDescending(CostsPoints);
}
