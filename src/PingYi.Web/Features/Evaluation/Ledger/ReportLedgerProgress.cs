using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

public static partial class RectificationLedger
{
    public sealed partial class Handler
    {
        public async Task<Result<ItemView>> ReportAsync(int year, long id, ProgressRequest request, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.Report, user, tracking: true, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var item = found.Value!;
            if (item.Status != RectificationStatus.Open)
            {
                return NotOpen(item);
            }
            var errors = new ValidationErrors();
            var note = Required(errors, "note", request.Note, true, RectificationItem.MaxNoteLength, "整改进展");
            var completed = request.Completed == true;
            if (completed && !await db.EvaluationFiles.AnyAsync(f => f.Owner == EvaluationFileOwner.RectificationEvidence && f.OwnerId == item.Id, ct))
            {
                errors.Add("completed", "报告整改完成前，请先上传整改完成的佐证材料。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            item.Report(note!, completed, user.UserId()!, time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
            return (await ViewsAsync(year, [item], ChinaTime.Today(time), ct))[0];
        }
    }

    /// <summary>POST progress on an open item (the unit's handler); "completed" needs evidence.</summary>
    private static void MapReport(RouteGroupBuilder api) =>
        api.MapPost("/evaluations/{year:int}/ledger/{id:long}/progress", (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<ProgressRequest, ItemView>(http, body => handler.ReportAsync(year, id, body, http.User, ct), result => result.ToOk(), ct))
            .RequireAuthorization()
            .WithName("ReportLedgerProgress")
            .Produces<ItemView>()
            .WithSummary("报告整改进展（本单位承办人）")
            .WithDescription("Body: { \"note\", \"completed\"? } — completed needs at least one evidence file.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
}
