using System.Linq.Expressions;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// 工作台: the signed-in user's inbox, for the page /staff and GET /api/v1/inbox alike. A supervisor sees what
/// waits for the committee (intake, review, requests, dissatisfied ratings, overdue cases); a unit handler sees
/// their unit's open cases, most urgent first, and the requests they are waiting on; other roles have no inbox
/// (no sections). Nothing here reads who complained; a handler sees the complainant's submission time to the
/// day only (<see cref="ComplainantTimes"/>).
/// </summary>
public static class GetInbox
{
    /// <summary>How many cases a section lists; the rest are one click away in the full list.</summary>
    public const int SectionSize = 10;

    /// <summary>How many cases a unit's sections of work list (its handler works through all of them).</summary>
    public const int UnitSectionSize = 50;

    public sealed record View(string DisplayName, IReadOnlyList<string> Roles, string? UnitName, IReadOnlyList<Section> Sections)
    {
        /// <summary>A unit handler's desk tabs (我的 / 本单位未分配 / 全部) with the unit's cases in hand under each; null for other roles.</summary>
        public IReadOnlyList<DeskTab>? Desk { get; init; }

        /// <summary>The tab the sections are filtered by (<c>mine</c>, <c>unassigned</c>, <c>all</c>); null for other roles.</summary>
        public string? DeskView { get; init; }
    }

    /// <param name="Count">The unit's cases in hand (办理中, 中止, 审核中) under this tab.</param>
    public sealed record DeskTab(string Id, string Title, int Count);

    /// <summary>The desk tabs of a unit handler's inbox, in the order shown; <c>all</c> is the default.</summary>
    public static readonly IReadOnlyList<(string Id, string Title)> DeskViews = [("mine", "我的"), ("unassigned", "本单位未分配"), ("all", "全部")];

    /// <param name="MoreLink">The full list behind a section, when it holds more cases than it shows.</param>
    public sealed record Section(string Id, string Title, string Hint, int Count, IReadOnlyList<Row> Rows, string? MoreLink);

    /// <param name="SubmittedAt">Exact for supervisors; 00:00 China time of the day for a unit's handler.</param>
    /// <param name="PendingRequest"><c>return</c> or <c>extension</c> while a unit's request waits for approval.</param>
    /// <param name="SentBack">The last step was a send-back for rework; <paramref name="Reopened"/>: a reopening.</param>
    public sealed record Row(
        string TrackingNumber, string Title, string UnitName, string Status, string StatusLabel, DateTime SubmittedAt, DateTime? DueAt,
        bool Overdue, int EscalationLevel, string? PendingRequest, int? PendingExtensionDays,
        int ReworkCount, bool SentBack, bool Reopened, string? Satisfaction, string? SatisfactionLabel, string? HandlerName = null);

    public sealed class Handler(PingYiDbContext db, IAuthorizationService authorization, WorkflowRuntime workflows, TimeProvider time)
    {
        /// <param name="desk">A unit handler's tab: <c>mine</c>, <c>unassigned</c> or <c>all</c> (the default).</param>
        public async Task<Result<View>> HandleAsync(ClaimsPrincipal user, CancellationToken ct, string? desk = null)
        {
            desk = string.IsNullOrWhiteSpace(desk) ? "all" : desk;
            if (DeskViews.All(d => d.Id != desk))
            {
                return RequestFailure.Invalid("提交的内容有误", "desk", "desk 只能是 mine（我的）、unassigned（本单位未分配）或 all（全部）。");
            }
            var id = user.UserId();
            var name = id is null ? null : await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
            if (name is null)
            {
                return RequestFailure.Field(FailureKind.Unauthenticated, "未登录或登录已过期", "$", "请重新登录。");
            }
            var roles = user.FindAll(ClaimTypes.Role).Select(r => StaffRoles.LabelOf(r.Value)).ToList();
            var now = time.GetUtcNow().UtcDateTime;
            string? unitName = null;
            IReadOnlyList<Found> found = [];
            IReadOnlyList<DeskTab>? tabs = null;
            var role = user.WorkflowRole();
            if (role == WorkflowRoles.Supervisor)
            {
                found = await SupervisorSectionsAsync(now, ct);
            }
            else if (role == WorkflowRoles.UnitHandler && user.UnitId() is { } unitId)
            {
                unitName = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Name).SingleAsync(ct);
                var filter = DeskFilter(desk, id!);
                found = await UnitSectionsAsync(unitId, filter, ct);
                tabs = await DeskTabsAsync(unitId, id!, ct);
            }
            return new View(name, roles, unitName, await RowsAsync(user, found, now, ct))
            {
                Desk = tabs,
                DeskView = tabs is null ? null : desk,
            };
        }

