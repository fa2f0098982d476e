using System.Security.Claims;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

public static partial class RectificationLedger
{
    public sealed partial class Handler
    {
        public async Task<Result<int>> AddEvidenceAsync(int year, long id, IReadOnlyList<UploadedFile> uploads, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.Report, user, tracking: false, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var item = found.Value!;
            if (item.Status != RectificationStatus.Open)
            {
                return NotOpen(item);
            }
            return await EvaluationFileUploads.AttachAsync(db, EvaluationFileOwner.RectificationEvidence, item.Id, item.RoundId, item.UnitId,
                MaxEvidence, uploads, user, time.GetUtcNow().UtcDateTime, "请选择佐证材料", "请至少上传一个整改佐证文件。", ct);
        }
    }

    /// <summary>POST evidence files to an open item (multipart).</summary>
    private static void MapAddEvidence(RouteGroupBuilder api) =>
        api.MapPost("/evaluations/{year:int}/ledger/{id:long}/evidence", (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.UploadAsync(http, MaxEvidence, files => handler.AddEvidenceAsync(year, id, files, http.User, ct), count => new EvidenceAdded(count), ct))
            .RequireAuthorization()
            .DisableAntiforgery()
            .WithName("AddLedgerEvidence")
            .Produces<EvidenceAdded>()
            .WithSummary("上传整改佐证材料（multipart，字段 attachments）")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
}
