using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

public static partial class RectificationLedger
{
    public sealed partial class Handler
    {
        public async Task<Result<EvaluationFile>> EvidenceFileAsync(int year, long id, string fileId, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.View, user, tracking: false, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var file = await db.EvaluationFiles.AsNoTracking()
                .SingleOrDefaultAsync(f => f.PublicId == fileId && f.Owner == EvaluationFileOwner.RectificationEvidence && f.OwnerId == id, ct);
            return file is null
                ? RequestFailure.NotFound("文件不存在", "fileId", "该整改事项没有这个佐证文件。")
                : file;
        }
    }

    /// <summary>GET one evidence file of an item.</summary>
    private static void MapGetEvidence(RouteGroupBuilder api) =>
        api.MapGet("/evaluations/{year:int}/ledger/{id:long}/evidence/{fileId}", async (int year, long id, string fileId, HttpContext http, Handler handler, CancellationToken ct) =>
                (await handler.EvidenceFileAsync(year, id, fileId, http.User, ct)).ToHttp(file => Results.File(file.Content, file.ContentType, file.FileName)))
            .RequireAuthorization()
            .WithName("GetLedgerEvidence")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .WithSummary("下载整改佐证材料")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
