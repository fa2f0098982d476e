using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.TrackingList;

/// <summary>
/// The tracking list followed up (重点跟踪对象): a unit in its category's bottom two in exactly the year before gets, when
/// the round opens, two items on the 整改台账 — its rectification plan and the rectification itself, due as the round
/// file's <c>trackingList</c> says — and must be inspected at least <c>extraInspections</c> times in the round, which
/// the inspectors' page and <c>GET /api/v1/evaluations/{year}/tracking-list</c> show until it is done.
/// </summary>
public static class TrackingListFollowUp
{
    /// <param name="Inspections">明察暗访 recorded for the unit in this round.</param>
    /// <param name="InspectionsDue">How many more the round file requires (0 once done).</param>
    public sealed record UnitLine(string UnitCode, string Name, int Inspections, int InspectionsDue, IReadOnlyList<LedgerLine> Ledger);

    public sealed record LedgerLine(long Id, string Problem, DateOnly DueOn, string Status, string StatusLabel);

    /// <param name="PreviousYear">The year whose tracking list this is (the round's year − 1).</param>
    /// <param name="ExtraInspections">The round file's <c>trackingList.extraInspections</c>; null when it sets no follow-up.</param>
    public sealed record View(int Year, int PreviousYear, int? ExtraInspections, IReadOnlyList<UnitLine> Units);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, ScoringResults results, IAuthorizationService authorization, TimeProvider time)
        : IRoundOpeningStep
    {
        /// <summary>Supervisors and inspectors (whose worklist it is); nobody else.</summary>
        public async Task<Result<View>> HandleAsync(int year, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!user.IsInspector()
                && !(await authorization.AuthorizeAsync(user, new RoundTarget(year), RoundRequirement.Manage)).Succeeded)
            {
                return RequestFailure.Forbidden("无权查看重点跟踪对象", "$", "只有纪检监察工委和义务监督员可以查看重点跟踪对象的跟进情况。");
            }
            var found = await rounds.FindAsync(year, ct);
            return found.Succeeded ? await ViewAsync(found.Value!, ct) : found.Failure!;
        }

        public async Task<View> ViewAsync(RoundContext round, CancellationToken ct)
        {
            var year = round.Round.Year;
            var rules = round.Definition.TrackingList;
            var units = await UnitsAsync(year, ct);
            var ids = units.Select(u => u.Id).ToList();
            var inspections = await db.Inspections.AsNoTracking().Where(i => i.RoundId == round.Round.Id && ids.Contains(i.UnitId))
                .GroupBy(i => i.UnitId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
            var items = await db.RectificationItems.AsNoTracking()
                .Where(i => i.RoundId == round.Round.Id && ids.Contains(i.UnitId) && i.Source == RectificationSources.PriorYear)
                .OrderBy(i => i.DueOn).ThenBy(i => i.Id).ToListAsync(ct);
            return new View(year, year - 1, rules?.ExtraInspections, units.Select(u =>
            {
                var done = inspections.GetValueOrDefault(u.Id);
                return new UnitLine(u.Code, u.Name, done, Math.Max(0, (rules?.ExtraInspections ?? 0) - done),
                    items.Where(i => i.UnitId == u.Id).Select(i => new LedgerLine(i.Id, i.Problem, i.DueOn,
                        RectificationStatuses.CodeOf(i.Status), RectificationStatuses.LabelOf(i.Status))).ToList());
            }).ToList());
        }

        /// <summary>Makes the ledger items of every unit on the previous year's tracking list, in the opening's transaction.</summary>
        public async Task OnOpeningAsync(RoundContext round, string openedById, CancellationToken ct)
        {
            if (round.Definition.TrackingList is not { } rules)
            {
                return;
            }
            var previous = round.Round.Year - 1;
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var unit in await UnitsAsync(round.Round.Year, ct))
            {
                db.RectificationItems.Add(new RectificationItem(round.Round.Id, unit.Id, RectificationSources.PriorYear, null, null, null, null,
                    $"{previous} 年度作风评议列为重点跟踪对象（所在类别后两名）：报送整改方案",
                    "对照上年度评议反映的问题制定整改方案，明确整改措施、责任人和完成时限，上传整改方案作为佐证材料。",
                    Owner, rules.PlanDue, openedById, now));
                db.RectificationItems.Add(new RectificationItem(round.Round.Id, unit.Id, RectificationSources.PriorYear, null, null, null, null,
                    $"{previous} 年度作风评议列为重点跟踪对象（所在类别后两名）：落实整改",
                    "按整改方案逐项整改到位，上传整改情况报告作为佐证材料，经纪检监察工委核验后销号。",
                    Owner, rules.RectifiedDue, openedById, now));
            }
        }

        private const string Owner = "单位主要负责人";

        /// <summary>The units on the tracking list of exactly the year before <paramref name="year"/>, by name.</summary>
        private async Task<List<(int Id, string Code, string Name)>> UnitsAsync(int year, CancellationToken ct)
        {
            var codes = (await results.BottomTwoOfAsync(year - 1, ct)).ToList();
            return (await db.Units.AsNoTracking().Where(u => codes.Contains(u.Code)).OrderBy(u => u.Code).Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(ct))
                .Select(u => (u.Id, u.Code, u.Name)).ToList();
        }
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/evaluations/{year:int}/tracking-list", (int year, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.HandleAsync(year, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("GetTrackingListFollowUp")
            .WithSummary("上年度重点跟踪对象在本年度的跟进：整改台账事项及明察暗访次数")
            .Produces<View>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
}
