using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>
/// The state of one walk through a complaint's timeline, oldest event first: the deadline as it stood after each
/// event (started by the action in <see cref="ComplaintEffects"/>, moved by an approved extension), and what each
/// event recorded that the handling record keeps. The deadline recount and the handling-record backfill both walk
/// the timeline with it, through each action's <see cref="IComplaintEffect.Replay"/>.
/// </summary>
internal sealed class TimelineReplay(WorkingDayCalendar calendar, int? unitId, Func<string, int?> unitIdOf, IReadOnlyList<SupervisionNotice> answeredNotices)
{
    public WorkingDayCalendar Calendar { get; } = calendar;

    /// <summary>The case's deadline after the events replayed so far; null before the first that starts one.</summary>
    public DateTime? Due { get; set; }

    /// <summary>When the 中止 in force after the events replayed so far began; null when none is.</summary>
    public DateTime? SuspendedAt { get; set; }

    /// <summary>The working days the last extension request asked for.</summary>
    public int? RequestedDays { get; set; }

    /// <summary>The unit handling the case after the events replayed so far.</summary>
    public int? UnitId { get; set; } = unitId;

    /// <summary>The unit id of a unit code recorded on an assign or transfer; null if unknown.</summary>
    public Func<string, int?> UnitIdOf { get; } = unitIdOf;

    /// <summary>The case's answered 督办 notices, to tell whether an answer on the timeline came in time.</summary>
    public IReadOnlyList<SupervisionNotice> AnsweredNotices { get; } = answeredNotices;

    // What the current event carried; cleared before each event.
    public int? QualityRating { get; set; }

    public Satisfaction? Satisfaction { get; set; }

    public Resolution? Resolution { get; set; }

    public int? ExtensionDays { get; set; }

    public bool? SupervisionAnsweredInTime { get; set; }

    /// <summary>The 签收 deadline the current event started, if it started one.</summary>
    public DateTime? SignDue { get; set; }

    /// <summary>Forgets what the previous event carried.</summary>
    public void BeginEvent()
    {
        QualityRating = null;
        Satisfaction = null;
        Resolution = null;
        ExtensionDays = null;
        SupervisionAnsweredInTime = null;
        SignDue = null;
    }

    /// <summary>The handling facts of the event just replayed.</summary>
    public HandlingFacts Facts(DateTime atUtc) =>
        new(atUtc, UnitId, Due, QualityRating, Satisfaction, ExtensionDays, SupervisionAnsweredInTime, Resolution, SignDue);

    /// <summary>A whole-number field of an event's recorded fields (JSON), or null.</summary>
    public static int? IntField(string? data, string name)
    {
        if (data is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(data);
        return document.RootElement.TryGetProperty(name, out var value) && value.TryGetInt32(out var n) ? n : null;
    }

    /// <summary>A text field of an event's recorded fields (JSON), or null.</summary>
    public static string? TextField(string? data, string name)
    {
        if (data is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(data);
        return document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
