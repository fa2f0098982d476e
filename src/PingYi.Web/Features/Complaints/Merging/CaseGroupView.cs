using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Merging;

/// <summary>
/// 并案 and 关联 on a case's staff view. A supervisor sees the whole group: the primary a secondary was merged into,
/// a primary's secondaries with the reasons, and the related cases. A unit sees one case: how many were merged into it
/// and only the texts (title and description) the supervisor forwarded — never a secondary's number, identity or files
/// — and only the related cases it may see itself.
/// </summary>
public static class CaseGroupView
{
    /// <param name="MergedInto">Supervisors: the primary this case was merged into.</param>
    /// <param name="SecondaryCount">How many cases were merged into this one.</param>
    /// <param name="Secondaries">Supervisors: the cases merged into this one (the first <see cref="MaxListed"/>; <paramref name="SecondaryCount"/> counts all).</param>
    /// <param name="Forwarded">The secondaries' texts the supervisor forwarded to the unit (of those listed).</param>
    /// <param name="Related">The related cases, the first <see cref="MaxListed"/>.</param>
    public sealed record Info(
        string? MergedInto, string? MergeReason, int SecondaryCount, IReadOnlyList<SecondaryInfo> Secondaries,
        IReadOnlyList<ForwardedText> Forwarded, IReadOnlyList<RelatedInfo> Related);

    /// <summary>The most secondaries and related cases a case view lists: a group that size is read as a list page, not one case.</summary>
    public const int MaxListed = 100;

    public sealed record SecondaryInfo(string TrackingNumber, string Status, string StatusLabel, string? Reason, bool Forwarded, DateTime? MergedAt);

    public sealed record ForwardedText(string Title, string Description);

    public sealed record RelatedInfo(string TrackingNumber, string Title, string StatusLabel, string? Reason);

    /// <summary>The group as <paramref name="user"/> may see it; null when the case is in none.</summary>
    public static async Task<Info?> BuildAsync(PingYiDbContext db, ClaimsPrincipal user, Complaint c, CancellationToken ct)
    {
        var supervisor = user.WorkflowRole() == WorkflowRoles.Supervisor;
        var secondaries = await db.Complaints.AsNoTracking().Where(s => s.MergedIntoId == c.Id).OrderBy(s => s.Id).Take(MaxListed)
            .Select(s => new { s.TrackingNumber, s.Status, s.Satisfaction, s.MergeReason, s.MergeForwarded, s.MergedAtUtc, s.Title, s.Description })
            .ToListAsync(ct);
        var links = db.ComplaintLinks.AsNoTracking().Where(l => l.FirstId == c.Id || l.SecondId == c.Id)
            .Select(l => new { OtherId = l.FirstId == c.Id ? l.SecondId : l.FirstId, l.Reason });
        var related = db.Complaints.AsNoTracking().Join(links, k => k.Id, l => l.OtherId, (k, l) => new { Case = k, l.Reason });
        if (!supervisor)
        {
            var unitId = user.UnitId() ?? -1;
            related = related.Where(r => r.Case.UnitId == unitId && r.Case.AssignedAtUtc != null);
        }
        // Counted apart only when the list is full: the usual case costs no query more.
        var secondaryCount = secondaries.Count < MaxListed ? secondaries.Count : await db.Complaints.CountAsync(s => s.MergedIntoId == c.Id, ct);
        var relatedList = await related.OrderBy(r => r.Case.Id).Take(MaxListed)
            .Select(r => new { r.Case.TrackingNumber, r.Case.Title, r.Case.Status, r.Case.Satisfaction, r.Reason }).ToListAsync(ct);
        var primary = supervisor && c.MergedIntoId is { } primaryId
            ? await db.Complaints.AsNoTracking().Where(p => p.Id == primaryId).Select(p => p.TrackingNumber).FirstOrDefaultAsync(ct)
            : null;
        if (primary is null && secondaries.Count == 0 && relatedList.Count == 0)
        {
            return null;
        }
        return new Info(
            primary,
            primary is null ? null : c.MergeReason,
            secondaryCount,
            supervisor
                ? secondaries.Select(s => new SecondaryInfo(s.TrackingNumber, ComplaintStatuses.Codes.CodeOf(s.Status),
                    ComplaintStatuses.DisplayLabel(s.Status, s.Satisfaction), s.MergeReason, s.MergeForwarded, s.MergedAtUtc)).ToList()
                : [],
            secondaries.Where(s => s.MergeForwarded).Select(s => new ForwardedText(s.Title, s.Description)).ToList(),
            relatedList.Select(r => new RelatedInfo(r.TrackingNumber, r.Title, ComplaintStatuses.DisplayLabel(r.Status, r.Satisfaction), r.Reason)).ToList());
    }
}
