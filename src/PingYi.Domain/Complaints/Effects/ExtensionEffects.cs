using PingYi.Domain.Calendar;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>申请延期: the unit asks for more working days; a supervisor decides.</summary>
internal sealed class RequestExtensionEffect : IComplaintEffect
{
    public string Action => "request-extension";

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        c.PendingRequest = PendingRequest.Extension;
        c.PendingExtensionDays = context.Fields.Int("workingDays");
        context.Raise(NoticeKind.ExtensionRequested, level: c.PendingExtensionDays, note: context.Fields.Text("reason"));
    }

    public void Replay(TimelineReplay replay, ComplaintEvent e) =>
        replay.RequestedDays = TimelineReplay.IntField(e.Data, "workingDays");
}

/// <summary>同意延期: the current deadline moves by the working days asked for, counted from its last day.</summary>
internal sealed class ApproveExtensionEffect : IComplaintEffect
{
    public string Action => "approve-extension";

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        var due = context.Workflow.Calendar.ExtendUtc(c.DueAtUtc ?? context.NowUtc, c.PendingExtensionDays ?? 0);
        c.DueAtUtc = due;
        c.ClearPendingRequest();
        context.PublicNote = ComplaintTexts.ExtensionApproved(due);
        context.Raise(NoticeKind.ExtensionApproved, note: context.Fields.Text("note"));
    }

    public void Replay(TimelineReplay replay, ComplaintEvent e)
    {
        if (replay.Due is { } due && replay.RequestedDays is { } days)
        {
            replay.ExtensionDays = days;
            replay.Due = replay.Calendar.ExtendUtc(due, days);
        }
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar)
    {
        if (facts.DueAfter is { } due)
        {
            complaint.CurrentHandling?.Extended(due, facts.ExtensionDays ?? 0);
        }
    }
}

/// <summary>不同意延期: the deadline stays.</summary>
internal sealed class RejectExtensionEffect : IComplaintEffect
{
    public string Action => "reject-extension";

    public void Apply(EffectContext context)
    {
        context.Complaint.ClearPendingRequest();
        context.Raise(NoticeKind.ExtensionRejected, note: context.Fields.Text("reason"));
    }
}
