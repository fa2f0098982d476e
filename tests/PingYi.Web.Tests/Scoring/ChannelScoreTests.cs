using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Scoring;

/// <summary>
/// The handling record and the channel score against complaints driven through the staff API on the fake clock.
/// The 2026 round runs 2026-08-17 to 12-10; every case is assigned Wed 2026-11-25 10:00 China time (the app's
/// start) and, as 形式主义 (15 working days), is due at the end of Wed 12-16 (2026-12-16T16:00Z). The cut-off is
/// Wed 2026-12-23 18:00 China time: Thu 12-17, Fri 12-18, Mon 12-21, Tue 12-22, Wed 12-23 are the working days after
/// the deadline by then. Expected scores are worked out by hand from the 2026 round file's rates (issue 22: weights
/// closedOnTime 0.25, overdue 0.1, resolved 0.2, satisfied 0.25, quality 0.1, rework 0.1; overdue capped at 10
/// working days; 基本满意 0.8 on the satisfaction scale), with minCases 0 and unrated answers counted as the lowest,
/// so that each unit's figure depends on its own cases only (the category-mean rules have their own tests).
/// No case here answers 问题是否解决, so the resolved rate is left out and the others re-weighted.
/// </summary>
public abstract class ChannelScoreTests(AppFixture fixture)
{
    private static readonly DateTime Cutoff = Utc("2026-12-23T10:00:00Z");
    private static readonly DateTime Due = Utc("2026-12-16T16:00:00Z");

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private static readonly Dictionary<string, double> WithoutSigning = new()
    {
        [ChannelRates.ClosedOnTime] = 0.25, [ChannelRates.Overdue] = 0.1, [ChannelRates.Resolved] = 0.2,
        [ChannelRates.Satisfied] = 0.25, [ChannelRates.Quality] = 0.1, [ChannelRates.Rework] = 0.1,
    };

    private void At(string iso)
    {
        var t = Utc(iso);
        if (fixture.App.Time.GetUtcNow().UtcDateTime < t)
        {
            fixture.App.Time.SetUtcNow(t);
        }
    }

