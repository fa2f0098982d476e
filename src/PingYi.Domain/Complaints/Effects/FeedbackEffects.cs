using PingYi.Domain.Calendar;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>评价: the complainant rates the outcome, once per round; a dissatisfied rating waits for a supervisor.</summary>
internal sealed class FeedbackEffect : IComplaintEffect
{
    public const string Code = "feedback";

    public string Action => Code;

    public WorkflowFacts Prepare(EffectContext context, WorkflowFacts facts)
    {
        // One rating per round: after it, the case waits for a supervisor to reopen or close it.
        if (context.Complaint.Satisfaction is not null)
        {
            throw context.Refuse("The complainant has already rated this outcome.", ComplaintTexts.AlreadyRated);
        }
        // Which way the rating leads depends on the rating being given now.
        return facts with { Dissatisfied = context.Fields.Satisfaction("satisfaction") == Satisfaction.Dissatisfied };
    }

    public void Apply(EffectContext context)
    {
        var satisfaction = context.Fields.Satisfaction("satisfaction");
        context.Complaint.Satisfaction = satisfaction;
        context.PublicNote = ComplaintTexts.Rated(Satisfactions.Codes.LabelOf(satisfaction!.Value), context.Fields.Text("comment"));
        context.InternalNote = null;
    }

    public void Replay(TimelineReplay replay, ComplaintEvent e)
    {
        replay.Satisfaction = Satisfactions.Codes.TryParse(TimelineReplay.TextField(e.Data, "satisfaction"), out var s) ? s : null;
        replay.Resolution = Resolutions.Codes.TryParse(TimelineReplay.TextField(e.Data, "resolved"), out var r) ? r : null;
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar)
    {
        if (facts.Satisfaction is { } satisfaction)
        {
            complaint.CurrentHandling?.Rated(facts.AtUtc, satisfaction, facts.Resolution);
        }
    }
}

/// <summary>评价超时自动办结: the system closes a case whose feedback window ended with no rating.</summary>
internal sealed class FeedbackTimeoutEffect : IComplaintEffect
{
    public const string Code = "feedback-timeout";

    public string Action => Code;

    public WorkflowFacts Prepare(EffectContext context, WorkflowFacts facts)
    {
        if (!context.Complaint.IsFeedbackTimeoutDue(context.Workflow, context.NowUtc))
        {
            throw context.Refuse("The feedback window has not ended, or the complainant has rated.", ComplaintTexts.FeedbackWindowOpen);
        }
        return facts;
    }

    public void Apply(EffectContext context) => context.PublicNote = ComplaintTexts.FeedbackTimeout;
}

/// <summary>办结: a supervisor closes the case.</summary>
internal sealed class CloseEffect : IComplaintEffect
{
    public string Action => "close";

    public void Apply(EffectContext context) => context.PublicNote = ComplaintTexts.Closed;
}
