using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The publication scope: an approved round's results are internal (Supervisors and Admins), fed back to the units
/// (each unit's handlers read their own category's ranking) or public (the public results page and the rankings API
/// for everyone); every change is audited. Only an approved round — whose results are frozen — is published.
/// </summary>
public static class SetPublication
{

    /// <param name="Scope">internal, units or public (issue 23 §4); without it, <paramref name="Published"/> true is public and false internal.</param>
    public sealed record Request(bool? Published, string? Scope = null);

    /// <summary>The longest scope accepted as sent, padding included (the API documents it; the codes are shorter).</summary>
    public const int MaxScopeLength = 20;

    public sealed record Response(int Year, bool Published, DateTime? PublishedAt)
    {
        public string Scope { get; init; } = Domain.Scoring.PublicationScopes.Internal;
    }

    public sealed class Handler(PingYiDbContext db, IAuthorizationService authorization, AuditLog audit, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(int year, Request request, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!(await authorization.AuthorizeAsync(user, new PublicationTarget(year), PublicationRequirement.Change)).Succeeded)
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权操作", "published", "只有纪检监察工委可以公布评议结果。");
            }
            var scope = request.Scope?.Trim().ToLowerInvariant();
            if (scope is not null && (request.Scope!.Length > MaxScopeLength || !Domain.Scoring.PublicationScopes.All.Contains(scope)))
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "提交的内容有误", "scope", "公布范围只能是：internal（仅内部）、units（反馈各参评单位）、public（向社会公布）。");
            }
            if (scope is null && request.Published is null)
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "提交的内容有误", "published", "请说明是公布（true）还是仅内部可见（false）。");
            }
            scope ??= request.Published == true ? Domain.Scoring.PublicationScopes.Public : Domain.Scoring.PublicationScopes.Internal;
            var snapshot = await db.ResultSnapshots.SingleOrDefaultAsync(s => s.Year == year, ct);
            if (snapshot is null)
            {
                return RequestFailure.Field(StatusCodes.Status409Conflict, "评议结果尚未审定", "year", $"{year} 年度评议结果审定后才能公布。");
            }
            var before = new { snapshot.Published, snapshot.Scope };
            snapshot.SetScope(scope, time.GetUtcNow().UtcDateTime);
            audit.Record(user, AuditKinds.Publication, year.ToString(System.Globalization.CultureInfo.InvariantCulture), before, new { snapshot.Published, snapshot.Scope });
            await db.SaveChangesAsync(ct);
            return new Response(year, snapshot.Published, snapshot.PublishedAtUtc) { Scope = snapshot.Scope };
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/evaluations/{year:int}/publication", (int year, Request request, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.HandleAsync(year, request, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("SetEvaluationPublication")
            .Produces<Response>()
            .WithSummary("公布评议结果或改为仅内部可见")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
    }
}
