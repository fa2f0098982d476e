using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring.Dossier;

/// <summary>
/// A unit's record across years (单位档案): its rank in each round on record, the tracking list and the public notice
/// (通报), 问责, the 整改台账 items of every round with their verification, and its appeals. Supervisors and Admins read
/// every unit's, a unit's handlers their own (the breakdown's rule); a round's rank and score reach the unit only once
/// that round is fed back to the units or published, as the rankings do.
/// </summary>
public static class UnitDossier
{
    /// <param name="Source"><c>snapshot</c> (a round approved in the system) or <c>import</c> (a result imported from before it).</param>
    /// <param name="Withheld">The round is approved but not yet fed back to the units: its rank and score are not shown to them.</param>
    public sealed record YearLine(int Year, string Source, string Category, string CategoryLabel, int? Rank, double? Score,
        bool TrackingList, bool PublicNotice, bool Accountability, bool Withheld);

    public sealed record LedgerLine(int Year, long Id, string Source, string SourceLabel, string Problem, DateOnly DueOn,
        string Status, string StatusLabel, DateTime? VerifiedAt);

    public sealed record AppealLine(int Year, long Id, string Kind, string KindLabel, string Ref, string Status, string StatusLabel,
        string? DecisionReason, DateTime FiledAt, DateTime? DecidedAt);

    public sealed record View(string UnitCode, string Name, IReadOnlyList<YearLine> Years, IReadOnlyList<LedgerLine> Ledger, IReadOnlyList<AppealLine> Appeals);

    public sealed class Handler(PingYiDbContext db, IAuthorizationService authorization)
    {
        public async Task<Result<View>> HandleAsync(string code, ClaimsPrincipal user, CancellationToken ct)
        {
            var unit = await db.Units.AsNoTracking().Where(u => u.Code == code).Select(u => new { u.Id, u.Code, u.Name }).SingleOrDefaultAsync(ct);
            // Another unit's dossier answers as an unknown one: its existence is no business of a unit's handler.
            if (unit is null || !(await authorization.AuthorizeAsync(user, new BreakdownTarget(unit.Id), UnitBreakdownRequirement.View)).Succeeded)
            {
                return RequestFailure.NotFound("单位不存在", "code", $"没有代码为“{code}”的参评单位，或无权查看其档案。");
            }
            return new View(unit.Code, unit.Name, await YearsAsync(unit.Id, unit.Code, user, ct), await LedgerAsync(unit.Id, ct), await AppealsAsync(unit.Id, ct));
        }

        private async Task<IReadOnlyList<YearLine>> YearsAsync(int unitId, string code, ClaimsPrincipal user, CancellationToken ct)
        {
            var snapshots = await db.ResultSnapshots.AsNoTracking()
                .SelectMany(s => s.Lines.Where(l => l.UnitCode == code), (s, l) => new { s.Year, s.Published, s.SharedWithUnits, Line = l })
                .ToListAsync(ct);
            var imported = await db.PriorRanks.AsNoTracking().Where(p => p.UnitCode == code).ToListAsync(ct);
            var flagged = (await db.AccountabilityFlags.AsNoTracking().Where(f => f.UnitId == unitId && f.Flagged).Select(f => f.Year).ToListAsync(ct)).ToHashSet();
            var lines = new List<YearLine>();
            foreach (var s in snapshots)
            {
                // The rankings' rule: a round's rank reaches the unit once it is fed back to the units or published.
                var withheld = !(await authorization.AuthorizeAsync(user, new RankingsTarget(s.Year, s.Published, s.SharedWithUnits), RankingsRequirement.View)).Succeeded;
                var result = s.Line.ToResult();
                // A unit with no score from any source has no rank either (no data is neither 0 nor a place).
                var shown = !withheld && result.Scored;
                lines.Add(new YearLine(s.Year, "snapshot", UnitCategories.Codes.CodeOf(result.Category), UnitCategories.Codes.LabelOf(result.Category),
                    shown ? result.Rank : null, shown ? result.Score : null, !withheld && result.TrackingList, !withheld && result.PublicNotice,
                    flagged.Contains(s.Year), withheld));
            }
            // A year's bottom two as the two-year rule reads it (ScoringResults.BottomTwoOfAsync): the system's approved
            // result where it has one, else the imported tracking-list flag.
            var bottomTwo = imported.ToDictionary(p => p.Year, p => p.TrackingList);
            foreach (var s in snapshots)
            {
                bottomTwo[s.Year] = s.Line.BottomTwo;
            }
            lines.AddRange(imported.Where(p => lines.All(l => l.Year != p.Year)).Select(p => new YearLine(p.Year, "import",
                UnitCategories.Codes.CodeOf(p.Category), UnitCategories.Codes.LabelOf(p.Category), p.Rank, null, p.TrackingList,
                p.TrackingList && bottomTwo.GetValueOrDefault(p.Year - 1), flagged.Contains(p.Year), false)));
            return lines.OrderByDescending(l => l.Year).ToList();
        }

        private async Task<IReadOnlyList<LedgerLine>> LedgerAsync(int unitId, CancellationToken ct) =>
            (await db.RectificationItems.AsNoTracking().Where(i => i.UnitId == unitId)
                .Join(db.EvaluationRounds, i => i.RoundId, r => r.Id, (i, r) => new { r.Year, Item = i })
                .OrderByDescending(x => x.Year).ThenBy(x => x.Item.DueOn).ThenBy(x => x.Item.Id).ToListAsync(ct))
            .Select(x => new LedgerLine(x.Year, x.Item.Id, x.Item.Source, RectificationSources.LabelOf(x.Item.Source) ?? x.Item.Source, x.Item.Problem,
                x.Item.DueOn, RectificationStatuses.CodeOf(x.Item.Status), RectificationStatuses.LabelOf(x.Item.Status), x.Item.VerifiedAtUtc))
            .ToList();

        private async Task<IReadOnlyList<AppealLine>> AppealsAsync(int unitId, CancellationToken ct) =>
            (await db.Appeals.AsNoTracking().Where(a => a.UnitId == unitId)
                .Join(db.EvaluationRounds, a => a.RoundId, r => r.Id, (a, r) => new { r.Year, Appeal = a })
                .OrderByDescending(x => x.Year).ThenBy(x => x.Appeal.Id).ToListAsync(ct))
            .Select(x => new AppealLine(x.Year, x.Appeal.Id, AppealCodes.Kinds.CodeOf(x.Appeal.Kind), AppealCodes.Kinds.LabelOf(x.Appeal.Kind), x.Appeal.Ref,
                AppealCodes.Statuses.CodeOf(x.Appeal.Status), AppealCodes.Statuses.LabelOf(x.Appeal.Status), x.Appeal.DecisionReason,
                x.Appeal.FiledAtUtc, x.Appeal.DecidedAtUtc))
            .ToList();
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/units/{code}/dossier", (string code, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.HandleAsync(code, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("GetUnitDossier")
            .WithSummary("单位档案：历年排名、重点跟踪与通报、问责、整改台账及申诉")
            .Produces<View>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
