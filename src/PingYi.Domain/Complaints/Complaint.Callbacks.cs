using System.Text.Json;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints;

// 回访: a supervisor calls a named complainant back about the unit's answer and records what they said.
public sealed partial class Complaint
{
    /// <summary>
    /// The attempt a 回访 call is about: the current one once its answer was approved (awaiting the rating, or closed);
    /// null while the case is with a unit or at intake (a reopened case waits for its next answer).
    /// </summary>
    public HandlingRecord? CallbackTarget => CurrentHandling is { ApprovedAtUtc: not null } current ? current : null;

    /// <summary>
    /// Records one 回访 call: reached (with 满意度 and 问题是否解决) or 未能联系 (neither). Named cases only (the call
    /// needs the contact the supervisor reveals with a reason), and only after an answer was approved. The call is an
    /// internal timeline event (the audit of every call) and its answer is kept on the handling record, where the
    /// channel score counts it for an answer the complainant did not rate.
    /// </summary>
    /// <exception cref="ArgumentException">A reached call without both answers, or an unreached one with any.</exception>
    /// <exception cref="InvalidOperationException">An anonymous case, or no approved answer to call about.</exception>
    public ComplaintEvent RecordCallback(Actor actor, Satisfaction? satisfaction, Resolution? resolution, string? notes, DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        ArgumentNullException.ThrowIfNull(actor);
        if ((satisfaction is null) != (resolution is null))
        {
            throw new ArgumentException("A reached call records both 满意度 and 问题是否解决; an unreached one neither.");
        }
        if (Anonymous)
        {
            throw new InvalidOperationException("An anonymous complainant cannot be called back.");
        }
        var target = CallbackTarget ?? throw new InvalidOperationException("No approved answer to call back about.");
        target.CalledBack(nowUtc, satisfaction, resolution);
        var outcome = satisfaction is { } s
            ? $"回访：已联系，{Satisfactions.Codes.LabelOf(s)}，{Resolutions.Codes.LabelOf(resolution!.Value)}。"
            : "回访：未能联系。";
        var data = JsonSerializer.Serialize(new
        {
            reached = satisfaction is not null,
            satisfaction = satisfaction is { } sat ? Satisfactions.Codes.CodeOf(sat) : null,
            resolved = resolution is { } res ? Resolutions.Codes.CodeOf(res) : null,
            round = target.Round,
            attempt = target.Attempt,
        });
        var e = ComplaintEvent.Create(ComplaintActions.Callback, nowUtc, actor.UserId, actor.Role, Status, Status, publicNote: null,
            string.IsNullOrWhiteSpace(notes) ? outcome : outcome + notes, data);
        _events.Add(e);
        UpdatedAtUtc = nowUtc;
        return e;
    }
}