    private Task Respond(string unit, string number) =>
        _api.DoAsync(Handler(unit), number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" });

    private async Task Feedback(string number, string code, string satisfaction) =>
        await ExpectAsync(await _api.FeedbackAsync(number, code, satisfaction), HttpStatusCode.OK);

    [Fact]
    public async Task Each_kind_of_handling_is_recorded_for_the_unit_that_held_the_case_and_scored_as_of_the_cut_off()
    {
        Assert.Equal(AppFactory.Start, fixture.App.Time.GetUtcNow());
        var token = Token("评分");
        async Task<(string Number, string Code)> Assigned(string unit)
        {
            var (number, code) = await _api.LodgeAsync($"{token} {unit}", unit);
            await _api.DoAsync(Supervisor, number, "assign", new { unitCode = unit });
            return (number, code);
        }
        var onTime = await Assigned("jyt");
        var late = await Assigned("gat");
        var extended = await Assigned("mzt");
        var sentBack = await Assigned("czt");
        var transferred = await Assigned("zrt");
        var reopened = await Assigned("jtt");
        var returned = await Assigned("wjw");

        At("2026-11-26T02:00:00Z");
        await _api.DoAsync(Handler("wjw"), returned.Number, "request-return", new { reason = "不属本单位职责" });
        await _api.DoAsync(Handler("mzt"), extended.Number, "request-extension", new { workingDays = 5, reason = "需要现场核查" });
        At("2026-11-27T02:00:00Z");
        await _api.DoAsync(Supervisor, returned.Number, "reject-return", new { reason = "属于本单位职责" });
        await _api.DoAsync(Supervisor, extended.Number, "approve-extension");
        At("2026-11-30T02:00:00Z");
        await Respond("czt", sentBack.Number);
        await Respond("jtt", reopened.Number);
        At("2026-12-01T02:00:00Z");
        await Respond("jyt", onTime.Number);
        await _api.DoAsync(Supervisor, sentBack.Number, "send-back", new { reason = "材料不全" });
        await _api.DoAsync(Supervisor, reopened.Number, "approve", new { qualityRating = 2 });
        At("2026-12-01T03:00:00Z");
        await _api.DoAsync(Supervisor, onTime.Number, "approve", new { qualityRating = 5 });
        await Feedback(reopened.Number, reopened.Code, "dissatisfied");
        At("2026-12-02T02:00:00Z");
        await Respond("czt", sentBack.Number);
        await _api.DoAsync(Supervisor, reopened.Number, "reopen", new { reason = "群众不满意，重新核查" });
        await Feedback(onTime.Number, onTime.Code, "satisfied");
        At("2026-12-03T02:00:00Z");
        await _api.DoAsync(Supervisor, sentBack.Number, "approve", new { qualityRating = 4 });
        At("2026-12-04T02:00:00Z");
        await Respond("jtt", reopened.Number);
        At("2026-12-07T02:00:00Z");
        await _api.DoAsync(Supervisor, reopened.Number, "approve", new { qualityRating = 4 });
        At("2026-12-08T02:00:00Z");
        await Feedback(reopened.Number, reopened.Code, "satisfied");
        // Fri 12-18 10:00: two working days (Thu 17, Fri 18) past the deadline.
        At("2026-12-18T02:00:00Z");
        await Respond("gat", late.Number);
        await Respond("mzt", extended.Number);
        await _api.DoAsync(Supervisor, transferred.Number, "transfer", new { unitCode = "zjt", reason = "职责在住建厅" });
        At("2026-12-18T03:00:00Z");
        await _api.DoAsync(Supervisor, late.Number, "approve", new { qualityRating = 3 });
        await _api.DoAsync(Supervisor, extended.Number, "approve", new { qualityRating = 4 });
        At("2026-12-18T04:00:00Z");
        await Feedback(late.Number, late.Code, "basically-satisfied");
        At("2026-12-24T02:00:00Z");

        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var rows = await db.HandlingRecords.AsNoTracking()
            .Join(db.Complaints, r => r.ComplaintId, c => c.Id, (r, c) => new { c.TrackingNumber, Record = r })
            .Join(db.Units, x => x.Record.UnitId, u => u.Id, (x, u) => new { x.TrackingNumber, Unit = u.Code, x.Record })
            .Where(x => x.TrackingNumber == transferred.Number || x.TrackingNumber == sentBack.Number || x.TrackingNumber == reopened.Number || x.TrackingNumber == returned.Number)
            .ToListAsync();
        // The transfer: the late days so far stay with 自然资源厅; 住建厅's round starts with the transfer.
        var moved = rows.Where(x => x.TrackingNumber == transferred.Number).OrderBy(x => x.Record.Round).ToList();
        Assert.Equal(["zrt", "zjt"], moved.Select(x => x.Unit));
        Assert.Equal((HandlingEnd.Transferred, true, 2), (moved[0].Record.EndedBy!.Value, moved[0].Record.Late, moved[0].Record.WorkingDaysLate));
        Assert.Equal((HandlingStart.Transfer, Utc("2026-12-18T02:00:00Z")), (moved[1].Record.StartedBy, moved[1].Record.AssignedAtUtc));
        // The send-back: two attempts in round 1; the reopen: two rounds, the 不满意 kept on the first.
        Assert.Equal([(1, 1, HandlingEnd.SentBack), (1, 2, (HandlingEnd?)null)],
            rows.Where(x => x.TrackingNumber == sentBack.Number).OrderBy(x => x.Record.Attempt).Select(x => (x.Record.Round, x.Record.Attempt, x.Record.EndedBy)));
        var rounds = rows.Where(x => x.TrackingNumber == reopened.Number).OrderBy(x => x.Record.Round).Select(x => x.Record).ToList();
        Assert.Equal([(Domain.Workflow.Satisfaction?)Domain.Workflow.Satisfaction.Dissatisfied, Domain.Workflow.Satisfaction.Satisfied], rounds.Select(r => r.Satisfaction));
        Assert.Equal([2, 4], rounds.Select(r => r.QualityRating!.Value));
        var rejected = Assert.Single(rows, x => x.TrackingNumber == returned.Number).Record;
        Assert.Equal((1, 1, (DateTime?)null), (rejected.ReturnRequests, rejected.ReturnsRejected, rejected.StoppedAtUtc));

        var file = scope.ServiceProvider.GetRequiredService<EvaluationRuntime>().Find(2026)!;
        // These cases are never signed for (签收 has its own tests, SigningRateTests): the round weighs the six other
        // rates as the 2026 file did before 及时签收率, which is what its weights re-normalise to without signing data.
        var round = file with
        {
            Channel = file.Channel with { MinCases = 0, UnratedPolicy = ChannelRates.Lowest, Weights = WithoutSigning },
        };
        var channel = scope.ServiceProvider.GetRequiredService<IChannelScores>();
        var scores = await channel.ForRoundAsync(round, Cutoff, CancellationToken.None);

        // 教育厅, on time: every rate at its best → 100.
        AssertFacts(scores["jyt"], rounds: 1, responses: 1, onTime: 1, overdue: 0, days: 0, sendBacks: 0, quality: 5, sat: (1, 0, 0), reopened: 0, rejected: 0);
        Assert.Equal(100, scores["jyt"].Score);
        // 公安厅, 2 days late: closedOnTime 0/1, overdue 1/1 with 2 days → 1 − 3/11, satisfied 0.8, quality 0.5, rework 1;
        // weights present 0.8: 100 × (0 + 0.1 × 8/11 + 0.25 × 0.8 + 0.1 × 0.5 + 0.1) / 0.8 = 52.84.
        AssertFacts(scores["gat"], rounds: 1, responses: 1, onTime: 0, overdue: 1, days: 2, sendBacks: 0, quality: 3, sat: (0, 1, 0), reopened: 0, rejected: 0);
        Assert.Equal(52.84, scores["gat"].Score);
        var gat = scores["gat"].Result;
        Assert.Equal((0.0, 1.0), (gat.Rate(ChannelRates.ClosedOnTime)!.Numerator, gat.Rate(ChannelRates.ClosedOnTime)!.Denominator));
        Assert.Equal(2.0, gat.MeanWorkingDaysOverdue);
        Assert.Null(gat.Rate(ChannelRates.Resolved)!.Points);
        // 民政厅, answered within its extension, not rated yet (approved 12-18, within the 7 days): closedOnTime 1,
        // overdue 0, quality 0.75, rework 1 over weights 0.55: 100 × (0.25 + 0.1 + 0.075 + 0.1) / 0.55 = 95.45.
        AssertFacts(scores["mzt"], rounds: 1, responses: 1, onTime: 1, overdue: 0, days: 0, sendBacks: 0, quality: 4, sat: (0, 0, 0), reopened: 0, rejected: 0);
        Assert.Equal(95.45, scores["mzt"].Score);
        // 财政厅, one send-back: two answers on time (1), rework 1/2 → 0.5, quality 0.75, and its answer approved 12-03
        // never rated: unrated, counted as 不满意 (0) and 未解决 (0), so every rate counts (weights 1):
        // 100 × (0.25 + 0.1 + 0 + 0 + 0.075 + 0.05) = 47.5.
        AssertFacts(scores["czt"], rounds: 1, responses: 2, onTime: 2, overdue: 0, days: 0, sendBacks: 1, quality: 4, sat: (0, 0, 0), reopened: 0, rejected: 0);
        Assert.Equal(1, scores["czt"].Facts.UnratedSatisfaction);
        Assert.Equal(47.5, scores["czt"].Score);
        Assert.Equal((0.0, 1.0), (scores["czt"].Result.Rate(ChannelRates.Resolved)!.Numerator, scores["czt"].Result.Rate(ChannelRates.Resolved)!.Denominator));
        // 自然资源厅 held the case 2 working days past its deadline before the transfer: closedOnTime 0 and overdue
        // 1 − 3/11 over weights 0.35: 100 × 0.1 × 8/11 / 0.35 = 20.78.
        AssertFacts(scores["zrt"], rounds: 1, responses: 0, onTime: 0, overdue: 1, days: 2, sendBacks: 0, quality: null, sat: (0, 0, 0), reopened: 0, rejected: 0);
        Assert.Equal(20.78, scores["zrt"].Score);
        // 住建厅 got the case on 12-18; its deadline (15 working days) falls in 2027, so it counts in the 2027 round:
        // no cases in 2026 → the channel is left out of its composite, never full marks.
        Assert.True(scores["zjt"].NoCases);
        Assert.True(scores["zjt"].Excluded);
        Assert.Null(scores["zjt"].Score);
        // 交通运输厅, reopened after 不满意: two rounds on time, satisfied (0 + 1) / 2, quality (2 + 4 − 2) / 4 / 2 = 0.5,
        // rework (0 sent back + 1 reopened) / 2: 100 × (0.25 + 0.1 + 0.125 + 0.05 + 0.05) / 0.8 = 71.875 → 71.88.
        AssertFacts(scores["jtt"], rounds: 2, responses: 2, onTime: 2, overdue: 0, days: 0, sendBacks: 0, quality: 3, sat: (1, 0, 1), reopened: 1, rejected: 0);
        Assert.Equal(71.88, scores["jtt"].Score);
        // 卫健委, return rejected and still unanswered at the cut-off: overdue 5 working days (17, 18, 21, 22, 23):
        // 100 × 0.1 × (1 − 6/11) / 0.35 = 12.99. The rejected return is shown, not scored.
        AssertFacts(scores["wjw"], rounds: 1, responses: 0, onTime: 0, overdue: 1, days: 5, sendBacks: 0, quality: null, sat: (0, 0, 0), reopened: 0, rejected: 1);
        Assert.Equal(12.99, scores["wjw"].Score);

        var lines = await channel.CasesAsync(round, Cutoff, "czt", CancellationToken.None);
        Assert.Equal([(1, "sent-back", 1), (2, null, 0)], lines.Select(l => (l.Attempt, l.EndedBy, l.SendBacks)));
        Assert.All(lines, l => Assert.True(l.OnTime));
        var open = Assert.Single(await channel.CasesAsync(round, Cutoff, "wjw", CancellationToken.None));
        Assert.Equal((returned.Number, Due, (DateTime?)null, 5, true, true), (open.TrackingNumber, open.DueAtUtc!.Value, open.RespondedAtUtc, open.WorkingDaysLate, open.Overdue, open.ReturnRejected));

        // The overdue chart reads every unit's overdue rounds in one query; its weekly points must be what the
        // per-unit case lines (the explanation's own reading of the record) say for each moment.
        var reports = scope.ServiceProvider.GetRequiredService<ScoringReports>();
        var activeCodes = await db.Units.AsNoTracking().Where(u => u.Active).Select(u => u.Code).ToListAsync();
        var allLines = new List<ChannelCaseLine>();
        foreach (var unitCode in activeCodes)
        {
            allLines.AddRange(await channel.CasesAsync(round, Cutoff, unitCode, CancellationToken.None));
        }
        var points = await reports.OverdueSeriesAsync(round, Cutoff, CancellationToken.None);
        Assert.Equal(new DateOnly(2026, 8, 17), points[0].Day);
        Assert.Equal(new DateOnly(2026, 12, 23), points[^1].Day);
        foreach (var point in points)
        {
            var at = point.Day == points[^1].Day ? Cutoff : Domain.Common.ChinaTime.StartOfDayUtc(point.Day.AddDays(1));
            Assert.Equal((point.Day, allLines.Count(l => l.AssignedAtUtc <= at && l.DueAtUtc is { } d && d < at && (l.StoppedAtUtc is null || l.StoppedAtUtc > d && l.StoppedAtUtc > at))),
                (point.Day, point.Overdue));
        }
        // At the cut-off 卫健委's unanswered case is overdue on the chart; 自然资源厅's round stays overdue in its record
        // (its late days count against it) but left the chart with the transfer (Fri 12-18), which stopped its clock.
        Assert.True(points[^1].Overdue >= 1);
        Assert.Contains(allLines, l => l.TrackingNumber == returned.Number && l.Overdue && l.StoppedAtUtc is null);
        var leftByTransfer = Assert.Single(allLines, l => l.TrackingNumber == transferred.Number && l.EndedBy == "transferred");
        Assert.True(leftByTransfer.Overdue);
        Assert.Equal(Utc("2026-12-18T02:00:00Z"), leftByTransfer.StoppedAtUtc);
        var spans = await channel.OverdueSpansAsync(round, Cutoff, CancellationToken.None);
        Assert.Contains(spans, s => s.StoppedAtUtc == Utc("2026-12-18T02:00:00Z"));

        // A cut-off between the deadline and the answers (Thu 12-17 18:00 China time): 公安厅's answer (Fri 12-18) and
        // 自然资源厅's transfer came after it, so both deadlines were still running, one working day (Thu 17) past.
        var midway = await channel.ForRoundAsync(round, Utc("2026-12-17T10:00:00Z"), CancellationToken.None);
        Assert.Equal((1, 1, 0), (midway["gat"].Facts.Overdue, midway["gat"].Facts.WorkingDaysOverdue, midway["gat"].Facts.Responses));
        Assert.Equal((1, 1), (midway["zrt"].Facts.Overdue, midway["zrt"].Facts.WorkingDaysOverdue));
        Assert.Equal((1, 1), (midway["wjw"].Facts.Overdue, midway["wjw"].Facts.WorkingDaysOverdue));

        // An earlier cut-off sees only what had happened by then: on Tue 12-01 08:00 China time 教育厅 had not answered
        // (it did at 10:00) and 交通运输厅's answer was not yet approved.
        var early = await channel.ForRoundAsync(round, Utc("2026-12-01T00:00:00Z"), CancellationToken.None);
        Assert.Equal((1, 0, 0), (early["jyt"].Facts.HandlingRounds, early["jyt"].Facts.Responses, early["jyt"].Facts.Overdue));
        // Nothing decided yet (its deadline is ahead): nothing to score it on, so no channel score rather than full marks.
        Assert.Null(early["jyt"].Score);
        Assert.Equal((1, 0, (double?)null, 0), (early["jtt"].Facts.Responses, early["jtt"].Facts.QualityRatings, early["jtt"].Facts.AverageQuality, early["jtt"].Facts.Reopened));
    }

    [Fact]
    public async Task The_start_up_backfill_rebuilds_a_missing_record_from_the_timeline_once()
    {
        var token = Token("补录");
        var (number, code) = await _api.LodgeAsync($"{token} 补录", "hg");
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "hg" });
        await _api.DoAsync(Handler("hg"), number, "request-return", new { reason = "不属本单位职责" });
        await _api.DoAsync(Supervisor, number, "reject-return", new { reason = "属于本单位职责" });
        await Respond("hg", number);
        await _api.DoAsync(Supervisor, number, "send-back", new { reason = "补充" });
        await Respond("hg", number);
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
        await Feedback(number, code, "dissatisfied");
        await _api.DoAsync(Supervisor, number, "reopen", new { reason = "复查" });

        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var id = await db.Complaints.Where(c => c.TrackingNumber == number).Select(c => c.Id).SingleAsync();
        async Task<List<string>> Rows() => (await db.HandlingRecords.AsNoTracking().Where(r => r.ComplaintId == id).OrderBy(r => r.Round).ThenBy(r => r.Attempt).ToListAsync())
            .Select(r => $"{r.Round}.{r.Attempt} {r.UnitId} {r.StartedBy} {r.AssignedAtUtc:O} {r.StartedAtUtc:O} {r.DueAtUtc:O} {r.RespondedAtUtc:O} {r.Late} {r.WorkingDaysLate} "
                + $"{r.ApprovedAtUtc:O} {r.QualityRating} {r.Satisfaction} {r.RatedAtUtc:O} {r.ReturnRequests} {r.ReturnsRejected} {r.EndedBy} {r.EndedAtUtc:O}")
            .ToList();
        var live = await Rows();
        Assert.Equal(3, live.Count);

