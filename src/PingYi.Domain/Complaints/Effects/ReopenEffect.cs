using PingYi.Domain.Calendar;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>重新交办: a closed or dissatisfied case goes back to its unit with a new handling deadline and a new round.</summary>
internal sealed class ReopenEffect : IComplaintEffect
{
    public string Action => "reopen";

    public StartedDeadline? Starts => StartedDeadline.Handle;

    public bool StartsSigning => true;

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        c.ReopenCount++;
        c.Satisfaction = null;
        c.ClosedAtUtc = null;
        c.AssignedAtUtc = context.NowUtc;
        context.PublicNote = ComplaintTexts.Reopened(context.StartedDueUtc!.Value);
        context.Raise(NoticeKind.Assigned, note: context.InternalNote);
        context.Raise(NoticeKind.Reopened);
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.StartHandlingRound(HandlingStart.Reopen, HandlingEnd.Reopened, facts, calendar);
}
