using System.Text.Encodings.Web;
using Fluid;
using PingYi.Domain.Complaints;

namespace PingYi.Web.Features.Notifications;

/// <summary>What a message is rendered from. Templates read it in snake_case (<c>{{ tracking_number }}</c>).</summary>
/// <remarks>Never carries the complainant's identity or access code: a unit's message is rendered from the same model.</remarks>
public sealed record MailModel
{
    public string TrackingNumber { get; init; } = "";
    public string Title { get; init; } = "";
    public string UnitName { get; init; } = "";

    /// <summary>The handling (or rework) deadline, China time, as people say it (… 24:00).</summary>
    public string? Deadline { get; init; }

    /// <summary>A 督办 notice's own reply deadline (督办, its reminder, overdue and escalation), China time.</summary>
    public string? ReplyDeadline { get; init; }

    /// <summary>How the running deadline stands when the mail goes out (剩余 N 个工作日, 超期 N 个工作日; <c>Deadlines.Standing</c>).</summary>
    public string? Remaining { get; init; }

    public int? Level { get; init; }

    /// <summary>The working days a unit asked to extend by (延期申请).</summary>
    public int? ExtensionDays { get; init; }

    /// <summary>A supervisor's text for the unit (交办意见, 催办 note, 督办 reason), or the public decline reason.</summary>
    public string? Note { get; init; }

    /// <summary>A 督办 notice number (DB-2026-0001).</summary>
    public string? Reference { get; init; }

    /// <summary>中止: why the unit asked to suspend the case (shown to the complainant too, as on /track).</summary>
    public string? SuspensionReason { get; init; }

    /// <summary>中止: what the complainant is expected to supply or do.</summary>
    public string? Expectation { get; init; }

    /// <summary>中止: the latest day the case resumes by itself (China time, … 24:00).</summary>
    public string? ResumeBy { get; init; }

    /// <summary>The page to open: the staff case page for staff, the tracking page for the complainant.</summary>
    public string Link { get; init; } = "";

    /// <summary>The unit's public reply (complainant notices only).</summary>
    public string? PublicReply { get; init; }

    /// <summary>The digest's date and its cases grouped by unit.</summary>
    public string? Date { get; init; }
    public IReadOnlyList<DigestUnit> Units { get; init; } = [];
    public int CaseCount { get; init; }

    /// <summary>The digest's cases awaiting a supervisor's decision (with <c>Mail:SupervisorNotices=Digest</c>).</summary>
    public IReadOnlyList<DigestPending> Pending { get; init; } = [];

    public int PendingCount { get; init; }

    /// <summary>A warned unit's digest (<c>unit-warning</c>): why it is warned and its channel rates (issue 23 §5).</summary>
    public IReadOnlyList<string> WarningReasons { get; init; } = [];

    public IReadOnlyList<string> WarningRates { get; init; } = [];
}

public sealed record DigestUnit(string Name, IReadOnlyList<DigestCase> Cases);

public sealed record DigestCase(string TrackingNumber, string Title, string Deadline, int WorkingDaysOverdue, int Level, string Link)
{
    /// <summary>The deadline's standing in words (<c>Deadlines.Standing</c>), as the pages show it.</summary>
    public string Standing { get; init; } = "";
}

/// <param name="What">待审核 (an answer), 延期申请 N 个工作日, 退回申请.</param>
public sealed record DigestPending(string TrackingNumber, string Title, string UnitName, string What, string Link);

public sealed record RenderedMail(string Subject, string Text, string Html);

/// <summary>
/// The mail templates: <c>Templates/&lt;name&gt;.subject.liquid</c>, <c>.txt.liquid</c> and <c>.html.liquid</c>
/// for each message, parsed once at start-up (a missing or broken file stops the app, naming it) and
/// rendered with Fluid. HTML output is HTML-encoded; the subject and text are not.
/// </summary>
public sealed class MailTemplates
{
    public const string Digest = "digest";

    /// <summary>The daily digest of a unit on the early-warning list, to its handlers (issue 23 §5).</summary>
    public const string UnitWarning = "unit-warning";

    /// <summary>An account's one-time link to choose a password (Title: the person's name; Note: 开通 or 重置).</summary>
    public const string PasswordLink = "password-link";

    /// <summary>A unit has not filed a self-evaluation document (Title: the document; Deadline: its due date; Note: how far off).</summary>
    public const string SelfEvaluationReminder = "self-evaluation-reminder";

    /// <summary>A rectification ledger item is due soon or overdue (Title: the problem; Deadline: its due date).</summary>
    public const string RectificationReminder = "rectification-reminder";

    /// <summary>
    /// An appeal (申诉) was decided (Title: the item; Level: 1 upheld, 0 rejected; Note: the decision's reason;
    /// Reference: the year).
    /// </summary>
    public const string AppealDecided = "appeal-decided";

    /// <summary>A one-time code to recover a lost access code (Note: the code; Level: minutes it is good for).</summary>
    public const string RecoveryCode = "recovery-code";

