using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// 常用语 (issue 24 §3): reply templates kept as data. The committee (Admin, Supervisor) keeps templates for everyone,
/// each unit (its handlers) its own. They are offered in the answer (respond) and 督办 forms of the case page with
/// their placeholders filled from the case (<see cref="ReplyTemplate.Fill"/>). The page /staff/reply-templates and
/// <c>/api/v1/reply-templates</c> call <see cref="Handler"/>; every change is audited.
/// </summary>
public static class ReplyTemplates
{
    public const string Committee = "committee";
    public const string Unit = "unit";

    /// <param name="Scope"><c>committee</c> (for everyone; Admin and Supervisor) or <c>unit</c> (the writer's unit); left out: the writer's own.</param>
    public sealed record Request(string? Title, string? Text, string? Scope = null);

    /// <param name="Filled">The text with the case's values, when listed for a case; null otherwise.</param>
    /// <param name="CanEdit">Whether the signed-in user may change or delete it (its owner).</param>
    public sealed record Item(int Id, string Scope, string? UnitName, string Title, string Text, string? Filled, bool CanEdit, DateTime UpdatedAt);

    /// <summary>The actions whose forms offer templates, and the field a chosen one goes into unless another is picked.</summary>
    public static readonly IReadOnlyDictionary<string, string> Forms = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PerformAction.RespondAction] = "publicReply",
        ["supervise"] = "reason",
    };

    public sealed class Handler(PingYiDbContext db, ComplaintAccess access, TimeProvider time, AuditLog audit)
    {
        /// <summary>Whether the user keeps the committee's templates.</summary>
        public static bool KeepsCommittee(ClaimsPrincipal user) => user.IsCommittee();

        /// <summary>The unit whose templates the user keeps (a unit's handler), or null.</summary>
        public static int? KeepsUnit(ClaimsPrincipal user) => user.OwnUnit();

        /// <summary>Whether the user has templates at all (to keep or to use).</summary>
        public static bool Uses(ClaimsPrincipal user) => KeepsCommittee(user) || KeepsUnit(user) is not null;

        /// <summary>
        /// The templates the user may use: the committee's and their own unit's; with <paramref name="trackingNumber"/>,
        /// those offered on that case (its unit's only to that unit's handlers), each filled with the case's values.
        /// </summary>
        public async Task<Result<IReadOnlyList<Item>>> ListAsync(ClaimsPrincipal user, string? trackingNumber, CancellationToken ct)
        {
            if (trackingNumber is null)
            {
                return Result<IReadOnlyList<Item>>.From(await ItemsAsync(user, null, ct));
            }
            var loaded = await access.LoadAsync(user, trackingNumber, ComplaintOperations.View, track: false, ct);
            return loaded.Succeeded ? Result<IReadOnlyList<Item>>.From(await ItemsAsync(user, loaded.Value!, ct)) : loaded.Failure!;
        }

        /// <summary>The templates offered on <paramref name="complaint"/> (or, without one, all the user may use).</summary>
        public async Task<IReadOnlyList<Item>> ItemsAsync(ClaimsPrincipal user, Complaint? complaint, CancellationToken ct)
        {
            if (!Uses(user))
            {
                return [];
            }
            var unitId = KeepsUnit(user);
            if (complaint is not null && unitId is not null && complaint.UnitId != unitId)
            {
                unitId = null;
            }
            var rows = await db.ReplyTemplates.AsNoTracking()
                .Where(t => t.UnitId == null || t.UnitId == unitId)
                .OrderBy(t => t.UnitId == null ? 1 : 0).ThenBy(t => t.Title).ThenBy(t => t.Id)
                .ToListAsync(ct);
            var unitName = unitId is null ? null : await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Name).FirstOrDefaultAsync(ct);
            var values = complaint is null ? null : await ValuesAsync(complaint, ct);
            var committee = KeepsCommittee(user);
            return rows.Select(t => new Item(t.Id, t.UnitId is null ? Committee : Unit, t.UnitId is null ? null : unitName, t.Title, t.Text,
                values is null ? null : t.Fill(values), t.UnitId is null ? committee : t.UnitId == KeepsUnit(user), t.UpdatedAtUtc)).ToList();
        }

        /// <summary>What each placeholder stands for on this case.</summary>
        private async Task<Dictionary<string, string?>> ValuesAsync(Complaint complaint, CancellationToken ct)
        {
            var unit = complaint.UnitId is { } id ? await db.Units.AsNoTracking().Where(u => u.Id == id).Select(u => u.Name).FirstOrDefaultAsync(ct) : null;
            return new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["受理编号"] = complaint.TrackingNumber,
                ["办理期限"] = complaint.DueAtUtc is { } due ? ChinaTime.FormatDeadline(due) : null,
                ["承办单位"] = unit ?? ComplaintTexts.UnitUndetermined,
                ["反映标题"] = complaint.Title,
            };
        }

        public async Task<Result<Item>> CreateAsync(ClaimsPrincipal user, Request request, CancellationToken ct)
        {
            var scope = request.Scope?.Trim() ?? (KeepsUnit(user) is not null ? Unit : Committee);
            if (scope is not (Committee or Unit))
            {
                return RequestFailure.Invalid("提交的内容有误", "scope", "scope 只能是 committee（委机关通用）或 unit（本单位）。");
            }
            int? unitId = null;
            if (scope == Committee && !KeepsCommittee(user))
            {
                return RequestFailure.Forbidden("无权操作", "scope", "只有纪检监察工委和系统管理员可以维护通用常用语。");
            }
            if (scope == Unit && (unitId = KeepsUnit(user)) is null)
            {
                return RequestFailure.Forbidden("无权操作", "scope", "只有单位承办人可以维护本单位常用语。");
            }
            var (template, errors) = ReplyTemplate.Create(unitId, request.Title, request.Text, user.UserId()!, time.GetUtcNow().UtcDateTime);
            if (template is null)
            {
                return RequestFailure.Invalid(errors);
            }
            // The record names the new id: two saves, one transaction, so neither exists without the other.
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                db.ReplyTemplates.Add(template);
                await db.SaveChangesAsync(ct);
                audit.Record(user, AuditKinds.ReplyTemplateCreated, Target(template), null, Snapshot(template));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            return (await ItemsAsync(user, null, ct)).Single(i => i.Id == template.Id);
        }

        public async Task<Result<Item>> UpdateAsync(ClaimsPrincipal user, int id, Request request, CancellationToken ct)
        {
            var found = await OwnedAsync(user, id, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var template = found.Value!;
            var before = Snapshot(template);
            var errors = template.Update(request.Title, request.Text, user.UserId()!, time.GetUtcNow().UtcDateTime);
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            audit.Record(user, AuditKinds.ReplyTemplateUpdated, Target(template), before, Snapshot(template));
            await db.SaveChangesAsync(ct);
            return (await ItemsAsync(user, null, ct)).Single(i => i.Id == template.Id);
        }

        public async Task<Result<int>> DeleteAsync(ClaimsPrincipal user, int id, CancellationToken ct)
        {
            var found = await OwnedAsync(user, id, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var template = found.Value!;
            audit.Record(user, AuditKinds.ReplyTemplateDeleted, Target(template), Snapshot(template), null);
            db.ReplyTemplates.Remove(template);
            await db.SaveChangesAsync(ct);
            return id;
        }

        /// <summary>A template the user may change: 404 for one they cannot even use (another unit's), 403 for one they use but do not keep.</summary>
        private async Task<Result<ReplyTemplate>> OwnedAsync(ClaimsPrincipal user, int id, CancellationToken ct)
        {
            var template = await db.ReplyTemplates.FirstOrDefaultAsync(t => t.Id == id, ct);
            var unitId = KeepsUnit(user);
            if (template is null || !Uses(user) || (template.UnitId is not null && template.UnitId != unitId))
            {
                return RequestFailure.Field(FailureKind.NotFound, "未找到", "id", "未找到该常用语，或您无权查看。");
            }
            if (template.UnitId is null && !KeepsCommittee(user))
            {
                return RequestFailure.Forbidden("无权操作", "id", "通用常用语由纪检监察工委维护，您只能使用。");
            }
            return template;
        }

        private static string Target(ReplyTemplate t) => $"reply-template:{t.Id}";

        private static object Snapshot(ReplyTemplate t) => new { unitId = t.UnitId, title = t.Title, text = t.Text };
    }

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/reply-templates").RequireAuthorization();
        group.MapGet("", async (string? trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.ListAsync(http.User, trackingNumber, ct)).ToOk();
            })
            .WithName("ListReplyTemplates")
            .WithSummary("常用语：委机关通用的和本单位的")
            .WithDescription("The committee's templates (scope committee) and, for a unit's handler, their unit's (scope unit). With trackingNumber, those offered on that case, each with filled: the text with {{受理编号}}, {{办理期限}}, {{承办单位}}, {{反映标题}} replaced by the case's values (404 for a case the user may not see). canEdit: the user keeps it.")
            .Produces<IReadOnlyList<Item>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("", async (HttpContext http, Handler handler, CancellationToken ct) =>
                await ResultHttp.JsonCommandAsync<Request, Item>(http, body => handler.CreateAsync(http.User, body, ct), r => r.ToCreated(i => $"/api/v1/reply-templates/{i.Id}"), ct))
            .WithName("CreateReplyTemplate")
            .WithSummary("新增常用语")
            .WithDescription("{ \"title\" (≤ 50), \"text\" (≤ 2000, placeholders {{受理编号}} {{办理期限}} {{承办单位}} {{反映标题}}; another {{…}} is refused), \"scope\": \"committee\" | \"unit\" }. committee: Admin or Supervisor; unit: a unit's handler, for their unit. Audited.")
            .Accepts<Request>("application/json")
            .Produces<Item>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPut("/{id:int}", async (int id, HttpContext http, Handler handler, CancellationToken ct) =>
                await ResultHttp.JsonCommandAsync<Request, Item>(http, body => handler.UpdateAsync(http.User, id, body, ct), r => r.ToOk(), ct))
            .WithName("UpdateReplyTemplate")
            .WithSummary("修改常用语（仅其维护者）")
            .WithDescription("title and text as for POST (scope cannot change). 404 for another unit's template, 403 for a committee template to a unit's handler. Audited.")
            .Accepts<Request>("application/json")
            .Produces<Item>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        group.MapDelete("/{id:int}", async (int id, HttpContext http, Handler handler, CancellationToken ct) =>
                (await handler.DeleteAsync(http.User, id, ct)).ToHttp(_ => Results.NoContent()))
            .WithName("DeleteReplyTemplate")
            .WithSummary("删除常用语（仅其维护者）")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
    }
}
