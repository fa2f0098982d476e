namespace PingYi.Domain.Complaints;

/// <summary>
/// What a change of a complaint means for the people who must hear of it. The aggregate raises notices as
/// it changes; the persistence layer turns them into outbox rows (one per recipient) in the same
/// transaction, so a notice is sent if and only if the change it describes was saved.
/// </summary>
public enum NoticeKind
{
    /// <summary>交办/转办/重新交办/退回重办: the case is now with a unit, with a deadline (to the unit).</summary>
    Assigned = 1,

    /// <summary>The accept deadline of a submitted case passed (to supervisors).</summary>
    AcceptOverdue = 2,

    /// <summary>The handling or rework deadline is near (to the unit).</summary>
    DeadlineReminder = 3,

    /// <summary>The handling or rework deadline passed with no response (to the unit).</summary>
    Overdue = 4,

    /// <summary>An escalation level was reached (to the unit; levels 2 and 3 also to supervisors).</summary>
    Escalated = 5,

    /// <summary>催办 by a supervisor (to the unit).</summary>
    Urged = 6,

    /// <summary>督办通知 issued (to the unit).</summary>
    Supervised = 7,

    /// <summary>A 督办 notice's reply deadline passed unanswered (to the unit and supervisors).</summary>
    SupervisionOverdue = 8,

    /// <summary>A 督办 notice's reply deadline is near (to the unit).</summary>
    SupervisionReminder = 9,

    /// <summary>A 督办 notice still unanswered reached escalation level 2 or 3 (to the unit and supervisors).</summary>
    SupervisionEscalated = 10,

    /// <summary>退回重办: the supervisor sent the answer back, with the reason and the rework deadline (to the unit).</summary>
    SentBack = 11,

    /// <summary>The unit's extension request was approved: the new deadline (to the unit).</summary>
    ExtensionApproved = 12,

    /// <summary>The unit's extension request was refused, with the reason; the deadline stands (to the unit).</summary>
    ExtensionRejected = 13,

    /// <summary>The unit's return request was approved: the case left the unit (to the unit).</summary>
    ReturnApproved = 14,

    /// <summary>The unit's return request was refused, with the reason (to the unit).</summary>
    ReturnRejected = 15,

    /// <summary>The unit answered (办理情况报告): the answer awaits review (to supervisors, or their daily digest).</summary>
    Responded = 16,

    /// <summary>The unit asked for an extension; <see cref="ComplaintNotice.Level"/> carries the working days asked for (to supervisors, or their digest).</summary>
    ExtensionRequested = 17,

    /// <summary>The unit asked to return the case (to supervisors, or their digest).</summary>
    ReturnRequested = 18,

    /// <summary>A holiday calendar upload moved the running deadline (to the unit of an assigned case; Note: the old deadline).</summary>
    DeadlineRecounted = 19,

    /// <summary>Complainant notices (only when they left an e-mail address): accepted, declined, replied, closed.</summary>
    Accepted = 20,
    Declined = 21,
    Replied = 22,
    Closed = 23,

    /// <summary>A holiday calendar upload moved the accept or handling deadline (Note: the old deadline).</summary>
    DeadlineRecountedForComplainant = 24,

    /// <summary>The 签收 deadline is near and the unit has not signed (to the unit).</summary>
    SignReminder = 25,

    /// <summary>The 签收 deadline passed unsigned (to the unit).</summary>
    SignOverdue = 26,

    /// <summary>A case still unsigned reached escalation level 2 or 3 (to the unit; also to supervisors).</summary>
    SignEscalated = 27,

    /// <summary>重新交办: the case the complainant rated or saw closed is being handled again (to the complainant).</summary>
    Reopened = 28,

    /// <summary>The unit asked to suspend the case (申请中止); Note: its reason (to supervisors, or their digest).</summary>
    SuspensionRequested = 29,

    /// <summary>A supervisor approved the 中止: the deadline stands still; Note: the supervisor's note; DueAtUtc: the latest resume (to the unit).</summary>
    SuspensionApproved = 30,

    /// <summary>The case is suspended: why, what the complainant should do, the latest resume in DueAtUtc (to the complainant).</summary>
    Suspended = 31,

    /// <summary>A supervisor refused the 中止; Note: the reason; the deadline keeps running (to the unit).</summary>
    SuspensionRejected = 32,

    /// <summary>The suspended case resumed (by a supervisor, the complainant's supplement or the longest suspension); Note: why and the new deadline (to the unit).</summary>
    Resumed = 33,
}

/// <param name="UnitId">The unit concerned at the time of the notice (the case may later move).</param>
/// <param name="Level">The escalation level, for <see cref="NoticeKind.Escalated"/>; the working days asked for, for <see cref="NoticeKind.ExtensionRequested"/>.</param>
/// <param name="Note">A supervisor's text (催办 note, 督办 reason), for the unit.</param>
/// <param name="Reference">A 督办 notice number (DB-2026-0001), when the notice is about one.</param>
/// <param name="DueAtUtc">
/// The deadline the notice is about when it is not the case's own: a 督办 notice's reply deadline. Null means the
/// case's current deadline.
/// </param>
public sealed record ComplaintNotice(NoticeKind Kind, DateTime AtUtc, int? UnitId, int? Level = null, string? Note = null, string? Reference = null, DateTime? DueAtUtc = null)
{
    /// <summary>Notices for the complainant rather than for staff.</summary>
    public bool IsForComplainant => Kind is NoticeKind.Accepted or NoticeKind.Declined or NoticeKind.Replied or NoticeKind.Closed
        or NoticeKind.DeadlineRecountedForComplainant or NoticeKind.Reopened or NoticeKind.Suspended;
}
