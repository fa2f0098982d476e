using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation;

/// <summary>The rounds and their state; supervisors open, close (inputs frozen) and approve (results frozen) them.</summary>
public static class ListRounds
{
    /// <param name="SchemeVersion">The version of the year's scheme the round runs on.</param>
    public sealed record Item(int Year, string Status, int SchemeVersion);

    /// <summary>
    /// The body of a move: <c>reason</c> is required to reopen; <c>confirmCoverage</c> to approve a round in which a source
    /// is missing for some units (the approver confirms the list of <c>GET …/coverage</c>, and the scheme's rule for each).
    /// </summary>
    public sealed record MoveRequest(string? Reason, bool? ConfirmCoverage = null);

    public sealed class Handler(PingYiDbContext db, EvaluationRuntime runtime, IAuthorizationService authorization, TimeProvider time,
        IEnumerable<IRoundApprovalStep> approvalSteps, IEnumerable<IRoundOpeningStep> openingSteps,
        PingYi.Web.Features.Administration.AuditLog audit, Coverage.RoundCoverage.Handler coverage)
    {
        public async Task<IReadOnlyList<Item>> ListAsync(CancellationToken ct) =>
            (await db.EvaluationRounds.AsNoTracking().OrderBy(r => r.Year).Select(r => new { r.Year, r.Status, r.SchemeVersion }).ToListAsync(ct))
            .Select(r => new Item(r.Year, RoundStatuses.CodeOf(r.Status), r.SchemeVersion)).ToList();

        /// <summary>
        /// Opens the round of a year with an approved scheme; closes, reopens (with a reason) or approves an existing one.
        /// A move the state does not allow → 409.
        /// </summary>
        public async Task<Result<Item>> ChangeAsync(int year, string move, MoveRequest request, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
        {
            var reason = request.Reason;
            if (!(await authorization.AuthorizeAsync(user, new RoundTarget(year), RoundRequirement.Manage)).Succeeded)
            {
                return RequestFailure.Forbidden("无权操作评议年度", "$", "只有纪检监察工委可以开启、截止或审定评议。");
            }
            if (runtime.Find(year) is null)
            {
                return await db.EvaluationSchemes.AnyAsync(s => s.Year == year, ct)
                    ? RequestFailure.Conflict("评议方案尚未审定", "year", $"{year} 年度评议方案尚未审定：方案须经上传人以外的另一位工作人员审定后才能开启评议。")
                    : RequestFailure.NotFound("评议年度不存在", "year", $"{year} 年度没有评议方案（workflows/evaluation/{year}.json 不存在，也未上传方案）。");
            }
            reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            if (move == "reopen" && (reason is null || reason.Length > Domain.Evaluation.EvaluationScheme.MaxReasonLength))
            {
                return RequestFailure.Invalid("请说明重新开启的理由", "reason", $"重新开启评议须说明理由（不超过 {Domain.Evaluation.EvaluationScheme.MaxReasonLength} 字），将记入审计日志。");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var round = await db.EvaluationRounds.SingleOrDefaultAsync(r => r.Year == year, ct);
            var before = round is null ? null : RoundStatuses.CodeOf(round.Status);
            IReadOnlyList<Coverage.RoundCoverage.MissingLine> confirmed = [];
            switch (move)
            {
                case "open" when round is null:
                    round = new EvaluationRound(year, now);
                    round.UseScheme(runtime.VersionOf(year)!.Value);
                    db.EvaluationRounds.Add(round);
                    break;
                case "reopen" when round is { Status: RoundStatus.Closed }:
                    round.Reopen(reason!);
                    break;
                case "close" when round is { Status: RoundStatus.Open }:
                    round.Close(now);
                    break;
                case "approve" when round is { Status: RoundStatus.Closed }:
                    var approved = await ApproveAsync(round, request.ConfirmCoverage == true, ct);
                    if (approved.Failure is { } refused)
                    {
                        return refused;
                    }
                    confirmed = approved.Value!;
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
                "reopen" => PingYi.Web.Features.Administration.AuditKinds.RoundReopened,
                _ => PingYi.Web.Features.Administration.AuditKinds.RoundApproved,
            }, $"evaluation:{year}", before is null ? null : new { status = before },
                new { status = RoundStatuses.CodeOf(round.Status), schemeVersion = round.SchemeVersion, reason,
                    confirmedMissingSources = confirmed.Count == 0 ? null : confirmed.Select(m => $"{m.UnitCode}:{m.Source}").ToList() });
            await SaveAsync(round, move == "open", user, ct);
            return new Item(year, RoundStatuses.CodeOf(round.Status), round.SchemeVersion);
        }

        /// <summary>
        /// 审定: refused while an appeal of the 公示 is undecided or a missing source is not confirmed; then every
        /// approval step (snapshot, fingerprints, tracking list) runs in the same save. Returns the confirmed missing sources.
        /// </summary>
        private async Task<Result<IReadOnlyList<Coverage.RoundCoverage.MissingLine>>> ApproveAsync(EvaluationRound round, bool confirmCoverage, CancellationToken ct)
        {
            var undecided = await db.Appeals.CountAsync(a => a.RoundId == round.Id && a.Status == AppealStatus.Pending, ct);
            if (undecided > 0)
            {
                return RequestFailure.Conflict("尚有未裁定的申诉", "appeals", $"{round.Year} 年度评议尚有 {undecided} 件申诉未裁定，裁定后才能审定评议结果。");
            }
            var context = new RoundContext(round, runtime.Find(round.Year)!);
            var confirmed = await coverage.ConfirmMissingAsync(context, confirmCoverage, ct);
            if (confirmed.Failure is not null)
            {
                return confirmed;
            }
            round.Approve(time.GetUtcNow().UtcDateTime);
            foreach (var step in approvalSteps)
            {
                await step.OnApprovingAsync(context, ct);
            }
            return confirmed;
        }

        private async Task SaveAsync(EvaluationRound round, bool opening, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
        {
            if (!opening)
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            // The opening steps need the round's id: the round and what they add are saved in one transaction.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            foreach (var step in openingSteps)
            {
                await step.OnOpeningAsync(new RoundContext(round, runtime.Find(round.Year)!), user.UserId()!, ct);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations", async (Handler handler, CancellationToken ct) => await handler.ListAsync(ct))
            .RequireAuthorization()
            .WithName("ListEvaluationRounds")
            .WithSummary("评议年度列表");

        foreach (var move in new[] { "open", "close", "reopen", "approve" })
        {
            api.MapPost($"/evaluations/{{year:int}}/{move}", async (int year, HttpContext http, Handler handler, CancellationToken ct) =>
                {
                    // The body is optional except for reopen's reason and approve's confirmation: an empty body (or none) has neither.
                    var request = new MoveRequest(null);
                    if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
                    {
                        var body = await ApiBody.ReadJsonAsync<MoveRequest>(http, ResultHttp.CommandJsonBytes, ct);
                        if (!body.Succeeded)
                        {
                            return body.Failure!.ToProblem();
                        }
                        request = body.Value!;
                    }
                    return (await handler.ChangeAsync(year, move, request, http.User, ct)).ToOk();
                })
                .RequireAuthorization()
                .WithName($"EvaluationRound-{move}")
                .Produces<Item>()
                .WithSummary(move switch { "open" => "开启评议年度", "close" => "截止评议（冻结评议材料）", "reopen" => "重新开启已截止的评议（须说明理由）", _ => "审定评议结果" })
                .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        }
    }
}
