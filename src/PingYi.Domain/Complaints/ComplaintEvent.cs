namespace PingYi.Domain.Complaints;

/// <summary>One entry of a complaint's audit trail. Public notes are shown to the complainant; internal ones only to staff.</summary>
public sealed class ComplaintEvent
{
    private ComplaintEvent()
    {
        Action = ActorRole = string.Empty;
    }

    public long Id { get; private set; }

    public long ComplaintId { get; private set; }

    public DateTime AtUtc { get; private set; }

    /// <summary>An action code such as <c>submit</c>, <c>supplement</c>, <c>assign</c>.</summary>
    public string Action { get; private set; }

    /// <summary>The staff user's id; null for the complainant and the system.</summary>
    public string? ActorId { get; private set; }

    public string ActorRole { get; private set; }

    public ComplaintStatus? FromStatus { get; private set; }

    public ComplaintStatus? ToStatus { get; private set; }

    public string? PublicNote { get; private set; }

    public string? InternalNote { get; private set; }

    /// <summary>The action's fields as JSON, for the staff timeline.</summary>
    public string? Data { get; private set; }

    // One instance: System.Text.Json builds and caches its type metadata per options instance.
    private static readonly System.Text.Json.JsonSerializerOptions ReadableJson =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A supervisor looked at a named complainant's identity: every such view is on the record, with its reason in <see cref="Data"/>.</summary>
    public static ComplaintEvent ContactViewed(long complaintId, string actorId, string actorRole, DateTime atUtc, string reason)
    {
        var e = Create(ComplaintActions.ViewContact, atUtc, actorId, actorRole, null, null, null, "查看了反映人身份信息",
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["reason"] = reason }, ReadableJson));
        e.ComplaintId = complaintId;
        return e;
    }

    /// <summary>
    /// The retention period (PIPL) ended: the complainant's contact details and the original names of the files
    /// are gone; the case and its timeline stay. Written by the system for every ended case, named or anonymous,
    /// so that the entry itself tells a unit nothing about whether the complainant gave a name.
    /// </summary>
    public static ComplaintEvent ContactErased(long complaintId, DateTime atUtc, int retentionDays)
    {
        var e = Create(ComplaintActions.EraseContact, atUtc, null, ActorRoles.System, null, null, null,
            $"保存期限（结案后 {retentionDays} 天）届满，已删除反映人身份信息和附件原文件名。");
        e.ComplaintId = complaintId;
        return e;
    }

    internal static ComplaintEvent Create(
        string action, DateTime atUtc, string? actorId, string actorRole,
        ComplaintStatus? from, ComplaintStatus? to, string? publicNote, string? internalNote, string? data = null)
    {
        Complaint.EnsureUtc(atUtc);
        return new ComplaintEvent
        {
            Action = action,
            AtUtc = atUtc,
            ActorId = actorId,
            ActorRole = actorRole,
            FromStatus = from,
            ToStatus = to,
            PublicNote = publicNote,
            InternalNote = internalNote,
            Data = data,
        };
    }
}

public static class ComplaintActions
{
    public const string Submit = "submit";
    public const string Supplement = "supplement";
    public const string ViewContact = "view-contact";
    public const string EraseContact = "erase-contact";
    public const string Callback = "callback";

    /// <summary>指定承办人 / 认领 inside the unit (the unit's desk; not a workflow action, the state does not change).</summary>
    public const string AssignHandler = "assign-handler";
    public const string ClaimHandler = "claim-handler";

    /// <summary>并案 / 关联 seen from the other case (the primary, the related case): no state change.</summary>
    public const string MergedIn = "merged-in";
    public const string UnmergedOut = "unmerged-out";
    public const string Linked = "linked";

    private static readonly Dictionary<string, string> Labels = new()
    {
        [Submit] = "提交反映",
        [Supplement] = "补充材料",
        [ViewContact] = "查看反映人信息",
        [EraseContact] = "删除反映人信息",
        [Callback] = "回访",
        [AssignHandler] = "指定承办人",
        [ClaimHandler] = "认领",
        [MergedIn] = "并案",
        [UnmergedOut] = "解除并案",
        [Linked] = "关联",
        [TimerActions.AcceptOverdue] = "受理超期提醒",
        [TimerActions.DeadlineReminder] = "办理期限提醒",
        [TimerActions.Overdue] = "办理超期",
        [TimerActions.Escalate] = "超期升级",
        [TimerActions.SupervisionOverdue] = "督办答复超期",
        [TimerActions.SupervisionReminder] = "督办答复期限提醒",
        [TimerActions.SupervisionEscalate] = "督办超期升级",
        [TimerActions.SignReminder] = "签收期限提醒",
        [TimerActions.SignOverdue] = "签收超期",
        [TimerActions.SignEscalate] = "签收超期升级",
        [TimerActions.SupervisionWithdrawn] = "督办通知撤销",
        [TimerActions.DeadlineRecounted] = "期限重新计算",
    };

    /// <summary>Labels of the actions outside the workflow definition; workflow actions take their label from it.</summary>
    public static string? LabelOf(string action) => Labels.GetValueOrDefault(action);
}

/// <summary>The timeline events the sweep appends when a timer fires (system actor; not workflow actions).</summary>
public static class TimerActions
{
    public const string AcceptOverdue = "accept-overdue";
    public const string DeadlineReminder = "deadline-reminder";
    public const string Overdue = "overdue";
    public const string Escalate = "escalate";
    public const string SupervisionOverdue = "supervision-overdue";
    public const string SupervisionReminder = "supervision-reminder";
    public const string SupervisionEscalate = "supervision-escalate";
    public const string SignReminder = "sign-reminder";
    public const string SignOverdue = "sign-overdue";
    public const string SignEscalate = "sign-escalate";

    /// <summary>Not a timer: an open 督办 notice closed because the case left the unit it was issued to.</summary>
    public const string SupervisionWithdrawn = "supervision-withdrawn";

    /// <summary>Not a timer: the deadline was counted again after a year's holiday calendar was uploaded.</summary>
    public const string DeadlineRecounted = "deadline-recounted";
}

public static class ActorRoles
{
    public const string Complainant = "complainant";
    public const string System = "system";
}
