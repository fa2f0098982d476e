using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring.Monthly;

/// <summary>
/// The monthly 通报 of a round: the months with a snapshot (<c>GET /api/v1/evaluations/{year}/monthly</c>) and one
/// month's rows by category with the rank change against the previous snapshot (<c>…/monthly/{month}</c>). Supervisors
/// and Admins read every unit; a unit's handlers read their own unit's line only (never another unit's rank); everyone
/// else 403. The page, the xlsx and the chart read the same handler.
/// </summary>
public static class GetMonthly
{
    public sealed record MonthItem(int Month, DateTime TakenAt, DateTime CutoffAt, string TakenBy, int Units);

    public sealed record MonthsResponse(int Year, IReadOnlyList<MonthItem> Months);

    /// <param name="RankChange">Previous rank − this rank: positive moved up, negative moved down; null without both ranks.</param>
    public sealed record UnitLine(
        string UnitCode, string Name, int Cases, double? ChannelScore, int? ChannelRank, bool BottomTwo,
        IReadOnlyDictionary<string, double?> Rates, double? Composite, int? CompositeRank, int? PreviousRank, int? RankChange);

    public sealed record CategoryLines(string Category, string Label, int Ranked, IReadOnlyList<UnitLine> Units);

    /// <param name="PreviousMonth">The snapshot the rank change compares with (the latest earlier month of the round), if any.</param>
    public sealed record MonthResponse(int Year, int Month, DateTime TakenAt, DateTime CutoffAt, int? PreviousMonth, IReadOnlyList<CategoryLines> Categories)
    {
        public IEnumerable<UnitLine> Units => Categories.SelectMany(c => c.Units);
    }

    /// <summary>A unit's channel score and rank month by month (the trend chart).</summary>
    public sealed record TrendPoint(int Month, double? ChannelScore, int? ChannelRank, int Ranked);

    public sealed class Handler(PingYiDbContext db)
    {
        public async Task<Result<MonthsResponse>> MonthsAsync(int year, ClaimsPrincipal user, CancellationToken ct)
        {
            if (Refused(user) is { } refused)
            {
                return refused;
            }
            var months = await db.MonthlySnapshots.AsNoTracking().Where(s => s.Year == year).OrderBy(s => s.Month)
                .Select(s => new MonthItem(s.Month, s.TakenAtUtc, s.CutoffUtc, s.TakenById == null ? "job" : "manual", s.Lines.Count))
                .ToListAsync(ct);
            if (months.Count == 0 && !await db.EvaluationRounds.AsNoTracking().AnyAsync(r => r.Year == year, ct))
            {
                return RequestFailure.NotFound("评议年度不存在", "year", $"没有 {year} 年度评议。");
            }
            return new MonthsResponse(year, months);
        }

        public async Task<Result<MonthResponse>> MonthAsync(int year, int month, ClaimsPrincipal user, CancellationToken ct)
        {
            if (Refused(user) is { } refused)
            {
                return refused;
            }
            if (month is < 1 or > 12)
            {
                return RequestFailure.Invalid("月份无效", "month", "月份应为 1 到 12。");
            }
            var snapshot = await db.MonthlySnapshots.AsNoTracking().Include(s => s.Lines).SingleOrDefaultAsync(s => s.Year == year && s.Month == month, ct);
            if (snapshot is null)
            {
                return RequestFailure.NotFound("没有该月的月度通报", "month", $"{year} 年度 {month} 月尚未生成月度通报。");
            }
            var previous = await db.MonthlySnapshots.AsNoTracking().Include(s => s.Lines)
                .Where(s => s.Year == year && s.Month < month).OrderByDescending(s => s.Month).FirstOrDefaultAsync(ct);
            var before = previous?.Lines.ToDictionary(l => l.UnitCode, l => l.ChannelRank, StringComparer.Ordinal) ?? [];
            var own = await OwnUnitCodeAsync(user, ct);
            var categories = UnitCategories.Codes.All
                .Select(c =>
                {
                    var lines = snapshot.Lines.Where(l => l.Category == c.Value).ToList();
                    var shown = own is null ? lines : lines.Where(l => l.UnitCode == own).ToList();
                    return new CategoryLines(c.Code, c.Label, lines.Count(l => l.ChannelRank is not null),
                        shown.OrderBy(l => l.ChannelRank ?? int.MaxValue).ThenBy(l => l.UnitCode, StringComparer.Ordinal)
                            .Select(l => ToLine(l, before.GetValueOrDefault(l.UnitCode)))
                            // The round's composite rank stays the committee's until publication (as on the breakdown):
                            // a unit sees its interim channel rank, which is what the monthly 通报 and its warning are about.
                            .Select(l => own is null ? l : l with { CompositeRank = null }).ToList());
                })
                .Where(c => own is null || c.Units.Count > 0)
                .ToList();
            return new MonthResponse(year, month, snapshot.TakenAtUtc, snapshot.CutoffUtc, previous?.Month, categories);
        }

