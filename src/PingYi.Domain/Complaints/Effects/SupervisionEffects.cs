using PingYi.Domain.Calendar;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>催办: a supervisor urges the unit; an internal note and a notice, nothing else.</summary>
internal sealed class UrgeEffect : IComplaintEffect
{
    public string Action => "urge";

    public void Apply(EffectContext context)
    {
        var note = context.Fields.Text("note");
        context.InternalNote = ComplaintTexts.Urged(note);
        context.Raise(NoticeKind.Urged, note: note);
    }
}

/// <summary>督办: a supervisor issues a numbered notice to the unit, with a reply deadline of its own.</summary>
internal sealed class SuperviseEffect : IComplaintEffect
{
    public string Action => "supervise";

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        var number = context.SupervisionNumber
            ?? throw new ArgumentNullException("supervisionNumber", "'supervise' needs the number allocated for its notice.");
        var replyDays = context.Fields.Int("workingDays") ?? context.Workflow.Deadlines.SupervisionReplyWorkingDays;
        var notice = SupervisionNotice.Issue(number,
            c.UnitId ?? throw new InvalidOperationException("督办 needs the unit handling the case."), context.Fields.Text("reason")!, context.Actor.UserId ?? context.Actor.Role,
            replyDays, context.Workflow.Calendar.DeadlineUtc(context.NowUtc, replyDays), context.NowUtc);
        c.AddSupervisionNotice(notice);
        context.Supervision = notice;
        context.InternalNote = ComplaintTexts.Supervised(number, notice.Reason, notice.DueAtUtc);
        context.Raise(NoticeKind.Supervised, note: notice.Reason, reference: notice.Number, dueAtUtc: notice.DueAtUtc);
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.CurrentHandling?.Supervised();
}

/// <summary>答复督办: the unit answers the oldest open 督办 notice; whether in time counts for it.</summary>
internal sealed class AnswerSupervisionEffect : IComplaintEffect
{
    public string Action => "answer-supervision";

    public void Apply(EffectContext context)
    {
        var notice = context.Complaint.OpenSupervisionNotice()
            ?? throw context.Refuse("No open supervision notice to answer.", ComplaintTexts.NoOpenSupervision);
        notice.Answered(context.Fields.Text("answer")!, context.Actor.UserId, context.NowUtc);
        context.Supervision = notice;
        context.InternalNote = ComplaintTexts.SupervisionAnswered(notice.Number, notice.Answer);
    }

    public void Replay(TimelineReplay replay, ComplaintEvent e)
    {
        var notice = replay.AnsweredNotices.FirstOrDefault(n => n.AnsweredAtUtc == e.AtUtc);
        replay.SupervisionAnsweredInTime = notice is null || notice.AnsweredAtUtc < notice.DueAtUtc;
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar)
    {
        if (facts.SupervisionAnsweredInTime is { } inTime)
        {
            complaint.CurrentHandling?.SupervisionAnswered(inTime);
        }
    }
}
