using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Evaluation.Appeals;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// <see cref="IChannelScores"/> over the typed handling record. A row counts in the round its year gives it by the
/// round file's <c>channel.countIn</c> rule (the year, China time, in which its deadline as first set fell, or in
/// which the unit was handed the case), so every handling round counts in exactly one round, all year; and only
/// with what had happened by the cut-off: every fact is filtered by its own time. All units' counts come from one
/// GROUP BY over the round's rows; the working days of deadlines still running past the cut-off need the
/// working-day calendar, so two more set-based queries, each one range of an index holding every column they read
/// (IX_HandlingRecords_Running), return them grouped by (unit, deadline) and they are counted here. The formula
/// itself is <see cref="ChannelScoreCalculator"/>.
/// </summary>
public sealed class ChannelScoresFromRecord(PingYiDbContext db, WorkflowRuntime workflows) : IChannelScores
{
    public async Task<IReadOnlyDictionary<string, ChannelUnitScore>> ForRoundAsync(
        EvaluationRoundDefinition round, DateTime cutoffUtc, CancellationToken cancellationToken)
    {
        EnsureUtc(cutoffUtc);
        var tallies = await TallyAsync(round, cutoffUtc, unitId: null, cancellationToken);
        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Active, u.Category }).ToListAsync(cancellationToken);
        // A retired unit still answers for the cases it had in the round; one with none is left out.
        var counted = units.Where(u => u.Active || tallies.ContainsKey(u.Id))
            .Select(u => new ChannelUnit(u.Code, u.Category, tallies.GetValueOrDefault(u.Id) ?? ChannelTally.Empty))
            .ToList();
        var scores = ChannelScoreCalculator.ScoreRound(round, counted);
        return counted.ToDictionary(u => u.UnitCode, u => new ChannelUnitScore(u.UnitCode, u.Tally, scores[u.UnitCode]), StringComparer.Ordinal);
    }

    private static void EnsureUtc(DateTime cutoffUtc)
    {
        if (cutoffUtc.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException("The cut-off is a UTC time.", nameof(cutoffUtc));
        }
    }

    /// <summary>The round's year as instants: from 00:00 China time on 1 January to 00:00 on the next 1 January.</summary>
    public static (DateTime From, DateTime To) Year(EvaluationRoundDefinition round) =>
        (ChinaTime.StartOfDayUtc(new DateOnly(round.Year, 1, 1)), ChinaTime.StartOfDayUtc(new DateOnly(round.Year + 1, 1, 1)));

    /// <summary>
    /// The handling records a round counts at a cut-off: those its <c>countIn</c> rule puts in the round's year, and
    /// started by the cut-off, less the complaints an upheld appeal excluded for the unit. The one reading of "in the round" that the tallies, the case lines and the chart share.
    /// A deadline is 24:00 China time of its last day, stored as 00:00 of the next: one on 31 December 24:00 falls
    /// in the year that ends then, hence (from, to] for deadlines and [from, to) for assignments.
    /// </summary>
    private IQueryable<HandlingRecord> InRound(EvaluationRoundDefinition round, DateTime cutoffUtc)
    {
        var year = round.Year;
        var rows = db.HandlingRecords.AsNoTracking().Where(r => r.AssignedAtUtc < cutoffUtc && r.StartedAtUtc <= cutoffUtc)
            // 核减: a complaint an upheld appeal took out of the unit's tally (wrong unit, malicious, duplicate) is not counted for it.
            .NotTakenOut(db, year);
        return CountedIn(rows, round);
    }

    /// <summary>
    /// The rows the round's <c>countIn</c> rule puts in its year (whatever the cut-off): the one reading of "this
    /// round's case" that the tallies and a deduction citing a complaint share.
    /// </summary>
    public static IQueryable<HandlingRecord> CountedIn(IQueryable<HandlingRecord> rows, EvaluationRoundDefinition round)
    {
        var (from, to) = Year(round);
        return round.Channel.CountIn == ChannelRates.AssignedYear
            ? rows.Where(r => r.AssignedAtUtc >= from && r.AssignedAtUtc < to)
            : rows.Where(r => r.InitialDueAtUtc > from && r.InitialDueAtUtc <= to);
    }

    /// <summary>The tallies of every unit (or of one) for the round, keyed by unit id.</summary>
    internal async Task<Dictionary<int, ChannelTally>> TallyAsync(EvaluationRoundDefinition round, DateTime cutoffUtc, int? unitId, CancellationToken ct)
    {
        var c = cutoffUtc;
        var cap = round.Channel.OverdueCapWorkingDays;
        // An approved answer still without a rating this long after approval counts as unrated.
        var unratedBy = c.AddDays(-round.Channel.UnratedAfterDays);
        var rows = InRound(round, c);
        if (unitId is { } only)
        {
            rows = rows.Where(r => r.UnitId == only);
        }

        // One pass, one GROUP BY: each count filters by the time of its own fact (conditional aggregates).
        var grouped = await rows
            .GroupBy(r => r.UnitId)
            .Select(g => new
            {
                UnitId = g.Key,
                Rounds = g.Count(r => r.Attempt == 1),
                Stopped = g.Count(r => r.StoppedAtUtc != null && r.StoppedAtUtc <= c),
                Responses = g.Count(r => r.RespondedAtUtc != null && r.RespondedAtUtc <= c),
                OnTime = g.Count(r => HandlingOutcomes.OnTimeBy(r, c)),
                StoppedLate = g.Count(r => HandlingOutcomes.StoppedLateBy(r, c)),
                DaysLate = g.Sum(r => r.StoppedAtUtc != null && r.StoppedAtUtc <= c ? r.WorkingDaysLate : 0),
                CappedDaysLate = g.Sum(r => r.StoppedAtUtc != null && r.StoppedAtUtc <= c ? (r.WorkingDaysLate > cap ? cap : r.WorkingDaysLate) : 0),
                RunningOverdue = g.Count(r => HandlingOutcomes.RunningOverdueAt(r, c)),
                SendBacks = g.Count(r => r.EndedBy == HandlingEnd.SentBack && r.EndedAtUtc <= c),
                Rated = g.Count(r => r.ApprovedAtUtc != null && r.ApprovedAtUtc <= c && r.QualityRating != null),
                QualitySum = g.Sum(r => r.ApprovedAtUtc != null && r.ApprovedAtUtc <= c && r.QualityRating != null ? r.QualityRating!.Value : 0),
                // The complainant's own rating; where they gave none by the cut-off, a reached 回访 call's answer stands in.
                Satisfied = g.Count(r => HandlingOutcomes.SatisfactionBy(r, c) == Satisfaction.Satisfied),
                Basically = g.Count(r => HandlingOutcomes.SatisfactionBy(r, c) == Satisfaction.BasicallySatisfied),
                Dissatisfied = g.Count(r => HandlingOutcomes.SatisfactionBy(r, c) == Satisfaction.Dissatisfied),
                ByCallback = g.Count(r => (r.RatedAtUtc == null || r.RatedAtUtc > c) && r.CallbackReached == true && r.CallbackAtUtc <= c),
                Unrated = g.Count(r => r.ApprovedAtUtc != null && r.ApprovedAtUtc <= unratedBy && (r.RatedAtUtc == null || r.RatedAtUtc > c)
                    && !(r.CallbackReached == true && r.CallbackAtUtc <= c)),
                NotReached = g.Count(r => r.ApprovedAtUtc != null && r.ApprovedAtUtc <= unratedBy && (r.RatedAtUtc == null || r.RatedAtUtc > c)
                    && r.CallbackReached == false && r.CallbackAtUtc <= c),
                Resolved = g.Count(r => HandlingOutcomes.ResolutionBy(r, c) == Resolution.Resolved),
                Partly = g.Count(r => HandlingOutcomes.ResolutionBy(r, c) == Resolution.Partly),
                Unresolved = g.Count(r => HandlingOutcomes.ResolutionBy(r, c) == Resolution.Unresolved),
                // Silence only: a rating given without 问题是否解决 (before it was asked) is left out of the 解决率.
                UnansweredResolution = g.Count(r => r.ApprovedAtUtc != null && r.ApprovedAtUtc <= unratedBy && (r.RatedAtUtc == null || r.RatedAtUtc > c)
                    && !(r.CallbackReached == true && r.CallbackAtUtc <= c)),
                Reopened = g.Count(r => r.EndedBy == HandlingEnd.Reopened && r.EndedAtUtc <= c),
                RejectedReturns = g.Sum(r => r.LastReturnRejectedAtUtc != null && r.LastReturnRejectedAtUtc <= c ? r.ReturnsRejected : 0),
                // 签收 (v3 rounds): decided once signed (or answered) by the cut-off, or once the signing deadline passed
                // unsigned while the unit still held the case (a transfer before the deadline leaves nothing to count).
                SignDecided = g.Count(r => r.SignDueAtUtc != null
                    && ((r.SignedAtUtc != null && r.SignedAtUtc <= c)
                        || ((r.SignedAtUtc == null || r.SignedAtUtc > c) && Deadlines.Late(c, r.SignDueAtUtc) && (r.EndedAtUtc == null || r.EndedAtUtc >= r.SignDueAtUtc)))),
                SignedOnTime = g.Count(r => r.SignDueAtUtc != null && r.SignedAtUtc != null && r.SignedAtUtc <= c && !Deadlines.Late(r.SignedAtUtc.Value, r.SignDueAtUtc)),
            })
            .ToListAsync(ct);

        var runningDays = await RunningDaysOverdueAsync(rows, c, cap, ct);

        return grouped.ToDictionary(g => g.UnitId, g => new ChannelTally(
            HandlingRounds: g.Rounds, Deadlines: g.Stopped + g.RunningOverdue, Responses: g.Responses, OnTime: g.OnTime,
            Overdue: g.StoppedLate + g.RunningOverdue,
            WorkingDaysOverdue: g.DaysLate + runningDays.GetValueOrDefault(g.UnitId).Days,
            CappedWorkingDaysOverdue: g.CappedDaysLate + runningDays.GetValueOrDefault(g.UnitId).Capped,
            SendBacks: g.SendBacks, Reopened: g.Reopened, RejectedReturns: g.RejectedReturns, QualityRatings: g.Rated, QualitySum: g.QualitySum,
            Satisfied: g.Satisfied, BasicallySatisfied: g.Basically, Dissatisfied: g.Dissatisfied, UnratedSatisfaction: g.Unrated,
            Resolved: g.Resolved, PartlyResolved: g.Partly, Unresolved: g.Unresolved, UnratedResolution: g.UnansweredResolution,
            SignDeadlines: g.SignDecided, SignedOnTime: g.SignedOnTime, RatedByCallback: g.ByCallback, CallbackNotReached: g.NotReached));
    }

    /// <summary>
    /// Deadlines still running past the cut-off: the working days overdue at the cut-off, and those capped at
    /// <paramref name="cap"/>, summed per unit.
    /// </summary>
    private async Task<Dictionary<int, (int Days, int Capped)>> RunningDaysOverdueAsync(IQueryable<HandlingRecord> rows, DateTime c, int cap, CancellationToken ct)
    {
        // Deadlines still running past the cut-off: how many working days overdue at the cut-off, per distinct
        // deadline. Two queries, not one with an OR: "not stopped" and "stopped after the cut-off" are each one
        // range of IX_HandlingRecords_Running, read without touching the table (an OR would scan the round again).
        var overdueAtCutoff = rows.Where(r => Deadlines.Late(c, r.DueAtUtc));
        var running = await overdueAtCutoff.Where(r => r.StoppedAtUtc == null)
            .GroupBy(r => new { r.UnitId, r.DueAtUtc })
            .Select(g => new { g.Key.UnitId, g.Key.DueAtUtc, Count = g.Count() })
            .ToListAsync(ct);
        running.AddRange(await overdueAtCutoff.Where(r => r.StoppedAtUtc > c)
            .GroupBy(r => new { r.UnitId, r.DueAtUtc })
            .Select(g => new { g.Key.UnitId, g.Key.DueAtUtc, Count = g.Count() })
            .ToListAsync(ct));
        var calendar = workflows.Calendar;
        var runningDays = new Dictionary<int, (int Days, int Capped)>();
        foreach (var r in running)
        {
            var due = DateTime.SpecifyKind(r.DueAtUtc, DateTimeKind.Utc);
            var days = calendar.WorkingDaysOverdue(due, c);
            var sum = runningDays.GetValueOrDefault(r.UnitId);
            runningDays[r.UnitId] = (sum.Days + r.Count * days, sum.Capped + r.Count * Math.Min(days, cap));
        }
        return runningDays;
    }

    public async Task<IReadOnlyList<ChannelCaseLine>> CasesAsync(
        EvaluationRoundDefinition round, DateTime cutoffUtc, string unitCode, CancellationToken cancellationToken)
    {
        EnsureUtc(cutoffUtc);
        var c = cutoffUtc;
        var rows = await (
                from r in InRound(round, c)
                join u in db.Units on r.UnitId equals u.Id
                join k in db.Complaints on r.ComplaintId equals k.Id
                where u.Code == unitCode
                orderby r.AssignedAtUtc, k.TrackingNumber, r.Round, r.Attempt
                select new { k.TrackingNumber, Record = r })
            .ToListAsync(cancellationToken);
        var calendar = workflows.Calendar;
        return rows.Select(x => Line(x.TrackingNumber, x.Record, c, calendar)).ToList();
    }

    public async Task<IReadOnlyList<ChannelOverdueSpan>> OverdueSpansAsync(
        EvaluationRoundDefinition round, DateTime cutoffUtc, CancellationToken cancellationToken)
    {
        EnsureUtc(cutoffUtc);
        var c = cutoffUtc;
        // Only the rows that were ever overdue before the cut-off: the rest never count on the chart.
        var rows = await (
                from r in InRound(round, c)
                join u in db.Units on r.UnitId equals u.Id
                where u.Active && Deadlines.Late(c, r.DueAtUtc) && (r.StoppedAtUtc == null || r.Late)
                select new { r.AssignedAtUtc, r.DueAtUtc, r.StoppedAtUtc })
            .ToListAsync(cancellationToken);
        return rows.Select(x => new ChannelOverdueSpan(
                DateTime.SpecifyKind(x.AssignedAtUtc, DateTimeKind.Utc),
                DateTime.SpecifyKind(x.DueAtUtc, DateTimeKind.Utc),
                By(x.StoppedAtUtc, c)))
            .ToList();
    }

    /// <summary>A recorded moment as the cut-off sees it: the time (UTC) if it had happened by then, else null.</summary>
    private static DateTime? By(DateTime? at, DateTime c) => at is { } t && t <= c ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null;

    /// <summary>One row as it stood at the cut-off: facts after it are not shown, a deadline still running counts its days up to it.</summary>
    private static ChannelCaseLine Line(string trackingNumber, HandlingRecord r, DateTime c, WorkingDayCalendar calendar)
    {
        var due = DateTime.SpecifyKind(r.DueAtUtc, DateTimeKind.Utc);
        var stopped = By(r.StoppedAtUtc, c) is not null;
        var responded = By(r.RespondedAtUtc, c);
        var overdue = stopped ? r.Late : Deadlines.Late(c, due);
        var daysLate = stopped ? r.WorkingDaysLate : calendar.WorkingDaysOverdue(due, c);
        var ended = By(r.EndedAtUtc, c) is not null ? r.EndedBy : null;
        var rated = By(r.RatedAtUtc, c) is not null ? r.Satisfaction : null;
        var rejected = By(r.LastReturnRejectedAtUtc, c) is not null ? r.ReturnsRejected : 0;
        return new ChannelCaseLine(
            trackingNumber,
            DateTime.SpecifyKind(r.AssignedAtUtc, DateTimeKind.Utc),
            due,
            responded,
            daysLate,
            OnTime: responded is not null && !r.Late,
            SendBacks: ended == HandlingEnd.SentBack ? 1 : 0,
            QualityRating: By(r.ApprovedAtUtc, c) is not null ? r.QualityRating : null,
            Satisfaction: rated is { } s ? Satisfactions.Codes.CodeOf(s) : null,
            Reopened: ended == HandlingEnd.Reopened,
            ReturnRejected: rejected > 0)
        {
            Round = r.Round,
            Attempt = r.Attempt,
            Overdue = overdue,
            StoppedAtUtc = By(r.StoppedAtUtc, c),
            EndedBy = ended switch
            {
                HandlingEnd.Transferred => "transferred",
                HandlingEnd.Returned => "returned",
                HandlingEnd.SentBack => "sent-back",
                HandlingEnd.Reopened => "reopened",
                _ => null,
            },
            ExtensionsGranted = r.ExtensionsGranted,
            RejectedReturns = rejected,
        };
    }
}
