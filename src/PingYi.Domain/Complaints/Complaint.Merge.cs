namespace PingYi.Domain.Complaints;

/// <summary>
/// The other case a <c>merge</c>, <c>unmerge</c>, <c>share-answer</c> or <c>link</c> names, as the caller read it:
/// the primary (merge, unmerge, share-answer) or the related case (link).
/// </summary>
/// <param name="IsSecondary">It is itself merged into another case (then it cannot be a primary: no chains).</param>
/// <param name="PublicReply">The primary's approved answer, for share-answer.</param>
public sealed record CaseRef(long Id, string TrackingNumber, int? UnitId, ComplaintStatus Status, bool IsSecondary, string? PublicReply = null);

/// <param name="Other">The primary or the related case.</param>
/// <param name="HasSecondaries">Whether the case acted on is itself a primary (other cases are merged into it).</param>
public sealed record CaseGroupFacts(CaseRef Other, bool HasSecondaries);

// 并案: a secondary follows its primary's handling. The cross-case steps (finding the primary, sharing its answer when
// it is approved, unmerging the secondaries of a declined primary) are the web layer's; the rules are the effects'.
public sealed partial class Complaint
{
    /// <summary>The primary this case was merged into (并案); kept after the answer is shared, cleared by unmerge.</summary>
    public long? MergedIntoId { get; internal set; }

    /// <summary>Whether the supervisor forwarded this secondary's title and description to the unit with the primary.</summary>
    public bool MergeForwarded { get; internal set; }

    /// <summary>The supervisor's reason for the merge.</summary>
    public string? MergeReason { get; internal set; }

    public DateTime? MergedAtUtc { get; internal set; }

    /// <summary>
    /// Records on this case (the primary, or the related case of a link) what happened in its group: another case was
    /// merged in, unmerged, or linked. No state change; the row's version moves, so a merge that raced the primary's
    /// approval fails rather than missing the answer. The note never names the secondary's number (the unit reads it).
    /// </summary>
    public ComplaintEvent RecordGroupEvent(string action, Actor actor, string internalNote, DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        var e = ComplaintEvent.Create(action, nowUtc, actor.UserId, actor.Role, Status, Status, publicNote: null, internalNote);
        _events.Add(e);
        UpdatedAtUtc = nowUtc;
        return e;
    }
}
