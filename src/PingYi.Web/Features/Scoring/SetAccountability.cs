using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Scoring;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>问责: a Supervisor flags (or clears) a unit for accountability by hand, with a reason; each change is audited.</summary>
public static class SetAccountability
{

    public sealed record Request(string? UnitCode, bool? Flagged, string? Reason);

    public sealed record Response(int Year, string UnitCode, bool Flagged, string Reason, DateTime SetAt);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, IAuthorizationService authorization, AuditLog audit, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(int year, Request request, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var errors = new ValidationErrors();
            var unit = await rounds.UnitAsync(request.UnitCode, ct);
            if (unit is null)
            {
                errors.Add("unitCode", string.IsNullOrWhiteSpace(request.UnitCode) ? "请填写单位代码。" : $"没有代码为“{request.UnitCode}”的参评单位。");
            }
            else if (!(await authorization.AuthorizeAsync(user, new AccountabilityTarget(year, unit.Id), AccountabilityRequirement.Set)).Succeeded)
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权操作", "unitCode", "只有纪检监察工委可以标记问责。");
            }
            if (request.Flagged is null)
            {
                errors.Add("flagged", "请说明是标记问责（true）还是取消（false）。");
            }
            var reason = Text.Clean(request.Reason, multiline: true);
            if (reason is null)
            {
                errors.Add("reason", "请填写问责（或取消问责）的理由。");
            }
            else if (reason.Length > AccountabilityFlag.MaxReasonLength)
            {
                errors.Add("reason", $"理由不能超过 {AccountabilityFlag.MaxReasonLength} 字。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var now = time.GetUtcNow().UtcDateTime;
            var flag = await db.AccountabilityFlags.SingleOrDefaultAsync(f => f.Year == year && f.UnitId == unit!.Id, ct);
            var before = flag is null ? null : new { flag.Flagged, flag.Reason };
            if (flag is null)
            {
                flag = new AccountabilityFlag(year, unit!.Id, request.Flagged!.Value, reason!, user.UserId()!, now);
                db.AccountabilityFlags.Add(flag);
            }
            else
            {
                flag.Set(request.Flagged!.Value, reason!, user.UserId()!, now);
            }
            audit.Record(user, AuditKinds.Accountability, $"{year}/{unit!.Code}", before, new { flag.Flagged, flag.Reason });
            await db.SaveChangesAsync(ct);
            return new Response(year, unit.Code, flag.Flagged, flag.Reason, flag.SetAtUtc);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/evaluations/{year:int}/accountability", (int year, Request request, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.HandleAsync(year, request, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("SetEvaluationAccountability")
            .Produces<Response>()
            .WithSummary("标记或取消问责（纪检监察工委）")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden);
    }
}
