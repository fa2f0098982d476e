using PingYi.Domain.Calendar;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>
/// 申请中止: the unit must wait for the complainant (a supplement, an appointment) and asks to stop the clock, saying
/// why and what the complainant should do. Refused once the deadline has passed: an overdue case cannot be paused.
/// Asking signs an unsigned case, as answering does.
/// </summary>
internal sealed class RequestSuspensionEffect : IComplaintEffect
{
    public string Action => "request-suspension";

    public WorkflowFacts Prepare(EffectContext context, WorkflowFacts facts)
    {
        if (context.Complaint.Status == ComplaintStatus.Assigned && context.Complaint.IsOverdue(context.NowUtc))
        {
            throw context.Refuse("The handling deadline has passed; an overdue case cannot be suspended.", ComplaintTexts.SuspensionWhenOverdue);
        }
        return facts;
    }

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        c.PendingRequest = PendingRequest.Suspension;
        c.SuspensionReason = context.Fields.Text("reason");
        c.SuspensionExpectation = context.Fields.Text("expectation");
        context.InternalNote = ComplaintTexts.SuspensionRequested(c.SuspensionReason, c.SuspensionExpectation);
        context.Raise(NoticeKind.SuspensionRequested, note: c.SuspensionReason);
        if (c.SignPending)
        {
            c.SignedAtUtc = context.NowUtc;
            context.InternalNote += "\n" + ComplaintTexts.SignedOnAnswer(Deadlines.Late(context.NowUtc, c.SignDueAtUtc!.Value));
        }
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.CurrentHandling?.Signed(facts.AtUtc);
}

/// <summary>
/// 同意中止: the handling deadline stops. No reminder, overdue or escalation timer runs while suspended (the case is
/// not assigned); the handling record holds the latest deadline the resume can give (<see cref="HandlingRecord.Suspended"/>),
/// so the one lateness rule counts the suspended time as neither on time nor overdue.
/// </summary>
internal sealed class ApproveSuspensionEffect : IComplaintEffect
{
    public string Action => "approve-suspension";

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        var now = context.NowUtc;
        c.PendingRequest = PendingRequest.None;
        c.SuspendedAtUtc = now;
        context.PublicNote = ComplaintTexts.Suspended(c.SuspensionReason, c.SuspensionExpectation);
        DateTime? resumeBy = null;
        if (context.Workflow.Deadlines.MaxSuspensionWorkingDays is { } max && c.DueAtUtc is { } due)
        {
            var end = context.Workflow.Calendar.DeadlineUtc(now, max);
            c.CurrentHandling?.Suspended(now, Complaint.ResumedDeadline(context.Workflow.Calendar, due, now, end));
            context.PublicNote += "\n" + ComplaintTexts.SuspensionLimit(end);
            resumeBy = end;
        }
        c.PauseSupervisionNotices(now);
        // The unit learns the clock stopped; the complainant why, and what is expected of them (the reason and the
        // expectation are read from the case when the notices are written, in the same save).
        context.Raise(NoticeKind.SuspensionApproved, note: context.Fields.Text("note"), dueAtUtc: resumeBy);
        context.Raise(NoticeKind.Suspended, dueAtUtc: resumeBy);
    }

    public void Replay(TimelineReplay replay, ComplaintEvent e) => replay.SuspendedAt = e.AtUtc;
}

/// <summary>不同意中止: the deadline keeps running.</summary>
internal sealed class RejectSuspensionEffect : IComplaintEffect
{
    public string Action => "reject-suspension";

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        c.PendingRequest = PendingRequest.None;
        c.SuspensionReason = null;
        c.SuspensionExpectation = null;
        context.Raise(NoticeKind.SuspensionRejected, note: context.Fields.Text("reason"));
    }
}

/// <summary>
/// 恢复办理: by a supervisor, or by the system when the complainant supplies material or the longest suspension has
/// passed. The handling deadline restarts with the working days that were left (<see cref="Complaint.ResumedDeadline"/>).
/// </summary>
internal sealed class ResumeEffect : IComplaintEffect
{
    public const string Code = "resume";

    public string Action => Code;

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        var now = context.NowUtc;
        if (c.DueAtUtc is { } due && c.SuspendedAtUtc is { } since)
        {
            c.DueAtUtc = Complaint.ResumedDeadline(context.Workflow.Calendar, due, since, now);
        }
        c.SuspendedAtUtc = null;
        c.SuspensionReason = null;
        c.SuspensionExpectation = null;
        c.ResumeSupervisionNotices(context.Workflow.Calendar, now);
        var cause = c.ResumeCauseNow;
        context.PublicNote = ComplaintTexts.Resumed(cause, c.DueAtUtc);
        context.InternalNote ??= context.PublicNote;
        context.Raise(NoticeKind.Resumed, note: context.PublicNote);
    }

    public void Replay(TimelineReplay replay, ComplaintEvent e)
    {
        if (replay.Due is { } due && replay.SuspendedAt is { } since)
        {
            replay.Due = Complaint.ResumedDeadline(replay.Calendar, due, since, e.AtUtc);
        }
        replay.SuspendedAt = null;
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar)
    {
        if (facts.DueAfter is { } due)
        {
            complaint.CurrentHandling?.Resumed(due);
        }
    }
}
