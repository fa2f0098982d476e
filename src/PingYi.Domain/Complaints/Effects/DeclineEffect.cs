namespace PingYi.Domain.Complaints.Effects;

/// <summary>不予受理: the case is declined at intake, with the reason shown to the complainant.</summary>
internal sealed class DeclineEffect : IComplaintEffect
{
    public string Action => "decline";

    public void Apply(EffectContext context)
    {
        var reason = context.Fields.Text("reason");
        context.PublicNote = ComplaintTexts.Declined(reason);
        context.InternalNote = null;
        context.Complaint.DueAtUtc = null;
        context.Raise(NoticeKind.Declined, note: reason);
    }
}
