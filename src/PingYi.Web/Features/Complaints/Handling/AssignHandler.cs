using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// The unit's desk (issue 24 §3): a case is assigned to one of its unit's handlers (指定承办人) or a handler claims it
/// (认领). Not a workflow action — the state, deadlines and timers stay; who hears of the case first changes
/// (<see cref="Notifications.NoticeWriter"/>). The page and <c>POST /api/v1/complaints/{n}/handler</c> call
/// <see cref="Handler"/>; each assignment is a timeline event (internal note, never shown to the complainant).
/// </summary>
public static class AssignHandler
{
    /// <summary>Either <paramref name="UserId"/> (assign to that handler of the case's unit) or <paramref name="Claim"/> true (take it oneself).</summary>
    public sealed record Request(string? UserId, bool? Claim);

    public sealed record HandlerInfo(string Id, string Name);

    /// <param name="Handler">Who holds the case inside the unit; null: 本单位未分配.</param>
    /// <param name="Candidates">The unit's active handlers the case may be assigned to (empty for those who may not assign).</param>
    /// <param name="CanClaim">The signed-in user is one of them and does not hold it yet.</param>
    public sealed record View(string TrackingNumber, HandlerInfo? Handler, IReadOnlyList<HandlerInfo> Candidates, bool CanClaim);

    public sealed class Handler(PingYiDbContext db, ComplaintAccess access, TimeProvider time, ILogger<Handler> logger)
    {
        /// <summary>Who holds the case and whom it may go to; for anyone who may view the case (404 otherwise).</summary>
        public async Task<Result<View>> GetAsync(ClaimsPrincipal user, string? trackingNumber, CancellationToken ct)
        {
            var loaded = await access.LoadAsync(user, trackingNumber, ComplaintOperations.View, track: false, ct);
            return loaded.Succeeded ? await ViewAsync(user, loaded.Value!, ct) : loaded.Failure!;
        }

        public async Task<View> ViewAsync(ClaimsPrincipal user, Complaint complaint, CancellationToken ct)
        {
            var candidates = complaint.UnitId is { } unitId && complaint.IsAtUnit && user.WorkflowRoleFor(unitId) is not null
                ? await CandidatesAsync(unitId, ct)
                : [];
            var holder = complaint.HandlerId is null ? null
                : candidates.FirstOrDefault(c => c.Id == complaint.HandlerId)
                  ?? await db.Users.AsNoTracking().Where(u => u.Id == complaint.HandlerId).Select(u => new HandlerInfo(u.Id, u.DisplayName)).FirstOrDefaultAsync(ct);
            var me = user.UserId();
            var canClaim = user.WorkflowRoleFor(complaint.UnitId) == WorkflowRoles.UnitHandler && me != complaint.HandlerId && candidates.Any(c => c.Id == me);
            return new View(complaint.TrackingNumber, holder, candidates, canClaim);
        }

        public async Task<Result<View>> HandleAsync(ClaimsPrincipal user, string? trackingNumber, Request request, CancellationToken ct)
        {
            var claim = request.Claim == true;
            var userId = string.IsNullOrWhiteSpace(request.UserId) ? null : request.UserId.Trim();
            if (claim == (userId is not null))
            {
                return RequestFailure.Invalid("提交的内容有误", "userId", "请指定一名承办人（userId），或认领（claim: true），二者选一。");
            }
            var loaded = await access.LoadToActAsync(user, trackingNumber, "userId", "您无权为该反映指定承办人。", ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            var (complaint, role) = loaded.Value;
            if (complaint.UnitId is not { } unitId || !complaint.IsAtUnit)
            {
                return RequestFailure.Conflict("当前状态不允许该操作", "userId",
                    $"该反映当前为“{ComplaintStatuses.Codes.LabelOf(complaint.Status)}”，不在承办单位办理中，不能指定承办人。");
            }
            if (claim)
            {
                if (role != WorkflowRoles.UnitHandler)
                {
                    return RequestFailure.Forbidden("无权操作", "claim", "只有承办单位的承办人可以认领。");
                }
                userId = user.UserId();
            }
            var candidates = await CandidatesAsync(unitId, ct);
            var target = candidates.FirstOrDefault(c => c.Id == userId);
            if (target is null)
            {
                return RequestFailure.Invalid("提交的内容有误", claim ? "claim" : "userId",
                    claim ? "您的账号当前不能认领（已停用或锁定）。" : "该账号不是承办单位的在岗承办人，不能指定。");
            }
            if (complaint.HandlerId == target.Id)
            {
                return RequestFailure.Conflict("无需重复操作", claim ? "claim" : "userId", $"该反映已由{target.Name}承办。");
            }
            complaint.AssignHandler(target.Id, target.Name, new Actor(user.UserId(), role), claim, time.GetUtcNow().UtcDateTime);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                logger.LogInformation("Concurrent change to {TrackingNumber}: the handler assignment lost the race.", complaint.TrackingNumber);
                db.ChangeTracker.Clear();
                return RequestFailure.Conflict("操作冲突", "userId", "该反映刚刚已被他人处理，本次操作未生效，请刷新后重试。") with { Code = RequestFailure.Codes.Stale };
            }
            return await ViewAsync(user, complaint, ct);
        }

        /// <summary>The unit's handlers who can take a case now: role UnitHandler, neither disabled nor locked out.</summary>
        public async Task<List<HandlerInfo>> CandidatesAsync(int unitId, CancellationToken ct)
        {
            var roleId = db.Roles.Where(r => r.Name == StaffRoles.UnitHandler).Select(r => r.Id);
            var rows = await db.Users.AsNoTracking()
                .Where(u => u.UnitId == unitId && !u.Disabled && db.UserRoles.Any(ur => ur.UserId == u.Id && roleId.Contains(ur.RoleId)))
                .OrderBy(u => u.DisplayName).ThenBy(u => u.Email)
                .Select(u => new { u.Id, u.DisplayName, u.LockoutEnd })
                .ToListAsync(ct);
            var now = time.GetUtcNow();
            // LockoutEnd is a DateTimeOffset, which SQLite cannot compare in SQL: filter the few rows here.
            return rows.Where(u => u.LockoutEnd is null || u.LockoutEnd <= now).Select(u => new HandlerInfo(u.Id, u.DisplayName)).ToList();
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/complaints/{trackingNumber}/handler", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.GetAsync(http.User, trackingNumber, ct)).ToOk();
            })
            .RequireAuthorization()
            .WithName("GetCaseHandler")
            .WithSummary("本单位承办人：当前由谁承办、可指定给谁")
            .WithDescription("handler is null while nobody of the unit holds the case (本单位未分配). candidates lists the unit's active handlers, for those who may assign (the unit's handlers and supervisors) while the case is with the unit.")
            .Produces<View>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/complaints/{trackingNumber}/handler", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
                await ResultHttp.JsonCommandAsync<Request, View>(http, body => handler.HandleAsync(http.User, trackingNumber, body, ct), r => r.ToOk(), ct))
            .RequireAuthorization()
            .WithName("AssignCaseHandler")
            .WithSummary("指定本单位承办人，或认领")
            .WithDescription("{ \"userId\": \"…\" } assigns the case to that handler of the case's unit (the unit's handlers and supervisors may); { \"claim\": true } takes it oneself (a handler of the unit). Not a workflow action: the state and deadlines do not change; the case's notices then go to that handler first, the unit's address as a copy. Audited on the timeline (internal). 404 for a case the user may not see, 409 when the case is not with its unit or the handler already holds it.")
            .Accepts<Request>("application/json")
            .Produces<View>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }
}
