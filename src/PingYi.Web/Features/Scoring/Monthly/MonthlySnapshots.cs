using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring.Monthly;

/// <summary>
/// Takes the monthly 通报 snapshot (issue 23 §5): the job <c>monthly-snapshot</c> runs daily and acts only on the first
/// working day of the month (the app's working-day calendar), for every open round of the current year; a supervisor
/// can take the current month's snapshot by hand. Exactly once per round and month: a snapshot already there is
/// kept, and the unique index on (year, month) decides a race between nodes or between the job and a person.
/// </summary>
public static class MonthlySnapshots
{
    public const string JobId = "monthly-snapshot";

    /// <param name="Taken">Rounds snapshotted by this run.</param>
    /// <param name="AlreadyTaken">Rounds whose snapshot of this month was already stored.</param>
    /// <param name="Acted">False on any day but the first working day of the month.</param>
    public sealed record JobOutcome(bool Acted, string Date, IReadOnlyList<int> Taken, IReadOnlyList<int> AlreadyTaken);

    public sealed record TakeResponse(int Year, int Month, bool Created, DateTime TakenAt, DateTime CutoffAt, int Units);

    public sealed class Handler(PingYiDbContext db, EvaluationRuntime runtime, WorkflowRuntime workflows, ScoringResults results,
        TimeProvider time, AuditLog audit, ILogger<Handler> logger)
    {
        public async Task<JobOutcome> RunJobAsync(CancellationToken ct)
        {
            var today = ChinaTime.Today(time);
            if (!MonthlyRanking.IsFirstWorkingDayOfMonth(workflows.Calendar, today))
            {
                return new JobOutcome(false, today.ToString("yyyy-MM-dd"), [], []);
            }
            var open = await db.EvaluationRounds.AsNoTracking().Where(r => r.Status == RoundStatus.Open && r.Year == today.Year)
                .Select(r => r.Year).ToListAsync(ct);
            var taken = new List<int>();
            var already = new List<int>();
            foreach (var year in open)
            {
                var (_, created) = await TakeAsync(year, today.Month, null, ct);
                (created ? taken : already).Add(year);
            }
            if (taken.Count > 0)
            {
                logger.LogInformation("Monthly snapshot {Month} taken for rounds {Years}.", today.ToString("yyyy-MM"), string.Join(", ", taken));
            }
            return new JobOutcome(true, today.ToString("yyyy-MM-dd"), taken, already);
        }

        /// <summary>A supervisor's request: the current month's snapshot of <paramref name="year"/>'s open round, once.</summary>
        public async Task<Result<TakeResponse>> TakeNowAsync(int year, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!user.IsSupervisor())
            {
                return RequestFailure.Forbidden("无权生成月度通报", "year", "只有纪检监察工委可以生成月度通报。");
            }
            var today = ChinaTime.Today(time);
            var round = await db.EvaluationRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Year == year, ct);
            if (round is null || runtime.Find(year) is null)
            {
                return RequestFailure.NotFound("评议年度不存在", "year", $"没有 {year} 年度评议。");
            }
            if (year != today.Year)
            {
                return RequestFailure.Conflict("只能生成本月的月度通报", "year",
                    $"月度通报只能在当月生成：今天是 {today:yyyy年M月d日}，{year} 年度没有本月。");
            }
            if (round.Status != RoundStatus.Open)
            {
                return RequestFailure.Conflict("评议不在进行中", "year", $"{year} 年度评议{RoundStatuses.LabelOf(round.Status)}，月度通报只在评议进行中生成。");
            }
            var (snapshot, created) = await TakeAsync(year, today.Month, user.UserId(), ct);
            if (created)
            {
                audit.Record(user, AuditKinds.MonthlySnapshot, $"evaluation:{year}:monthly:{today.Month}", null,
                    new { year, month = today.Month, units = snapshot.Lines.Count });
                await db.SaveChangesAsync(ct);
            }
            return new TakeResponse(year, today.Month, created, snapshot.TakenAtUtc, snapshot.CutoffUtc, snapshot.Lines.Count);
        }

        /// <summary>Stores the snapshot of (year, month) unless one is there; answers the stored one and whether this call made it.</summary>
        public async Task<(MonthlySnapshot Snapshot, bool Created)> TakeAsync(int year, int month, string? takenById, CancellationToken ct)
        {
            if (await ExistingAsync(year, month, ct) is { } existing)
            {
                return (existing, false);
            }
            var found = runtime.Find(year) ?? throw new InvalidOperationException($"No round file for {year}.");
            var round = await db.EvaluationRounds.AsNoTracking().SingleAsync(r => r.Year == year, ct);
            var live = await results.LiveAsync(new RoundContext(round, found), ct);
            var units = live.Results.Units.ToDictionary(u => u.UnitCode, StringComparer.Ordinal);
            var lines = live.Inputs.Select(i =>
            {
                var result = units.GetValueOrDefault(i.UnitCode);
                var rates = ChannelRates.All.ToDictionary(r => r, r => i.Channel?.Result.Rate(r)?.Value, StringComparer.Ordinal);
                return new MonthlySnapshotLine(i.UnitCode, i.Name, i.Category, i.Channel?.Facts.HandlingRounds ?? 0, i.Channel?.Score, rates,
                    result is { Scored: true } ? result.Score : null, result is { Scored: true } ? result.Rank : null);
            }).ToList();
            MonthlyRanking.Rank(lines);
            var snapshot = new MonthlySnapshot(year, month, time.GetUtcNow().UtcDateTime, live.Results.CutoffUtc, takenById, lines);
            db.MonthlySnapshots.Add(snapshot);
            try
            {
                await db.SaveChangesAsync(ct);
                return (snapshot, true);
            }
            catch (DbUpdateException)
            {
                // Another node (or the job and a person at once) stored it first: theirs stands.
                db.Entry(snapshot).State = EntityState.Detached;
                foreach (var line in lines)
                {
                    db.Entry(line).State = EntityState.Detached;
                }
                return (await ExistingAsync(year, month, ct) ?? throw new InvalidOperationException("The monthly snapshot was neither stored nor found."), false);
            }
        }

        private Task<MonthlySnapshot?> ExistingAsync(int year, int month, CancellationToken ct) =>
            db.MonthlySnapshots.AsNoTracking().Include(s => s.Lines).SingleOrDefaultAsync(s => s.Year == year && s.Month == month, ct);
    }
}
