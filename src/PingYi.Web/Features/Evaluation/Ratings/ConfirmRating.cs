using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ratings;

/// <summary>
/// A Supervisor lets a held rating count: one entered beyond the round's cap per account and unit (without it one
/// account could stuff a unit's score with any number of forms), or an uncoded public answer flagged for review
/// (a burst, an identical answer; see <see cref="Survey.PublicSurvey"/>).
/// </summary>
public static class ConfirmRating
{
    public sealed record Response(long Id, int Year, string UnitCode, string Source, string? FormReference, bool AwaitingConfirmation);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, IAuthorizationService authorization, AuditLog audit, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(int year, long id, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!(await authorization.AuthorizeAsync(user, new RoundTarget(year), RoundRequirement.Manage)).Succeeded)
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权确认评议", "$", "只有纪检监察工委可以确认待审的评议。");
            }
            var found = await rounds.OpenAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var round = found.Value!.Round;
            var response = await db.EvaluationResponses.SingleOrDefaultAsync(r => r.Id == id && r.RoundId == round.Id, ct);
            if (response is null)
            {
                return RequestFailure.Field(StatusCodes.Status404NotFound, "评议不存在", "id", $"{year} 年度没有编号为 {id} 的评议。");
            }
            if (!response.Confirm(user.UserId()!, time.GetUtcNow().UtcDateTime))
            {
                return RequestFailure.Field(StatusCodes.Status409Conflict, "无需确认", "id", "这条评议无需确认（未超出录入上限、未被标记待审），或已经确认过。");
            }
            var unitCode = await db.Units.AsNoTracking().Where(u => u.Id == response.UnitId).Select(u => u.Code).SingleAsync(ct);
            audit.Record(user, AuditKinds.RatingConfirmed, $"rating:{response.Id}", new { awaitingConfirmation = true },
                new { awaitingConfirmation = false, year, unitCode, source = response.Source, formReference = response.FormReference, evaluatorId = response.EvaluatorId });
            await db.SaveChangesAsync(ct);
            return new Response(response.Id, year, unitCode, response.Source, response.FormReference, response.AwaitingConfirmation);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/evaluations/{year:int}/ratings/{id:long}/confirm", (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.HandleAsync(year, id, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("ConfirmRating")
            .Produces<Response>()
            .WithSummary("确认超出录入上限的评议（纪检监察工委）")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }
}