    public static readonly IReadOnlyDictionary<NoticeKind, string> NameOf = new Dictionary<NoticeKind, string>
    {
        [NoticeKind.Assigned] = "assigned",
        [NoticeKind.AcceptOverdue] = "accept-overdue",
        [NoticeKind.DeadlineReminder] = "deadline-reminder",
        [NoticeKind.Overdue] = "overdue",
        [NoticeKind.Escalated] = "escalated",
        [NoticeKind.Urged] = "urged",
        [NoticeKind.Supervised] = "supervised",
        [NoticeKind.SupervisionOverdue] = "supervision-overdue",
        [NoticeKind.SupervisionReminder] = "supervision-reminder",
        [NoticeKind.SupervisionEscalated] = "supervision-escalated",
        [NoticeKind.SignReminder] = "sign-reminder",
        [NoticeKind.SignOverdue] = "sign-overdue",
        [NoticeKind.SignEscalated] = "sign-escalated",
        [NoticeKind.SentBack] = "sent-back",
        [NoticeKind.ExtensionApproved] = "extension-approved",
        [NoticeKind.ExtensionRejected] = "extension-rejected",
        [NoticeKind.ReturnApproved] = "return-approved",
        [NoticeKind.ReturnRejected] = "return-rejected",
        [NoticeKind.Responded] = "responded",
        [NoticeKind.ExtensionRequested] = "extension-requested",
        [NoticeKind.ReturnRequested] = "return-requested",
        [NoticeKind.Accepted] = "accepted",
        [NoticeKind.Declined] = "declined",
        [NoticeKind.Replied] = "replied",
        [NoticeKind.Closed] = "closed",
        [NoticeKind.DeadlineRecounted] = "deadline-recounted",
        [NoticeKind.DeadlineRecountedForComplainant] = "deadline-recounted-complainant",
        [NoticeKind.Reopened] = "reopened",
        [NoticeKind.SuspensionRequested] = "suspension-requested",
        [NoticeKind.SuspensionApproved] = "suspension-approved",
        [NoticeKind.Suspended] = "suspended",
        [NoticeKind.SuspensionRejected] = "suspension-rejected",
        [NoticeKind.Resumed] = "resumed",
    };

    public static IEnumerable<string> AllNames => NameOf.Values.Append(Digest).Append(UnitWarning).Append(PasswordLink).Append(SelfEvaluationReminder).Append(RectificationReminder).Append(RecoveryCode).Append(AppealDecided);

    private static readonly FluidParser Parser = new();

    // HtmlEncoder.Default writes every Chinese character as &#x…; (and a search of the HTML for a name would
    // miss it): keep CJK as text and escape markup.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(
        System.Text.Unicode.UnicodeRanges.BasicLatin, System.Text.Unicode.UnicodeRanges.Latin1Supplement,
        System.Text.Unicode.UnicodeRanges.GeneralPunctuation, System.Text.Unicode.UnicodeRanges.CjkSymbolsandPunctuation,
        System.Text.Unicode.UnicodeRanges.CjkUnifiedIdeographs, System.Text.Unicode.UnicodeRanges.HalfwidthandFullwidthForms);
    private readonly TemplateOptions _options;
    private readonly Dictionary<string, (IFluidTemplate Subject, IFluidTemplate Text, IFluidTemplate Html)> _templates = [];

    public MailTemplates(string directory)
    {
        Directory = directory;
        _options = new TemplateOptions();
        _options.MemberAccessStrategy.MemberNameStrategy = MemberNameStrategies.SnakeCase;
        _options.MemberAccessStrategy.Register<MailModel>();
        _options.MemberAccessStrategy.Register<DigestUnit>();
        _options.MemberAccessStrategy.Register<DigestCase>();
        _options.MemberAccessStrategy.Register<DigestPending>();
        foreach (var name in AllNames)
        {
            _templates[name] = (Load(name, "subject"), Load(name, "txt"), Load(name, "html"));
        }
    }

    public string Directory { get; }

    /// <summary>The templates shipped with the app, copied beside it.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "Features", "Notifications", "Templates");

    public RenderedMail Render(string name, MailModel model)
    {
        if (!_templates.TryGetValue(name, out var t))
        {
            throw new ArgumentException($"No mail template '{name}'.", nameof(name));
        }
        var context = new TemplateContext(model, _options);
        // A subject is one line, whatever the data held.
        var subject = string.Join(' ', t.Subject.Render(context, NullEncoder.Default).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var text = t.Text.Render(context, NullEncoder.Default).Trim() + "\n";
        var html = t.Html.Render(context, Html);
        return new RenderedMail(subject, text, html);
    }

    private IFluidTemplate Load(string name, string part)
    {
        var path = Path.Combine(Directory, $"{name}.{part}.liquid");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Mail template {path} is missing.");
        }
        return Parser.TryParse(File.ReadAllText(path), out var template, out var error)
            ? template
            : throw new InvalidOperationException($"Mail template {path} does not parse: {error}");
    }
}