        /// <summary>A unit's line month by month; a unit's handlers only their own unit (others: an empty list).</summary>
        public async Task<IReadOnlyList<TrendPoint>> TrendAsync(int year, string unitCode, ClaimsPrincipal user, CancellationToken ct)
        {
            var own = await OwnUnitCodeAsync(user, ct);
            if (Refused(user) is not null || own is not null && own != unitCode)
            {
                return [];
            }
            // One flat read of the year's lines (12 months × the units at most), grouped here.
            var rows = await db.MonthlySnapshots.AsNoTracking().Where(s => s.Year == year)
                .SelectMany(s => s.Lines, (s, l) => new { s.Month, l.UnitCode, l.Category, l.ChannelScore, l.ChannelRank })
                .ToListAsync(ct);
            return rows.GroupBy(r => r.Month).OrderBy(g => g.Key)
                .Select(g => (Month: g.Key, Line: g.FirstOrDefault(r => r.UnitCode == unitCode), All: g.ToList()))
                .Where(m => m.Line is not null)
                .Select(m => new TrendPoint(m.Month, m.Line!.ChannelScore, m.Line.ChannelRank, m.All.Count(l => l.Category == m.Line.Category && l.ChannelRank is not null)))
                .ToList();
        }

        /// <summary>The unit a handler is limited to (null: Supervisors and Admins see every unit).</summary>
        public async Task<string?> OwnUnitCodeAsync(ClaimsPrincipal user, CancellationToken ct)
        {
            if (user.IsCommittee())
            {
                return null;
            }
            var unitId = user.UnitId();
            return await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Code).SingleOrDefaultAsync(ct) ?? string.Empty;
        }

        private static RequestFailure? Refused(ClaimsPrincipal user) =>
            user.IsCommittee() || user.OwnUnit() is not null
                ? null
                : RequestFailure.Forbidden("无权查看月度通报", "year", "月度通报只有纪检监察工委、系统管理员和参评单位（本单位）可以查看。");
    }

    public static UnitLine ToLine(MonthlySnapshotLine l, int? previousRank) => new(
        l.UnitCode, l.UnitName, l.Cases, l.ChannelScore, l.ChannelRank, l.BottomTwo, l.Rates, l.Composite, l.CompositeRank,
        previousRank, previousRank is { } p && l.ChannelRank is { } r ? p - r : null);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/monthly", async (int year, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.MonthsAsync(year, http.User, ct)).ToOk();
            })
            .RequireAuthorization()
            .WithName("ListMonthlySnapshots")
            .WithSummary("月度通报：已生成的月份")
            .Produces<MonthsResponse>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapGet("/evaluations/{year:int}/monthly/{month:int}", async (int year, int month, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.MonthAsync(year, month, http.User, ct)).ToOk();
            })
            .RequireAuthorization()
            .WithName("GetMonthlySnapshot")
            .WithSummary("月度通报：某月各类别直通车比率与阶段排名")
            .Produces<MonthResponse>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapGet("/evaluations/{year:int}/monthly/{month:int}.xlsx", async (int year, int month, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var result = await handler.MonthAsync(year, month, http.User, ct);
                return result.Succeeded
                    ? Results.File(MonthlyReports.Xlsx(result.Value!), ScoringReports.XlsxType, $"月度通报-{year}-{month:00}.xlsx")
                    : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("ExportMonthlySnapshot")
            .WithSummary("导出月度通报（xlsx）")
            .Produces(StatusCodes.Status200OK, contentType: ScoringReports.XlsxType)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapPost("/evaluations/{year:int}/monthly", async (int year, HttpContext http, MonthlySnapshots.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.TakeNowAsync(year, http.User, ct);
                return result.Succeeded && result.Value!.Created
                    ? Results.Created($"/api/v1/evaluations/{year}/monthly/{result.Value.Month}", result.Value)
                    : result.ToOk();
            })
            .RequireAuthorization()
            .WithName("TakeMonthlySnapshot")
            .WithSummary("生成本月月度通报（纪检监察工委；已生成则返回已有的）")
            .Produces<MonthlySnapshots.TakeResponse>(StatusCodes.Status201Created)
            .Produces<MonthlySnapshots.TakeResponse>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }
}
