using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The ranking tables of a round (fixed point: <c>GET /api/v1/evaluations/{year}/rankings</c>). Before publication
/// only Supervisors and Admins read them (403 for everyone else, signed in or not); fed back to the units, a unit's
/// handlers read their own category's table; once published, anyone. The
/// staff pages, the public page, the charts and the xlsx export read the same <see cref="Handler.LoadAsync"/>.
/// </summary>
public static class GetRankings
{
    /// <param name="Ranked">
    /// False for a unit with no score from any source: it has no composite to compare, so its <c>score</c> and
    /// <c>rank</c> are null (no data is not a score of 0, and not a place at the bottom).
    /// </param>
    public sealed record UnitRow(
        string UnitCode, string Name, int? Rank, double? Score, IReadOnlyDictionary<string, double?> Sources,
        double Deductions, bool TrackingList, bool PublicNotice, bool Ranked);

    public sealed record CategoryRows(string Category, IReadOnlyList<UnitRow> Units);

    /// <summary>The rankings; <c>fingerprint</c> is the approved result's SHA-256 (null before approval).</summary>
    public sealed record Response(int Year, bool Approved, IReadOnlyList<CategoryRows> Categories)
    {
        public string? Fingerprint { get; init; }
    }

    public sealed record Loaded(RoundContext Round, RoundResults Results);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, ScoringResults results, IAuthorizationService authorization)
    {
        /// <summary>The years with a stored round, latest first.</summary>
        public async Task<IReadOnlyList<int>> YearsAsync(CancellationToken ct) =>
            await db.EvaluationRounds.AsNoTracking().OrderByDescending(r => r.Year).Select(r => r.Year).ToListAsync(ct);

        /// <summary>The years whose results are published, latest first (what the public page offers).</summary>
        public async Task<IReadOnlyList<int>> PublishedYearsAsync(CancellationToken ct) =>
            await db.ResultSnapshots.AsNoTracking().Where(s => s.Published).OrderByDescending(s => s.Year).Select(s => s.Year).ToListAsync(ct);

        /// <summary>A unit's code by its id (the unit must exist).</summary>
        public Task<string> UnitCodeAsync(int unitId, CancellationToken ct) =>
            db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Code).SingleAsync(ct);

        public async Task<Result<Loaded>> LoadAsync(int year, ClaimsPrincipal user, CancellationToken ct)
        {
            // Authorize before computing anything: the publication flag is one indexed read.
            var scope = await db.ResultSnapshots.AsNoTracking().Where(s => s.Year == year).Select(s => new { s.Published, s.SharedWithUnits }).SingleOrDefaultAsync(ct);
            var published = scope?.Published ?? false;
            if (!(await authorization.AuthorizeAsync(user, new RankingsTarget(year, published, scope?.SharedWithUnits ?? false), RankingsRequirement.View)).Succeeded)
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "评议结果尚未公布", "year", $"{year} 年度评议结果尚未公布，只有纪检监察工委和系统管理员可以查看。");
            }
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var read = await results.ReadAsync(found.Value!, ct);
            if (!published && !user.IsCommittee())
            {
                // Fed back to the units (not public): a unit's handlers see their own category's ranking only.
                var unitId = user.UnitId();
                var code = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Code).SingleOrDefaultAsync(ct);
                read = read with { Categories = read.Categories.Where(c => c.Units.Any(u => u.UnitCode == code)).ToList() };
            }
            return new Loaded(found.Value!, read);
        }

        public async Task<Result<Response>> HandleAsync(int year, ClaimsPrincipal user, CancellationToken ct)
        {
            var loaded = await LoadAsync(year, user, ct);
            return loaded.Succeeded ? ToResponse(loaded.Value!.Results) : loaded.Failure!;
        }
    }

    public static Response ToResponse(RoundResults results) => new(results.Year, results.Approved,
        results.Categories.Select(c => new CategoryRows(UnitCategories.Codes.CodeOf(c.Category),
            c.Units.Select(u => new UnitRow(u.UnitCode, u.Name, u.Scored ? u.Rank : null, u.Scored ? u.Score : null,
                EvaluationCodes.Sources.ToDictionary(s => s, s => u.Sources.GetValueOrDefault(s), StringComparer.Ordinal),
                u.Deductions, u.TrackingList, u.PublicNotice, u.Scored)).ToList())).ToList()) { Fingerprint = results.Fingerprint };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/rankings", async (int year, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.HandleAsync(year, http.User, ct)).ToOk();
            })
            // Published results are public; the handler decides (403 before publication for all but Supervisors and Admins).
            .AllowAnonymous()
            .WithName("GetEvaluationRankings")
            .WithSummary("评议结果排名（按单位类别）")
            .Produces<Response>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
    }
}
