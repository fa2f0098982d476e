using System.Linq.Expressions;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints;

/// <summary>
/// What one handling attempt (<see cref="HandlingRecord"/>) had come to by a cut-off, each rule written once as an
/// expression: the channel score's tallies and the statistics count with these, in memory or in SQL
/// (<see cref="QueryRules.Expand"/> writes them into a query). The deadline boundary itself is
/// <see cref="Deadlines.Late(DateTime, DateTime)"/>; <see cref="HandlingRecord.Late"/> was set by it when the clock stopped.
/// </summary>
public static class HandlingOutcomes
{
    /// <summary>按期: the unit's response was given by the cut-off, before its deadline.</summary>
    [ExpandedInQueries(nameof(OnTimeByExpression))]
    public static bool OnTimeBy(HandlingRecord r, DateTime cutoffUtc) => OnTimeByRule(r, cutoffUtc);

    public static readonly Expression<Func<HandlingRecord, DateTime, bool>> OnTimeByExpression =
        (r, c) => r.RespondedAtUtc != null && r.RespondedAtUtc <= c && !r.Late;

    private static readonly Func<HandlingRecord, DateTime, bool> OnTimeByRule = OnTimeByExpression.Compile();

    /// <summary>The clock stopped by the cut-off, at or after the deadline (a late response, or a transfer or return of an overdue case).</summary>
    [ExpandedInQueries(nameof(StoppedLateByExpression))]
    public static bool StoppedLateBy(HandlingRecord r, DateTime cutoffUtc) => StoppedLateByRule(r, cutoffUtc);

    public static readonly Expression<Func<HandlingRecord, DateTime, bool>> StoppedLateByExpression =
        (r, c) => r.StoppedAtUtc != null && r.StoppedAtUtc <= c && r.Late;

    private static readonly Func<HandlingRecord, DateTime, bool> StoppedLateByRule = StoppedLateByExpression.Compile();

    /// <summary>Still running at the cut-off and already past its deadline then.</summary>
    [ExpandedInQueries(nameof(RunningOverdueAtExpression))]
    public static bool RunningOverdueAt(HandlingRecord r, DateTime cutoffUtc) => RunningOverdueAtRule(r, cutoffUtc);

    public static readonly Expression<Func<HandlingRecord, DateTime, bool>> RunningOverdueAtExpression =
        (r, c) => (r.StoppedAtUtc == null || r.StoppedAtUtc > c) && Deadlines.Late(c, r.DueAtUtc);

    private static readonly Func<HandlingRecord, DateTime, bool> RunningOverdueAtRule = RunningOverdueAtExpression.Compile();

    /// <summary>
    /// The satisfaction that counts for the attempt at the cut-off: the complainant's own rating given by then;
    /// where they gave none, a reached 回访 call's answer by then; otherwise none.
    /// </summary>
    [ExpandedInQueries(nameof(SatisfactionByExpression))]
    public static Satisfaction? SatisfactionBy(HandlingRecord r, DateTime cutoffUtc) => SatisfactionByRule(r, cutoffUtc);

    public static readonly Expression<Func<HandlingRecord, DateTime, Satisfaction?>> SatisfactionByExpression =
        (r, c) => r.RatedAtUtc != null && r.RatedAtUtc <= c ? r.Satisfaction
            : r.CallbackReached == true && r.CallbackAtUtc <= c ? r.CallbackSatisfaction
            : null;

    private static readonly Func<HandlingRecord, DateTime, Satisfaction?> SatisfactionByRule = SatisfactionByExpression.Compile();

    /// <summary>问题是否解决 as it counts at the cut-off, from the same answer as <see cref="SatisfactionBy"/>.</summary>
    [ExpandedInQueries(nameof(ResolutionByExpression))]
    public static Resolution? ResolutionBy(HandlingRecord r, DateTime cutoffUtc) => ResolutionByRule(r, cutoffUtc);

    public static readonly Expression<Func<HandlingRecord, DateTime, Resolution?>> ResolutionByExpression =
        (r, c) => r.RatedAtUtc != null && r.RatedAtUtc <= c ? r.Resolution
            : r.CallbackReached == true && r.CallbackAtUtc <= c ? r.CallbackResolution
            : null;

    private static readonly Func<HandlingRecord, DateTime, Resolution?> ResolutionByRule = ResolutionByExpression.Compile();

    /// <summary>
    /// 满意 for the statistics' 满意率: the answer that counts (<see cref="SatisfactionBy"/>) is 满意 or 基本满意, as the
    /// 12345 platforms report it. The channel score weighs the three answers by the round's scale instead.
    /// </summary>
    [ExpandedInQueries(nameof(SatisfiedByExpression))]
    public static bool SatisfiedBy(HandlingRecord r, DateTime cutoffUtc) => SatisfiedByRule(r, cutoffUtc);

    public static readonly Expression<Func<HandlingRecord, DateTime, bool>> SatisfiedByExpression =
        (r, c) => SatisfactionBy(r, c) == Satisfaction.Satisfied || SatisfactionBy(r, c) == Satisfaction.BasicallySatisfied;

    private static readonly Func<HandlingRecord, DateTime, bool> SatisfiedByRule = SatisfiedByExpression.Compile();
}
