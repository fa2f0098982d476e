using System.Security.Claims;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

public static partial class RectificationLedger
{
    public sealed partial class Handler
    {
        public async Task<Result<ItemView>> ReviewAsync(int year, long id, ReviewRequest request, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.Review, user, tracking: true, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var item = found.Value!;
            if (item.Status != RectificationStatus.Done)
            {
                return RequestFailure.Conflict("不能核验", "$",
                    $"该事项{RectificationStatuses.LabelOf(item.Status)}，只有单位报告已完成的事项才能核验。");
            }
            var errors = new ValidationErrors();
            var accept = request.Decision switch { "verify" => true, "send-back" => false, _ => (bool?)null };
            if (accept is null)
            {
                errors.Add("decision", "核验结论只能是 verify（核验销号）或 send-back（退回继续整改）。");
            }
            var note = Text.Clean(request.Note, multiline: true);
            if (accept == false && note is null)
            {
                errors.Add("note", "退回时请写明理由。");
            }
            else if (note is { Length: > RectificationItem.MaxNoteLength })
            {
                errors.Add("note", $"核验意见不能超过 {RectificationItem.MaxNoteLength} 字。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var before = RectificationStatuses.CodeOf(item.Status);
            item.Review(accept!.Value, note, user.UserId()!, time.GetUtcNow().UtcDateTime);
            audit.Record(user, AuditKinds.RectificationReviewed, $"ledger:{item.Id}", new { status = before },
                new { status = RectificationStatuses.CodeOf(item.Status), note });
            await db.SaveChangesAsync(ct);
            return (await ViewsAsync(year, [item], ChinaTime.Today(time), ct))[0];
        }
    }

    /// <summary>POST the supervisor's review of a completed item: verify, or send back with a note.</summary>
    private static void MapReview(RouteGroupBuilder api) =>
        api.MapPost("/evaluations/{year:int}/ledger/{id:long}/review", (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<ReviewRequest, ItemView>(http, body => handler.ReviewAsync(year, id, body, http.User, ct), result => result.ToOk(), ct))
            .RequireAuthorization()
            .WithName("ReviewLedgerItem")
            .Produces<ItemView>()
            .WithSummary("核验整改事项（纪检监察工委）")
            .WithDescription("Body: { \"decision\": \"verify\" | \"send-back\", \"note\"? } — send-back needs a note.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
}
