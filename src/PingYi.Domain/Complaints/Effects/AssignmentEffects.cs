using PingYi.Domain.Calendar;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>
/// What assign and transfer share: the case goes to the unit the action names, with a new handling deadline and
/// no pending request; the handling record starts a new round (ending the previous attempt, so a transfer's
/// lateness stays with the unit that held the case).
/// </summary>
internal abstract class AssignmentEffect : IComplaintEffect
{
    public abstract string Action { get; }

    public StartedDeadline? Starts => StartedDeadline.Handle;

    public bool StartsSigning => true;

    protected abstract HandlingStart StartsRound { get; }

    public void Apply(EffectContext context)
    {
        var c = context.Complaint;
        var target = context.Unit ?? throw new ArgumentNullException("unit", $"'{Action}' needs the unit it names.");
        Check(context, target);
        c.UnitId = target.Id;
        c.AssignedAtUtc = context.NowUtc;
        c.ClearPendingRequest();
        context.PublicNote = PublicNote(target, context.StartedDueUtc!.Value);
        Raise(context);
    }

    /// <summary>Refuses or counts the action before anything changes.</summary>
    protected virtual void Check(EffectContext context, UnitRef target)
    {
    }

    protected abstract string PublicNote(UnitRef target, DateTime dueUtc);

    protected abstract void Raise(EffectContext context);

    public void Replay(TimelineReplay replay, ComplaintEvent e)
    {
        if (TimelineReplay.TextField(e.Data, "unitCode") is { } code && replay.UnitIdOf(code) is { } id)
        {
            replay.UnitId = id;
        }
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.StartHandlingRound(StartsRound, HandlingEnd.Transferred, facts, calendar);
}

/// <summary>受理并交办: the supervisor accepts the case and gives it to a unit.</summary>
internal sealed class AssignEffect : AssignmentEffect
{
    public override string Action => "assign";

    protected override HandlingStart StartsRound => HandlingStart.Assign;

    protected override string PublicNote(UnitRef target, DateTime dueUtc) => ComplaintTexts.Assigned(target.Name, dueUtc);

    protected override void Raise(EffectContext context)
    {
        context.Raise(NoticeKind.Assigned, note: context.InternalNote);
        context.Raise(NoticeKind.Accepted);
    }
}

/// <summary>转办: the case moves to another unit.</summary>
internal sealed class TransferEffect : AssignmentEffect
{
    public const string Code = "transfer";

    public override string Action => Code;

    protected override HandlingStart StartsRound => HandlingStart.Transfer;

    protected override void Check(EffectContext context, UnitRef target)
    {
        if (target.Id == context.Complaint.UnitId)
        {
            throw context.Refuse("A case cannot be transferred to the unit that already handles it.", ComplaintTexts.TransferToSameUnit);
        }
        context.Complaint.TransferCount++;
    }

    protected override string PublicNote(UnitRef target, DateTime dueUtc) => ComplaintTexts.Transferred(target.Name, dueUtc);

    protected override void Raise(EffectContext context) => context.Raise(NoticeKind.Assigned, note: context.InternalNote);
}
