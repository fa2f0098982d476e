namespace PingYi.Domain.Complaints;

/// <summary>
/// The unit's own desk (issue 24 §3): which of the unit's handlers holds the case. Not a workflow action: the case's
/// state, deadlines and timers do not change, only who inside the unit answers for it (and who hears of it first).
/// </summary>
public sealed partial class Complaint
{
    /// <summary>The unit's handler (a staff account id) the case is assigned to inside the unit; null: 本单位未分配.</summary>
    public string? HandlerId { get; private set; }

    /// <summary>Whether the case is with its unit now, so that one of the unit's handlers can be made to answer for it.</summary>
    public bool IsAtUnit => UnitId is not null && AssignedAtUtc is not null
        && Status is ComplaintStatus.Assigned or ComplaintStatus.UnderReview or ComplaintStatus.Suspended or ComplaintStatus.AwaitingFeedback;

    /// <summary>
    /// 指定承办人 / 认领: <paramref name="handlerId"/> (a handler of the case's unit; the caller checks that) now holds the
    /// case inside the unit. Audited as a timeline event whose note is internal (staff only, never the complainant's).
    /// </summary>
    /// <param name="claim">The handler took it themselves (认领) rather than being assigned it.</param>
    public ComplaintEvent AssignHandler(string handlerId, string handlerName, Actor actor, bool claim, DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        ArgumentException.ThrowIfNullOrWhiteSpace(handlerId);
        var action = claim ? ComplaintActions.ClaimHandler : ComplaintActions.AssignHandler;
        if (!IsAtUnit)
        {
            throw new ComplaintStateException(Status, action);
        }
        var before = HandlerId;
        HandlerId = handlerId;
        UpdatedAtUtc = nowUtc;
        var e = ComplaintEvent.Create(action, nowUtc, actor.UserId, actor.Role, Status, Status, publicNote: null,
            claim ? ComplaintTexts.HandlerClaimed(handlerName) : ComplaintTexts.HandlerAssigned(handlerName),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string?> { ["handler"] = handlerId, ["before"] = before }));
        _events.Add(e);
        return e;
    }

    /// <summary>The case left its unit (transfer, back to intake): nobody of the new unit holds it yet.</summary>
    private void ReleaseHandlerOnUnitChange(int? unitBefore, bool backToIntake)
    {
        if (UnitId != unitBefore || backToIntake)
        {
            HandlerId = null;
        }
    }
}