        /// <summary>Which of the unit's cases a desk tab holds: the user's own, nobody's yet, or all.</summary>
        private static Expression<Func<Complaint, bool>> DeskFilter(string desk, string userId) => desk switch
        {
            "mine" => c => c.HandlerId == userId,
            "unassigned" => c => c.HandlerId == null,
            _ => c => true,
        };

        private async Task<IReadOnlyList<DeskTab>> DeskTabsAsync(int unitId, string userId, CancellationToken ct)
        {
            var inHand = db.Complaints.AsNoTracking().Where(ComplaintVisibility.ToUnit(unitId))
                .Where(c => c.Status == ComplaintStatus.Assigned || c.Status == ComplaintStatus.Suspended || c.Status == ComplaintStatus.UnderReview);
            var tabs = new List<DeskTab>();
            foreach (var (id, title) in DeskViews)
            {
                tabs.Add(new DeskTab(id, title, await inHand.Where(DeskFilter(id, userId)).CountAsync(ct)));
            }
            return tabs;
        }

        private async Task<IReadOnlyList<Found>> SupervisorSectionsAsync(DateTime now, CancellationToken ct) =>
        [
            await SectionAsync("submitted", "待受理", "尚未决定受理或不予受理，按受理期限排序。",
                c => true, c => c.Status == ComplaintStatus.Submitted, q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), "/staff/complaints?status=submitted", SectionSize, ct),
            await SectionAsync("under-review", "待审核", "承办单位已报告办理情况，等待审核。",
                c => true, c => c.Status == ComplaintStatus.UnderReview, q => q.OrderBy(c => c.RespondedAtUtc).ThenBy(c => c.Id), "/staff/complaints?status=under-review", SectionSize, ct),
            await SectionAsync("requests", "待审批申请", "承办单位申请退回或延期，等待审批。",
                c => true, c => c.Status == ComplaintStatus.Assigned && c.PendingRequest != PendingRequest.None, q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), null, SectionSize, ct),
            await SectionAsync("dissatisfied", "不满意待处理", "反映人评价为不满意，请决定重新交办或办结。",
                c => true, c => c.Status == ComplaintStatus.AwaitingFeedback && c.Satisfaction == Satisfaction.Dissatisfied, q => q.OrderBy(c => c.UpdatedAtUtc).ThenBy(c => c.Id), null, SectionSize, ct),
            await SectionAsync("overdue", "超期督办", "超过办理期限仍未报告，超期越久督办等级越高。",
                c => true, ComplaintRules.OverdueAt(now), q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), "/staff/complaints?overdue=true", SectionSize, ct),
        ];

        private async Task<IReadOnlyList<Found>> UnitSectionsAsync(int unitId, Expression<Func<Complaint, bool>> desk, CancellationToken ct)
        {
            var ours = ComplaintVisibility.ToUnit(unitId);
            return
            [
                // 督办 notices come first: each has its own short reply deadline and escalates when missed.
                await SectionAsync("unit-supervision", "待答复的督办通知", "纪检监察工委发出的督办通知，请在答复期限前在反映页面答复。",
                    ours, c => c.SupervisionNotices.Any(n => n.IsOpenTo(unitId)),
                    q => q.OrderBy(c => c.SupervisionNotices.Where(n => n.IsOpenTo(unitId)).Min(n => n.DueAtUtc)).ThenBy(c => c.Id),
                    null, UnitSectionSize, ct, desk),
                // Earliest deadline first puts the overdue cases at the top.
                await SectionAsync("unit-todo", "本单位待办", "交由本单位办理、尚未报告的反映，超期的排在最前。",
                    ours, c => c.Status == ComplaintStatus.Assigned,
                    q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), "/staff/complaints?status=assigned", UnitSectionSize, ct, desk),
                await SectionAsync("unit-requests", "本单位待审批的申请", "已向纪检监察工委申请退回或延期，等待审批。",
                    ours, c => c.Status == ComplaintStatus.Assigned && c.PendingRequest != PendingRequest.None,
                    q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), null, SectionSize, ct, desk),
                await SectionAsync("unit-review", "已报告、待审核", "已提交办理情况报告，等待纪检监察工委审核。",
                    ours, c => c.Status == ComplaintStatus.UnderReview,
                    q => q.OrderBy(c => c.RespondedAtUtc).ThenBy(c => c.Id), "/staff/complaints?status=under-review", SectionSize, ct, desk),
            ];
        }

        /// <summary>A section's count and the complaints it lists, before their rows are made.</summary>
        private sealed record Found(string Id, string Title, string Hint, int Count, IReadOnlyList<Complaint> Complaints, string? MoreLink);

        /// <param name="scope">Which complaints the user may see at all (a handler: their unit's).</param>
        private async Task<Found> SectionAsync(
            string id, string title, string hint,
            Expression<Func<Complaint, bool>> scope,
            Expression<Func<Complaint, bool>> filter,
            Func<IQueryable<Complaint>, IOrderedQueryable<Complaint>> order,
            string? moreLink, int limit, CancellationToken ct, Expression<Func<Complaint, bool>>? desk = null)
        {
            var query = db.Complaints.AsNoTracking().Where(scope).Where(filter);
            if (desk is not null)
            {
                query = query.Where(desk);
            }
            var count = await query.CountAsync(ct);
            var complaints = count == 0 ? [] : await order(query).Take(limit).ToListAsync(ct);
            return new Found(id, title, hint, count, complaints, moreLink);
        }

        /// <summary>
        /// The rows of every section, with the unit names and last actions of all of them read at once. Each case is
        /// checked against the complaint policy as well as the section's query: a row the user may not view is left out.
        /// </summary>
        private async Task<IReadOnlyList<Section>> RowsAsync(ClaimsPrincipal user, IReadOnlyList<Found> found, DateTime now, CancellationToken ct)
        {
            var all = found.SelectMany(f => f.Complaints).ToList();
            var visible = new HashSet<long>();
            foreach (var c in all.DistinctBy(c => c.Id))
            {
                if ((await authorization.AuthorizeAsync(user, new ComplaintResource(c.UnitId, c.AssignedAtUtc != null), ComplaintOperations.View)).Succeeded)
                {
                    visible.Add(c.Id);
                }
            }
            var unitIds = all.Select(c => c.UnitId).OfType<int>().Distinct().ToList();
            var unitNames = unitIds.Count == 0
                ? []
                : await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
            var lastActions = await LastWorkflowActionsAsync(visible, ct);
            var holderIds = all.Select(c => c.HandlerId).OfType<string>().Distinct().ToList();
            var holders = holderIds.Count == 0
                ? []
                : await db.Users.AsNoTracking().Where(u => holderIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
            var exact = ComplainantTimes.Exact(user);
            return found.Select(f =>
            {
                var rows = f.Complaints.Where(c => visible.Contains(c.Id)).Select(c =>
                {
                    var last = lastActions.GetValueOrDefault(c.Id);
                    return new Row(
                        c.TrackingNumber, c.Title, c.UnitId is { } unitId ? unitNames.GetValueOrDefault(unitId, string.Empty) : ComplaintTexts.UnitUndetermined,
                        ComplaintStatuses.Codes.CodeOf(c.Status), ComplaintStatuses.DisplayLabel(c.Status, c.Satisfaction),
                        ComplainantTimes.For(exact, c.SubmittedAtUtc), c.DueAtUtc,
                        c.IsOverdue(now), c.EscalationLevel(workflows.For(c), now),
                        c.PendingRequest switch { PendingRequest.Return => "return", PendingRequest.Extension => "extension", PendingRequest.Suspension => "suspension", _ => null },
                        c.PendingExtensionDays, c.ReworkCount, last == "send-back", last == "reopen",
                        c.Satisfaction is { } s ? Satisfactions.Codes.CodeOf(s) : null,
                        c.Satisfaction is { } l ? Satisfactions.Codes.LabelOf(l) : null,
                        c.HandlerId is { } holder ? holders.GetValueOrDefault(holder) : null);
                }).ToList();
                return new Section(f.Id, f.Title, f.Hint, f.Count, rows, f.Count > rows.Count ? f.MoreLink : null);
            }).ToList();
        }

        /// <summary>
        /// The last action that moved each case (supplements and contact views do not), so the inbox can say
        /// "sent back for rework" or "reopened" about the current round.
        /// </summary>
        private async Task<Dictionary<long, string>> LastWorkflowActionsAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
        {
            if (ids.Count == 0)
            {
                return [];
            }
            var events = await db.ComplaintEvents.AsNoTracking()
                .Where(e => ids.Contains(e.ComplaintId) && e.Action != ComplaintActions.Supplement && e.Action != ComplaintActions.ViewContact && e.Action != ComplaintActions.EraseContact)
                .Select(e => new { e.ComplaintId, e.AtUtc, e.Id, e.Action })
                .ToListAsync(ct);
            return events.GroupBy(e => e.ComplaintId)
                .ToDictionary(g => g.Key, g => g.OrderBy(e => e.AtUtc).ThenBy(e => e.Id).Last().Action);
        }
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/inbox", async (HttpContext http, Handler handler, string? desk, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.HandleAsync(http.User, ct, desk)).ToOk();
            })
            .RequireAuthorization()
            .WithName("GetInbox")
            .WithSummary("工作台：本人待办（纪检监察工委：待受理、待审核、待审批、不满意、超期；单位承办人：本单位督办通知、待办、申请、待审核）")
            .WithDescription("The same sections as the page /staff. Each section has its count and its first cases (10; a unit's supervision notices and to-dos 50), most urgent first; moreLink names the full list when there are more. Roles without an inbox get no sections. submittedAt is to the day for a unit's handler.")
            .Produces<View>();
}