        // The app's start-up ran the backfill and recorded that it completed.
        Task<bool> Completed() => db.CompletedDataSteps.AsNoTracking().AnyAsync(s => s.Name == HandlingRecordBackfill.StepName);
        Assert.True(await Completed());

        // As if handled before the record existed: the rows are gone, the timeline is there, the backfill never ran.
        await db.HandlingRecords.Where(r => r.ComplaintId == id).ExecuteDeleteAsync();
        await db.CompletedDataSteps.Where(s => s.Name == HandlingRecordBackfill.StepName).ExecuteDeleteAsync();
        Assert.Empty(await Rows());
        Assert.True(await HandlingRecordBackfill.RunAsync(scope.ServiceProvider, NullLogger.Instance) >= 1);
        Assert.Equal(live, await Rows());
        Assert.True(await Completed());

        // A second start-up does not search the complaints again: even with the rows gone once more, it finds its
        // record of the completed run and does nothing (a rescan would rebuild them).
        await db.HandlingRecords.Where(r => r.ComplaintId == id).ExecuteDeleteAsync();
        Assert.Equal(0, await HandlingRecordBackfill.RunAsync(scope.ServiceProvider, NullLogger.Instance));
        Assert.Empty(await Rows());

        // Without the record of completion it runs (and completes) again, idempotently.
        await db.CompletedDataSteps.Where(s => s.Name == HandlingRecordBackfill.StepName).ExecuteDeleteAsync();
        Assert.True(await HandlingRecordBackfill.RunAsync(scope.ServiceProvider, NullLogger.Instance) >= 1);
        Assert.Equal(live, await Rows());
        Assert.Equal(0, await HandlingRecordBackfill.RunAsync(scope.ServiceProvider, NullLogger.Instance));
    }

    private static void AssertFacts(ChannelUnitScore s, int rounds, int responses, int onTime, int overdue, int days, int sendBacks, double? quality,
        (int Satisfied, int Basically, int Dissatisfied) sat, int reopened, int rejected)
    {
        var f = s.Facts;
        Assert.False(s.NoCases, s.UnitCode);
        Assert.Equal((s.UnitCode, rounds, responses, onTime, overdue, days, sendBacks), (s.UnitCode, f.HandlingRounds, f.Responses, f.OnTime, f.Overdue, f.WorkingDaysOverdue, f.SendBacks));
        Assert.Equal((s.UnitCode, quality, sat.Satisfied, sat.Basically, sat.Dissatisfied, reopened, rejected),
            (s.UnitCode, f.AverageQuality, f.Satisfied, f.BasicallySatisfied, f.Dissatisfied, f.Reopened, f.RejectedReturns));
    }
}

public sealed class SqliteChannelScoreTests(SqliteApp fixture) : ChannelScoreTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresChannelScoreTests(PostgresApp fixture) : ChannelScoreTests(fixture), IClassFixture<PostgresApp>;
