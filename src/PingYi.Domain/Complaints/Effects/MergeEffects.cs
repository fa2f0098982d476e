using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>
/// 并案: a supervisor merges this case (the secondary) into a primary of the same unit that is still being handled
/// (<c>merging.primaryStates</c>), with a reason, and chooses whether its title and description reach the unit. The
/// secondary stops its own clock (no accept deadline) and waits for the primary's approved answer. No chains: a
/// secondary cannot be a primary, nor a primary a secondary.
/// </summary>
internal sealed class MergeEffect : IComplaintEffect
{
    public const string Code = "merge";

    public string Action => Code;

    public WorkflowFacts Prepare(EffectContext context, WorkflowFacts facts)
    {
        var c = context.Complaint;
        var group = context.Group ?? throw new InvalidOperationException("merge needs the primary.");
        var primary = group.Other;
        if (primary.Id == c.Id)
        {
            throw context.Refuse("A case cannot be merged into itself.", ComplaintTexts.MergeIntoSelf);
        }
        if (primary.IsSecondary)
        {
            throw context.Refuse("The primary is itself merged into another case.", ComplaintTexts.MergePrimaryIsSecondary(primary.TrackingNumber));
        }
        if (group.HasSecondaries)
        {
            throw context.Refuse("This case is a primary; it cannot be merged into another.", ComplaintTexts.MergeSelfIsPrimary);
        }
        if (primary.UnitId is { } unit && c.UnitId is { } own && unit != own)
        {
            throw context.Refuse("The primary is about another unit.", ComplaintTexts.MergeOtherUnit(primary.TrackingNumber));
        }
        var rules = context.Workflow.Engine.Definition.Merging;
        if (rules is null || !rules.PrimaryStates.Contains(primary.Status))
        {
            throw context.Refuse($"The primary is {primary.Status}.",
                ComplaintTexts.MergePrimaryState(primary.TrackingNumber, ComplaintStatuses.Codes.LabelOf(primary.Status)));
        }
        return facts;
    }

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        var primary = context.Group!.Other;
        c.MergedIntoId = primary.Id;
        c.MergeForwarded = context.Fields.Bool("forwardDescription");
        c.MergeReason = context.Fields.Text("reason");
        c.MergedAtUtc = context.NowUtc;
        c.UnitId = primary.UnitId ?? c.UnitId;
        c.DueAtUtc = null;
        context.PublicNote = ComplaintTexts.Merged;
        context.InternalNote = ComplaintTexts.MergedInternal(primary.TrackingNumber, c.MergeReason, c.MergeForwarded);
    }

    public void Replay(TimelineReplay replay, ComplaintEvent e) => replay.Due = null;
}

/// <summary>解除并案: until the primary's answer is approved; the case goes back to intake with a new accept deadline.</summary>
internal sealed class UnmergeEffect : IComplaintEffect
{
    public const string Code = "unmerge";

    public string Action => Code;

    public StartedDeadline? Starts => StartedDeadline.Accept;

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        var primary = context.Group?.Other.TrackingNumber ?? string.Empty;
        c.MergedIntoId = null;
        c.MergeForwarded = false;
        c.MergeReason = null;
        c.MergedAtUtc = null;
        context.PublicNote = ComplaintTexts.Unmerged;
        context.InternalNote = ComplaintTexts.UnmergedInternal(primary, context.Fields.Text("reason"));
    }
}

/// <summary>
/// 并案答复 (system): the primary's answer was approved, and the secondary's complainant gets it under their own number,
/// with their own feedback window, and rates it. The secondary has no handling round, so its rating does not count for
/// the unit a second time (the channel score counts handling rounds).
/// </summary>
internal sealed class ShareAnswerEffect : IComplaintEffect
{
    public const string Code = "share-answer";

    public string Action => Code;

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        var primary = context.Group?.Other ?? throw new InvalidOperationException("share-answer needs the primary.");
        c.PublicReply = primary.PublicReply;
        c.UnitId = primary.UnitId ?? c.UnitId;
        c.ApprovedAtUtc = context.NowUtc;
        c.FeedbackExtendedToUtc = null;
        c.Satisfaction = null;
        context.PublicNote = ComplaintTexts.Approved(c.PublicReply);
        context.InternalNote = null;
        context.Raise(NoticeKind.Replied);
    }
}

/// <summary>关联: the two cases show each other; nothing about the handling changes (the link itself is stored by the caller).</summary>
internal sealed class LinkEffect : IComplaintEffect
{
    public const string Code = "link";

    public string Action => Code;

    public WorkflowFacts Prepare(EffectContext context, WorkflowFacts facts)
    {
        var related = context.Group?.Other ?? throw new InvalidOperationException("link needs the related case.");
        if (related.Id == context.Complaint.Id)
        {
            throw context.Refuse("A case cannot be linked to itself.", ComplaintTexts.LinkSelf);
        }
        return facts;
    }

    public void Apply(EffectContext context) =>
        context.InternalNote = ComplaintTexts.Linked(context.Group!.Other.TrackingNumber, context.Fields.Text("reason"));
}
