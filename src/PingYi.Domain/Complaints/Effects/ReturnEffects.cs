using PingYi.Domain.Calendar;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>申请退回: the unit asks to give the case back (not its business); a supervisor decides.</summary>
internal sealed class RequestReturnEffect : IComplaintEffect
{
    public string Action => "request-return";

    public void Apply(EffectContext context)
    {
        context.Complaint.PendingRequest = PendingRequest.Return;
        context.Raise(NoticeKind.ReturnRequested, note: context.Fields.Text("reason"));
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.CurrentHandling?.ReturnRequested();
}

/// <summary>同意退回: the case goes back to intake, with a new accept deadline, to find the right unit.</summary>
internal sealed class ApproveReturnEffect : IComplaintEffect
{
    public string Action => "approve-return";

    public StartedDeadline? Starts => StartedDeadline.Accept;

    public void Apply(EffectContext context)
    {
        context.Complaint.PendingRequest = PendingRequest.None;
        context.Complaint.AssignedAtUtc = null;
        context.PublicNote = ComplaintTexts.ReturnApproved;
        context.Raise(NoticeKind.ReturnApproved, note: context.Fields.Text("note"));
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.CurrentHandling?.End(facts.AtUtc, HandlingEnd.Returned, calendar);
}

/// <summary>不同意退回: the unit keeps the case.</summary>
internal sealed class RejectReturnEffect : IComplaintEffect
{
    public string Action => "reject-return";

    public void Apply(EffectContext context)
    {
        context.Complaint.ClearPendingRequest();
        context.Raise(NoticeKind.ReturnRejected, note: context.Fields.Text("reason"));
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.CurrentHandling?.ReturnRejected(facts.AtUtc);
}
