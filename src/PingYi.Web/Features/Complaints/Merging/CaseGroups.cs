using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Merging;

/// <summary>
/// 并案 and 关联 across cases, around <see cref="Handling.PerformAction"/>: before an action, the other case it names
/// (the primary of a merge or unmerge, the related case of a link); after it, in the same save, what the group follows
/// — the primary's approved answer goes to each secondary (share-answer), a declined primary's secondaries go back to
/// intake (unmerge), the primary's timeline records the merge, a link is stored once for the pair.
/// </summary>
public sealed class CaseGroups(PingYiDbContext db, WorkflowRuntime workflows)
{
    public const string Merge = "merge";
    public const string Unmerge = "unmerge";
    public const string ShareAnswer = "share-answer";
    public const string Link = "link";

    /// <summary>The other case the action names, read for its rules; null for an action that names none.</summary>
    public async Task<Result<CaseGroupFacts?>> ResolveAsync(Complaint complaint, string action, ValidatedFields values, CancellationToken ct)
    {
        switch (action)
        {
            case Merge:
                return await FactsAsync(complaint, values.Text("primary"), "primary", ct);
            case Unmerge when complaint.MergedIntoId is { } primaryId:
                var primary = await db.Complaints.AsNoTracking().FirstAsync(c => c.Id == primaryId, ct);
                return new CaseGroupFacts(RefOf(primary, isSecondary: false), HasSecondaries: false);
            case Link:
                var related = await FactsAsync(complaint, values.Text("related"), "related", ct);
                if (related.Succeeded && await LinkedAsync(complaint.Id, related.Value!.Other.Id, ct))
                {
                    return RequestFailure.Conflict("已关联", "related", $"本件已与 {related.Value.Other.TrackingNumber} 关联。");
                }
                return related;
            default:
                return Result<CaseGroupFacts?>.From(null);
        }
    }

    private async Task<Result<CaseGroupFacts?>> FactsAsync(Complaint complaint, string? trackingNumber, string field, CancellationToken ct)
    {
        var other = trackingNumber is null ? null : await db.Complaints.AsNoTracking()
            .Where(c => c.TrackingNumber == trackingNumber)
            .Select(c => new CaseRef(c.Id, c.TrackingNumber, c.UnitId, c.Status, c.MergedIntoId != null, c.PublicReply))
            .FirstOrDefaultAsync(ct);
        if (other is null)
        {
            return RequestFailure.NotFound("未找到", field, $"找不到受理编号为 {trackingNumber} 的反映。");
        }
        var hasSecondaries = await db.Complaints.AnyAsync(c => c.MergedIntoId == complaint.Id, ct);
        return new CaseGroupFacts(other, hasSecondaries);
    }

    private Task<bool> LinkedAsync(long a, long b, CancellationToken ct)
    {
        var (first, second) = a < b ? (a, b) : (b, a);
        return db.ComplaintLinks.AnyAsync(l => l.FirstId == first && l.SecondId == second, ct);
    }

    private static CaseRef RefOf(Complaint c, bool isSecondary) =>
        new(c.Id, c.TrackingNumber, c.UnitId, c.Status, isSecondary, c.PublicReply);

    /// <summary>
    /// What the group does after <paramref name="action"/> was performed on <paramref name="complaint"/> (tracked, not
    /// yet saved); the caller saves it all at once. The other cases are loaded tracked, so their versions guard the save.
    /// </summary>
    public async Task FollowAsync(Complaint complaint, string action, Actor actor, ValidatedFields values, CaseGroupFacts? group, DateTime now, CancellationToken ct)
    {
        switch (action)
        {
            case Merge:
                (await TrackedAsync(group!.Other.Id, ct)).RecordGroupEvent(ComplaintActions.MergedIn, actor, ComplaintTexts.MergedIn, now);
                break;
            case Unmerge when group is not null:
                (await TrackedAsync(group.Other.Id, ct)).RecordGroupEvent(ComplaintActions.UnmergedOut, actor, ComplaintTexts.UnmergedOut, now);
                break;
            case Link:
                var related = await TrackedAsync(group!.Other.Id, ct);
                related.RecordGroupEvent(ComplaintActions.Linked, actor, ComplaintTexts.Linked(complaint.TrackingNumber, null), now);
                db.ComplaintLinks.Add(new ComplaintLink(complaint.Id, related.Id, values.Text("reason"), actor.UserId, now));
                break;
            case "approve":
                await ForEachSecondaryAsync(complaint, ct, secondary => secondary.Perform(workflows.For(secondary), ShareAnswer, System, ValidatedFields.Empty, null, now,
                    group: new CaseGroupFacts(RefOf(complaint, isSecondary: false), HasSecondaries: false)));
                break;
            case "decline":
                var reason = new ValidatedFields(new Dictionary<string, object> { ["reason"] = PrimaryDeclined });
                await ForEachSecondaryAsync(complaint, ct, secondary => secondary.Perform(workflows.For(secondary), Unmerge, System, reason, null, now,
                    group: new CaseGroupFacts(RefOf(complaint, isSecondary: false), HasSecondaries: false)));
                break;
        }
    }

    private static readonly Actor System = new(null, WorkflowRoles.System);

    /// <summary>Why the system unmerges the secondaries of a declined primary (their timelines' internal note).</summary>
    public const string PrimaryDeclined = "主件不予受理，本件回到待受理，单独审查。";

    private async Task<Complaint> TrackedAsync(long id, CancellationToken ct) =>
        await db.Complaints.Include(c => c.SupervisionNotices).FirstAsync(c => c.Id == id, ct);

    private async Task ForEachSecondaryAsync(Complaint primary, CancellationToken ct, Action<Complaint> act)
    {
        var secondaries = await db.Complaints.Include(c => c.SupervisionNotices)
            .Where(c => c.MergedIntoId == primary.Id && c.Status == ComplaintStatus.Merged)
            .OrderBy(c => c.Id).ToListAsync(ct);
        foreach (var secondary in secondaries)
        {
            act(secondary);
        }
    }
}
