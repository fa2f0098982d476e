using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation;

/// <summary>The rounds and their state; supervisors open, close (inputs frozen) and approve (results frozen) them.</summary>
public static class ListRounds
{
    public sealed record Item(int Year, string Status);

    public sealed class Handler(PingYiDbContext db, EvaluationRuntime runtime, IAuthorizationService authorization, TimeProvider time,
        IEnumerable<IRoundApprovalStep> approvalSteps, PingYi.Web.Features.Administration.AuditLog audit)
    {
        public async Task<IReadOnlyList<Item>> ListAsync(CancellationToken ct) =>
            (await db.EvaluationRounds.AsNoTracking().OrderBy(r => r.Year).Select(r => new { r.Year, r.Status }).ToListAsync(ct))
            .Select(r => new Item(r.Year, RoundStatuses.CodeOf(r.Status))).ToList();

        /// <summary>Opens the round a file defines; closes or approves an existing one. A move the state does not allow → 409.</summary>
        public async Task<Result<Item>> ChangeAsync(int year, string move, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
        {
            if (!(await authorization.AuthorizeAsync(user, new RoundTarget(year), RoundRequirement.Manage)).Succeeded)
            {
                return RequestFailure.Forbidden("无权操作评议年度", "$", "只有纪检监察工委可以开启、截止或审定评议。");
            }
            if (runtime.Find(year) is null)
            {
                return RequestFailure.NotFound("评议年度不存在", "year", $"workflows/evaluation/{year}.json 不存在。");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var round = await db.EvaluationRounds.SingleOrDefaultAsync(r => r.Year == year, ct);
            var before = round is null ? null : RoundStatuses.CodeOf(round.Status);
            switch (move)
            {
                case "open" when round is null:
                    round = new EvaluationRound(year, now);
                    db.EvaluationRounds.Add(round);
                    break;
                case "close" when round is { Status: RoundStatus.Open }:
                    round.Close(now);
                    break;
                case "approve" when round is { Status: RoundStatus.Closed }:
                    round.Approve(now);
                    foreach (var step in approvalSteps)
                    {
                        await step.OnApprovingAsync(new RoundContext(round, runtime.Find(year)!), ct);
                    }
                    break;
                default:
                    return RequestFailure.Conflict("当前状态不能进行此操作", "year",
                        round is null ? $"{year} 年度评议尚未开启。" : $"{year} 年度评议{RoundStatuses.LabelOf(round.Status)}。");
            }
            // Saved with the move itself: opening, freezing the inputs and freezing the results each leave a record.
            audit.Record(user, move switch
            {
                "open" => PingYi.Web.Features.Administration.AuditKinds.RoundOpened,
                "close" => PingYi.Web.Features.Administration.AuditKinds.RoundClosed,
                _ => PingYi.Web.Features.Administration.AuditKinds.RoundApproved,
            }, $"evaluation:{year}", before is null ? null : new { status = before }, new { status = RoundStatuses.CodeOf(round.Status) });
            await db.SaveChangesAsync(ct);
            return new Item(year, RoundStatuses.CodeOf(round.Status));
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations", async (Handler handler, CancellationToken ct) => await handler.ListAsync(ct))
            .RequireAuthorization()
            .WithName("ListEvaluationRounds")
            .WithSummary("评议年度列表");

        foreach (var move in new[] { "open", "close", "approve" })
        {
            api.MapPost($"/evaluations/{{year:int}}/{move}", (int year, HttpContext http, Handler handler, CancellationToken ct) =>
                    handler.ChangeAsync(year, move, http.User, ct).ToOkAsync())
                .RequireAuthorization()
                .WithName($"EvaluationRound-{move}")
                .Produces<Item>()
                .WithSummary(move switch { "open" => "开启评议年度", "close" => "截止评议（冻结评议材料）", _ => "审定评议结果" })
                .ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status409Conflict);
        }
    }
}
