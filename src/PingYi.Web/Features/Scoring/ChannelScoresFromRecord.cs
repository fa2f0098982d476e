using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// <see cref="IChannelScores"/> over the typed handling record. A row counts in the round whose period contains
/// its <see cref="HandlingRecord.AssignedAtUtc"/> (China dates), provided its deadline had started by the cut-off,
/// and only with what had happened by the cut-off: every fact is filtered by its own time. All units' counts come
/// from one GROUP BY over the round's rows; the working days of deadlines still running past the cut-off need the
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
        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Active }).ToListAsync(cancellationToken);
        var result = new Dictionary<string, ChannelUnitScore>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            // A retired unit still answers for the cases it had in the round; one with none is left out.
            var tally = tallies.GetValueOrDefault(unit.Id);
            if (!unit.Active && tally is null)
            {
                continue;
            }
            result[unit.Code] = ToScore(round.Channel, unit.Code, tally ?? ChannelTally.Empty);
        }
        return result;
    }

    private static void EnsureUtc(DateTime cutoffUtc)
    {
        if (cutoffUtc.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException("The cut-off is a UTC time.", nameof(cutoffUtc));
        }
    }

    public static ChannelUnitScore ToScore(ChannelScoreParameters parameters, string unitCode, ChannelTally tally)
    {
        var score = ChannelScoreCalculator.Score(parameters, tally);
        return new ChannelUnitScore(unitCode, score.Score, score.NoCases, ChannelFacts.From(tally))
        {
            Excluded = score.Excluded,
            Breakdown = score,
        };
    }

    /// <summary>The period's window of assignment times: from 00:00 China time of the first day to 24:00 of the last, and not after the cut-off.</summary>
    private static (DateTime From, DateTime To) Window(EvaluationRoundDefinition round, DateTime cutoffUtc)
    {
        var from = ChinaTime.StartOfDayUtc(round.PeriodStart);
        var end = WorkingDayCalendar.EndOfDayUtc(round.PeriodEnd);
        return (from, end < cutoffUtc ? end : cutoffUtc);
    }

    /// <summary>
    /// The handling records a round counts at a cut-off: assigned within the period's window (up to the cut-off) and
    /// started by then. The one reading of "in the round" that the tallies, the case lines and the chart share.
    /// </summary>
    private IQueryable<HandlingRecord> InRound(EvaluationRoundDefinition round, DateTime cutoffUtc)
    {
        var (start, end) = Window(round, cutoffUtc);
        return db.HandlingRecords.AsNoTracking()
            .Where(r => r.AssignedAtUtc >= start && r.AssignedAtUtc < end && r.StartedAtUtc <= cutoffUtc);
    }

    /// <summary>The tallies of every unit (or of one) for the round, keyed by unit id.</summary>
    internal async Task<Dictionary<int, ChannelTally>> TallyAsync(EvaluationRoundDefinition round, DateTime cutoffUtc, int? unitId, CancellationToken ct)
    {
        var c = cutoffUtc;
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
                OnTime = g.Count(r => r.RespondedAtUtc != null && r.RespondedAtUtc <= c && !r.Late),
                StoppedLate = g.Count(r => r.StoppedAtUtc != null && r.StoppedAtUtc <= c && r.Late),
                DaysLate = g.Sum(r => r.StoppedAtUtc != null && r.StoppedAtUtc <= c ? r.WorkingDaysLate : 0),
                RunningOverdue = g.Count(r => (r.StoppedAtUtc == null || r.StoppedAtUtc > c) && Deadlines.Late(c, r.DueAtUtc)),
                SendBacks = g.Count(r => r.EndedBy == HandlingEnd.SentBack && r.EndedAtUtc <= c),
                Rated = g.Count(r => r.ApprovedAtUtc != null && r.ApprovedAtUtc <= c && r.QualityRating != null),
                QualitySum = g.Sum(r => r.ApprovedAtUtc != null && r.ApprovedAtUtc <= c && r.QualityRating != null ? r.QualityRating!.Value : 0),
                Satisfied = g.Count(r => r.RatedAtUtc != null && r.RatedAtUtc <= c && r.Satisfaction == Satisfaction.Satisfied),
                Basically = g.Count(r => r.RatedAtUtc != null && r.RatedAtUtc <= c && r.Satisfaction == Satisfaction.BasicallySatisfied),
                Dissatisfied = g.Count(r => r.RatedAtUtc != null && r.RatedAtUtc <= c && r.Satisfaction == Satisfaction.Dissatisfied),
                Reopened = g.Count(r => r.EndedBy == HandlingEnd.Reopened && r.EndedAtUtc <= c),
                RejectedReturns = g.Sum(r => r.LastReturnRejectedAtUtc != null && r.LastReturnRejectedAtUtc <= c ? r.ReturnsRejected : 0),
            })
            .ToListAsync(ct);

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
        var runningDays = new Dictionary<int, int>();
        foreach (var r in running)
        {
            var due = DateTime.SpecifyKind(r.DueAtUtc, DateTimeKind.Utc);
            runningDays[r.UnitId] = runningDays.GetValueOrDefault(r.UnitId) + r.Count * calendar.WorkingDaysOverdue(due, c);
        }

        return grouped.ToDictionary(g => g.UnitId, g => new ChannelTally(
            HandlingRounds: g.Rounds,
            Deadlines: g.Stopped + g.RunningOverdue,
            Responses: g.Responses,
            OnTime: g.OnTime,
            Overdue: g.StoppedLate + g.RunningOverdue,
            WorkingDaysOverdue: g.DaysLate + runningDays.GetValueOrDefault(g.UnitId),
            SendBacks: g.SendBacks,
            QualityRatings: g.Rated,
            QualitySum: g.QualitySum,
            Satisfied: g.Satisfied,
            BasicallySatisfied: g.Basically,
            Dissatisfied: g.Dissatisfied,
            Reopened: g.Reopened,
            RejectedReturns: g.RejectedReturns));
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
