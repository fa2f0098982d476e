using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

public static partial class RectificationLedger
{
    public sealed partial class Handler
    {
        public async Task<Result<ListView>> ListAsync(int year, string? unitCode, string? status, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var round = found.Value!.Round;
            var errors = new ValidationErrors();
            int? unitId = null;
            string? code = null;
            if (!string.IsNullOrWhiteSpace(unitCode))
            {
                var unit = await rounds.UnitAsync(unitCode, ct);
                if (unit is null)
                {
                    errors.Add("unit", $"没有代码为“{unitCode}”的参评单位。");
                }
                (unitId, code) = (unit?.Id, unit?.Code);
            }
            else if (!user.IsSupervisor() && user.UnitId() is { } own)
            {
                // A unit's handler asking for "everything" means their own unit.
                unitId = own;
                code = await db.Units.AsNoTracking().Where(u => u.Id == own).Select(u => u.Code).FirstOrDefaultAsync(ct);
            }
            if (status is not null && StatusFilters.All(s => s.Code != status))
            {
                errors.Add("status", $"状态只能是：{string.Join("、", StatusFilters.Select(s => $"{s.Code}（{s.Label}）"))}。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            if (unitId is null ? !user.IsSupervisor()
                : !(await authorization.AuthorizeAsync(user, new UnitTarget(unitId.Value), RectificationRequirement.View)).Succeeded)
            {
                return RequestFailure.Forbidden("无权查看", "unit", "您只能查看本单位的整改台账。");
            }

            var today = ChinaTime.Today(time);
            var query = db.RectificationItems.AsNoTracking().Where(i => i.RoundId == round.Id);
            if (unitId is { } id)
            {
                query = query.Where(i => i.UnitId == id);
            }
            var counts = new Counts(
                await query.CountAsync(i => i.Status == RectificationStatus.Open, ct),
                await query.CountAsync(RectificationRules.OverdueOn(today), ct),
                await query.CountAsync(i => i.Status == RectificationStatus.Done, ct),
                await query.CountAsync(i => i.Status == RectificationStatus.Verified, ct));
            query = status switch
            {
                "open" => query.Where(i => i.Status == RectificationStatus.Open),
                "overdue" => query.Where(RectificationRules.OverdueOn(today)),
                "done" => query.Where(i => i.Status == RectificationStatus.Done),
                "verified" => query.Where(i => i.Status == RectificationStatus.Verified),
                _ => query,
            };
            var items = await query.ToListAsync(ct);
            var views = await ViewsAsync(year, items, today, ct);
            // Overdue first (longest overdue first), then open by due date, then waiting for verification, then closed.
            var ordered = views.OrderBy(v => v.Overdue ? 0 : v.Status == "open" ? 1 : v.Status == "done" ? 2 : 3)
                .ThenBy(v => v.DueOn, StringComparer.Ordinal).ThenBy(v => v.Id).ToList();
            return new ListView(year, code, status, counts, ordered);
        }
    }

    /// <summary>GET the ledger of a year: counts and items; a unit handler sees their own unit.</summary>
    private static void MapList(RouteGroupBuilder api) =>
        api.MapGet("/evaluations/{year:int}/ledger", (int year, string? unit, string? status, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.ListAsync(year, unit, string.IsNullOrWhiteSpace(status) ? null : status.Trim(), http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("ListLedger")
            .Produces<ListView>()
            .WithSummary("整改台账（纪检监察工委：各单位；单位承办人：本单位）")
            .WithDescription("Query: unit (unit code), status = open | overdue | done | verified.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
