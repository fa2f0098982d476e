namespace PingYi.Domain.Evaluation;

/// <summary>
/// What one unit's handling record says over an evaluation round, up to its cut-off: the counts the channel
/// score is computed from. Gathered by a query over the handling record (see docs/evaluation.md).
/// </summary>
/// <param name="HandlingRounds">Handling rounds assigned to the unit in the period (assign, transfer, reopen).</param>
/// <param name="Deadlines">Deadlines decided by the cut-off: attempts whose clock stopped, or ran past the deadline, by then.</param>
/// <param name="Responses">办理情况报告 given by the cut-off.</param>
/// <param name="OnTime">Responses given before their deadline (approved extensions included).</param>
/// <param name="Overdue">Deadlines missed: late responses, transfers or returns after the deadline, and attempts still open past it at the cut-off.</param>
/// <param name="WorkingDaysOverdue">Working days past the deadline, summed over <paramref name="Overdue"/> (open ones up to the cut-off).</param>
/// <param name="SendBacks">退回重办 by the cut-off.</param>
/// <param name="QualityRatings">Approved answers with a quality rating.</param>
/// <param name="QualitySum">The sum of those ratings (1–5 each).</param>
/// <param name="Reopened">Rounds reopened (重新交办) by the cut-off.</param>
/// <param name="RejectedReturns">申请退回 a supervisor rejected.</param>
public sealed record ChannelTally(
    int HandlingRounds,
    int Deadlines,
    int Responses,
    int OnTime,
    int Overdue,
    int WorkingDaysOverdue,
    int SendBacks,
    int QualityRatings,
    int QualitySum,
    int Satisfied,
    int BasicallySatisfied,
    int Dissatisfied,
    int Reopened,
    int RejectedReturns)
{
    public static ChannelTally Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public double? AverageQuality => QualityRatings == 0 ? null : (double)QualitySum / QualityRatings;

    public ChannelTally Add(ChannelTally o) => new(
        HandlingRounds + o.HandlingRounds, Deadlines + o.Deadlines, Responses + o.Responses, OnTime + o.OnTime,
        Overdue + o.Overdue, WorkingDaysOverdue + o.WorkingDaysOverdue, SendBacks + o.SendBacks,
        QualityRatings + o.QualityRatings, QualitySum + o.QualitySum, Satisfied + o.Satisfied,
        BasicallySatisfied + o.BasicallySatisfied, Dissatisfied + o.Dissatisfied, Reopened + o.Reopened,
        RejectedReturns + o.RejectedReturns);
}

/// <summary>
/// One unit's channel score and how it was reached: each part as a fraction 0–1 (null when the unit has nothing
/// to measure it by, and then left out of the weighting), the weighted base in points, and the deductions.
/// </summary>
public sealed record ChannelScoreResult(
    double Score,
    bool NoCases,
    bool Excluded,
    double? Quality,
    double? OnTime,
    double? Satisfaction,
    double? Rework,
    double? Overdue,
    double Base,
    double OverduePenalty,
    double ReopenedPenalty,
    double RejectedReturnPenalty);

/// <summary>
/// The 直通车 channel score, a pure function of the round file's <c>channel</c> parameters and a unit's
/// <see cref="ChannelTally"/>:
/// <list type="bullet">
/// <item>quality = (average rating − 1) / 4 (1 → 0, 5 → 1); on-time = on time / responses;
/// satisfaction = (满意 + credit × 基本满意) / rated (未评价 not counted); rework = 1 − min(1, send-backs / responses);
/// overdue = 1 − overdue / deadlines decided.</item>
/// <item>base = full marks × Σ weight·part / Σ weight over the parts the unit has (re-weighted; none → full marks).</item>
/// <item>score = base − per-day penalty × working days overdue − reopened penalty × reopened − rejected-return
/// penalty × rejected returns, kept within 0..full marks and rounded to 2 decimals.</item>
/// </list>
/// A unit with no handling round gets the <c>noCases</c> policy: <c>full-marks</c> (the default), or
/// <c>exclude</c> (the composite re-weights without the channel source).
/// </summary>
public static class ChannelScoreCalculator
{
    public const string FullMarksPolicy = "full-marks";
    public const string ExcludePolicy = "exclude";

    public static ChannelScoreResult Score(ChannelScoreParameters p, ChannelTally t)
    {
        if (t.HandlingRounds == 0)
        {
            var excluded = p.NoCasesPolicy == ExcludePolicy;
            return new ChannelScoreResult(excluded ? 0 : p.FullMarks, NoCases: true, excluded, null, null, null, null, null,
                excluded ? 0 : p.FullMarks, 0, 0, 0);
        }
        double? quality = t.AverageQuality is { } avg ? (avg - 1) / 4 : null;
        double? onTime = t.Responses == 0 ? null : (double)t.OnTime / t.Responses;
        var rated = t.Satisfied + t.BasicallySatisfied + t.Dissatisfied;
        double? satisfaction = rated == 0 ? null : (t.Satisfied + p.BasicallySatisfiedCredit * t.BasicallySatisfied) / rated;
        double? rework = t.Responses == 0 ? null : 1 - Math.Min(1, (double)t.SendBacks / t.Responses);
        double? overdue = t.Deadlines == 0 ? null : 1 - Math.Min(1, (double)t.Overdue / t.Deadlines);

        double weighted = 0, weights = 0;
        void Part(string code, double? value)
        {
            if (value is { } v)
            {
                var w = p.Weights.TryGetValue(code, out var x) ? x : 0;
                weighted += w * v;
                weights += w;
            }
        }
        Part("quality", quality);
        Part("on-time", onTime);
        Part("satisfaction", satisfaction);
        Part("rework", rework);
        Part("overdue", overdue);
        // Nothing measurable yet (every round still within its deadline at the cut-off): nothing went wrong.
        var @base = weights > 0 ? p.FullMarks * weighted / weights : p.FullMarks;

        var overduePenalty = p.OverduePenaltyPerWorkingDay * t.WorkingDaysOverdue;
        var reopenedPenalty = p.ReopenedPenalty * t.Reopened;
        var returnPenalty = p.RejectedReturnPenalty * t.RejectedReturns;
        var score = Math.Clamp(@base - overduePenalty - reopenedPenalty - returnPenalty, 0, p.FullMarks);
        return new ChannelScoreResult(Math.Round(score, 2, MidpointRounding.AwayFromZero), NoCases: false, Excluded: false,
            quality, onTime, satisfaction, rework, overdue, @base, overduePenalty, reopenedPenalty, returnPenalty);
    }
}
