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
        public async Task<Result<Detail>> GetAsync(int year, long id, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.View, user, tracking: false, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var item = found.Value!;
            var today = ChinaTime.Today(time);
            var view = (await ViewsAsync(year, [item], today, ct))[0];
            var people = await EmailsAsync(item.Progress.Select(p => p.ById), ct);
            var files = await db.EvaluationFiles.AsNoTracking()
                .Where(f => f.Owner == EvaluationFileOwner.RectificationEvidence && f.OwnerId == item.Id)
                .OrderBy(f => f.Id)
                .Select(f => new { f.Id, f.PublicId, f.FileName, f.SizeBytes, f.UploadedAtUtc })
                .ToListAsync(ct);
            return new Detail(view,
                item.Progress.OrderBy(p => p.AtUtc).ThenBy(p => p.Id)
                    .Select(p => new ProgressView(KindCode(p.Kind), p.Note, people.GetValueOrDefault(p.ById, ""), p.AtUtc)).ToList(),
                files.Select(f => new EvidenceView(f.PublicId, f.FileName, f.SizeBytes, f.UploadedAtUtc, $"/api/v1/evaluations/{year}/ledger/{item.Id}/evidence/{f.PublicId}")).ToList(),
                item.Status == RectificationStatus.Open && (await authorization.AuthorizeAsync(user, new UnitTarget(item.UnitId), RectificationRequirement.Report)).Succeeded,
                item.Status == RectificationStatus.Done && (await authorization.AuthorizeAsync(user, new UnitTarget(item.UnitId), RectificationRequirement.Review)).Succeeded);
        }
    }

    /// <summary>GET one item with its progress and evidence files.</summary>
    private static void MapGet(RouteGroupBuilder api) =>
        api.MapGet("/evaluations/{year:int}/ledger/{id:long}", (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.GetAsync(year, id, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("GetLedgerItem")
            .Produces<Detail>()
            .WithSummary("整改事项详情（进展、佐证材料）")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
