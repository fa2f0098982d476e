using PingYi.Domain.Calendar;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>报送办理情况: the unit reports what it found and did, and drafts the reply to the complainant.</summary>
internal sealed class RespondEffect : IComplaintEffect
{
    public string Action => "respond";

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        c.ResponseFindings = context.Fields.Text("findings");
        c.ResponseMeasures = context.Fields.Text("measures");
        c.PublicReply = context.Fields.Text("publicReply");
        c.RespondedAtUtc = context.NowUtc;
        c.RespondedLate = Deadlines.Late(context.NowUtc, c.DueAtUtc);
        c.ClearPendingRequest();
        context.InternalNote = ComplaintTexts.Responded(c.ResponseFindings, c.ResponseMeasures);
        // Answering is the latest moment a unit can be said to have signed for the case (docs/workflow.md).
        if (c.SignPending)
        {
            c.SignedAtUtc = context.NowUtc;
            context.InternalNote += "\n" + ComplaintTexts.SignedOnAnswer(Deadlines.Late(context.NowUtc, c.SignDueAtUtc!.Value));
        }
        context.Raise(NoticeKind.Responded);
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar)
    {
        complaint.CurrentHandling?.Signed(facts.AtUtc);
        complaint.CurrentHandling?.Responded(facts.AtUtc, calendar);
    }
}

/// <summary>审核通过: a supervisor approves and rates the response; the reply is published and the feedback window opens.</summary>
internal sealed class ApproveEffect : IComplaintEffect
{
    public string Action => "approve";

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        c.QualityRating = context.Fields.Int("qualityRating");
        c.ApprovedAtUtc = context.NowUtc;
        c.FeedbackExtendedToUtc = null;
        c.Satisfaction = null;
        context.PublicNote = ComplaintTexts.Approved(c.PublicReply);
        context.Raise(NoticeKind.Replied);
    }

    public void Replay(TimelineReplay replay, ComplaintEvent e) =>
        replay.QualityRating = TimelineReplay.IntField(e.Data, "qualityRating");

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.CurrentHandling?.Approved(facts.AtUtc, facts.QualityRating);
}

/// <summary>退回重办: the response is not accepted; the unit does it again by a rework deadline, as a new attempt.</summary>
internal sealed class SendBackEffect : IComplaintEffect
{
    public string Action => "send-back";

    public StartedDeadline? Starts => StartedDeadline.Rework;

    public void Apply(EffectContext context)
    {
        context.Complaint.ReworkCount++;
        context.PublicNote = ComplaintTexts.SentBack;
        context.Raise(NoticeKind.SentBack, note: context.Fields.Text("reason"));
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.StartRework(facts, calendar);
}
