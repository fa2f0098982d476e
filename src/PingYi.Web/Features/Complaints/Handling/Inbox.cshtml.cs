using System.Linq.Expressions;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;
using PingYi.Web.Features.Account;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// 工作台: the signed-in user's inbox. A supervisor sees what waits for the committee (intake, review,
/// requests, dissatisfied ratings, overdue cases); a unit handler sees their unit's open cases, most
/// urgent first, and the requests they are waiting on.
/// </summary>
public sealed class InboxModel(PingYiDbContext db, UserManager<StaffUser> users, WorkflowRuntime workflows, TimeProvider time) : PageModel
{
    /// <summary>How many cases a section lists; the rest are one click away in the full list.</summary>
    public const int SectionSize = 10;

    public string DisplayName { get; private set; } = string.Empty;

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public string? UnitName { get; private set; }

    public IReadOnlyList<Section> Sections { get; private set; } = [];

    public sealed record Section(string Id, string Title, string Hint, int Count, IReadOnlyList<Row> Rows, string? MoreLink);

    public sealed record Row(
        string TrackingNumber, string Title, string UnitName, ComplaintStatus Status, DateTime SubmittedAtUtc, DateTime? DueAtUtc,
        bool Overdue, int EscalationLevel, PendingRequest PendingRequest, int? PendingExtensionDays,
        int ReworkCount, bool SentBack, bool Reopened, Satisfaction? Satisfaction);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var user = await users.GetUserAsync(User) ?? throw new InvalidOperationException("Signed-in user not found.");
        DisplayName = user.DisplayName;
        Roles = User.FindAll(ClaimTypes.Role).Select(r => StaffRoles.LabelOf(r.Value)).ToList();
        var now = time.GetUtcNow().UtcDateTime;

        IReadOnlyList<Found> found = [];
        var role = User.WorkflowRole();
        if (role == WorkflowRoles.Supervisor)
        {
            found =
            [
                await SectionAsync("submitted", "待受理", "尚未决定受理或不予受理，按受理期限排序。",
                    c => c.Status == ComplaintStatus.Submitted, q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), "/staff/complaints?status=submitted", ct),
                await SectionAsync("under-review", "待审核", "承办单位已报告办理情况，等待审核。",
                    c => c.Status == ComplaintStatus.UnderReview, q => q.OrderBy(c => c.RespondedAtUtc).ThenBy(c => c.Id), "/staff/complaints?status=under-review", ct),
                await SectionAsync("requests", "待审批申请", "承办单位申请退回或延期，等待审批。",
                    c => c.Status == ComplaintStatus.Assigned && c.PendingRequest != PendingRequest.None, q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), null, ct),
                await SectionAsync("dissatisfied", "不满意待处理", "反映人评价为不满意，请决定重新交办或办结。",
                    c => c.Status == ComplaintStatus.AwaitingFeedback && c.Satisfaction == Satisfaction.Dissatisfied, q => q.OrderBy(c => c.UpdatedAtUtc).ThenBy(c => c.Id), null, ct),
                await SectionAsync("overdue", "超期督办", "超过办理期限仍未报告，超期越久督办等级越高。",
                    ComplaintRules.OverdueAt(now), q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), "/staff/complaints?overdue=true", ct),
            ];
        }
        else if (role == WorkflowRoles.UnitHandler && User.UnitId() is { } unitId)
        {
            UnitName = await db.Units.Where(u => u.Id == unitId).Select(u => u.Name).SingleAsync(ct);
            var ours = ComplaintVisibility.ToUnit(unitId);
            found =
            [
                // 督办 notices come first: each has its own short reply deadline and escalates when missed.
                await SectionAsync("unit-supervision", "待答复的督办通知", "纪检监察工委发出的督办通知，请在答复期限前在反映页面答复。",
                    ours, c => c.SupervisionNotices.Any(n => n.IsOpenTo(unitId)),
                    q => q.OrderBy(c => c.SupervisionNotices.Where(n => n.IsOpenTo(unitId)).Min(n => n.DueAtUtc)).ThenBy(c => c.Id),
                    null, ct, limit: 50),
                // Earliest deadline first puts the overdue cases at the top.
                await SectionAsync("unit-todo", "本单位待办", "交由本单位办理、尚未报告的反映，超期的排在最前。",
                    ours, c => c.Status == ComplaintStatus.Assigned,
                    q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), "/staff/complaints?status=assigned", ct, limit: 50),
                await SectionAsync("unit-requests", "本单位待审批的申请", "已向纪检监察工委申请退回或延期，等待审批。",
                    ours, c => c.Status == ComplaintStatus.Assigned && c.PendingRequest != PendingRequest.None,
                    q => q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id), null, ct),
                await SectionAsync("unit-review", "已报告、待审核", "已提交办理情况报告，等待纪检监察工委审核。",
                    ours, c => c.Status == ComplaintStatus.UnderReview,
                    q => q.OrderBy(c => c.RespondedAtUtc).ThenBy(c => c.Id), "/staff/complaints?status=under-review", ct),
            ];
        }
        Sections = await RowsAsync(found, now, ct);
    }

    /// <summary>A section's count and the complaints it lists, before their rows are made.</summary>
    private sealed record Found(string Id, string Title, string Hint, int Count, IReadOnlyList<Complaint> Complaints, string? MoreLink);

    private Task<Found> SectionAsync(
        string id, string title, string hint,
        Expression<Func<Complaint, bool>> filter,
        Func<IQueryable<Complaint>, IOrderedQueryable<Complaint>> order,
        string? moreLink, CancellationToken ct, int limit = SectionSize) =>
        SectionAsync(id, title, hint, c => true, filter, order, moreLink, ct, limit);

    /// <param name="scope">Which complaints the user may see at all (a handler: their unit's).</param>
    private async Task<Found> SectionAsync(
        string id, string title, string hint,
        Expression<Func<Complaint, bool>> scope,
        Expression<Func<Complaint, bool>> filter,
        Func<IQueryable<Complaint>, IOrderedQueryable<Complaint>> order,
        string? moreLink, CancellationToken ct, int limit = SectionSize)
    {
        var query = db.Complaints.AsNoTracking().Where(scope).Where(filter);
        var count = await query.CountAsync(ct);
        var complaints = count == 0 ? [] : await order(query).Take(limit).ToListAsync(ct);
        return new Found(id, title, hint, count, complaints, moreLink);
    }

    /// <summary>The rows of every section, with the unit names and last actions of all of them read at once.</summary>
    private async Task<IReadOnlyList<Section>> RowsAsync(IReadOnlyList<Found> found, DateTime now, CancellationToken ct)
    {
        var all = found.SelectMany(f => f.Complaints).ToList();
        var unitIds = all.Select(c => c.UnitId).Distinct().ToList();
        var unitNames = unitIds.Count == 0
            ? []
            : await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        var lastActions = await LastWorkflowActionsAsync(all.Select(c => c.Id).Distinct().ToList(), ct);
        return found.Select(f =>
        {
            var rows = f.Complaints.Select(c =>
            {
                var last = lastActions.GetValueOrDefault(c.Id);
                return new Row(
                    c.TrackingNumber, c.Title, unitNames.GetValueOrDefault(c.UnitId, string.Empty), c.Status, c.SubmittedAtUtc, c.DueAtUtc,
                    c.IsOverdue(now), c.EscalationLevel(workflows.For(c), now), c.PendingRequest, c.PendingExtensionDays,
                    c.ReworkCount, last == "send-back", last == "reopen", c.Satisfaction);
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
