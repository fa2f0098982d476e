using System.Globalization;
using System.Text;
using System.Text.Json;
using PingYi.Domain.Common;

namespace PingYi.Domain.Complaints;

/// <summary>
/// The text the complaint aggregate writes for people (timeline notes, refusals), read from
/// <c>ComplaintTexts.json</c> beside this file (an embedded resource), so that wording lives in a file and
/// not in the aggregate — the domain's counterpart of the Web project's mail templates. Placeholders are
/// <c>{name}</c>, filled in one pass (a value that itself contains braces is written as it is). Deadlines
/// are written with <see cref="ChinaTime.FormatDeadline"/>.
/// </summary>
public static class ComplaintTexts
{
    private const string ResourceName = "PingYi.Domain.Complaints.ComplaintTexts.json";

    private static readonly Dictionary<string, string> Templates = Load();

    /// <summary>The keys of the texts file (for tests: every one is used, none is missing).</summary>
    public static IReadOnlyCollection<string> Keys => Templates.Keys;

    public static string Submitted => Render("submitted");

    /// <summary>待确定单位: shown instead of a unit name while a case has none (the complainant chose 不清楚).</summary>
    public static string UnitUndetermined => Render("unit-undetermined");

    public static string SupplementWithAttachments(string text, int count) =>
        Render("supplement-with-attachments", ("text", text), ("count", count));

    public static string AlreadyRated => Render("already-rated");

    public static string FeedbackWindowOpen => Render("feedback-window-open");

    public static string TransferToSameUnit => Render("transfer-to-same-unit");

    public static string NoOpenSupervision => Render("no-open-supervision");

    public static string NotAllowedInStatus(string statusLabel) => Render("not-allowed-in-status", ("status", statusLabel));

    public static string Assigned(string unit, DateTime dueUtc) => Render("assigned", ("unit", unit), ("due", dueUtc));

    public static string Transferred(string unit, DateTime dueUtc) => Render("transferred", ("unit", unit), ("due", dueUtc));

    public static string Declined(string? reason) => Render("declined", ("reason", reason));

    public static string ReturnApproved => Render("return-approved");

    public static string ExtensionApproved(DateTime dueUtc) => Render("extension-approved", ("due", dueUtc));

    public static string Responded(string? findings, string? measures) =>
        Render("responded", ("findings", findings), ("measures", measures));

    public static string Approved(string? reply) => Render("approved", ("reply", reply));

    public static string SentBack => Render("sent-back");

    public static string Rated(string satisfaction, string? comment) => comment is null
        ? Render("rated", ("satisfaction", satisfaction))
        : Render("rated-with-comment", ("satisfaction", satisfaction), ("comment", comment));

    public static string Reopened(DateTime dueUtc) => Render("reopened", ("due", dueUtc));

    public static string Closed => Render("closed");

    public static string FeedbackTimeout => Render("feedback-timeout");

    public static string Urged(string? note) => Render("urged", ("note", note));

    public static string HandlerAssigned(string name) => Render("handler-assigned", ("name", name));

    public static string HandlerClaimed(string name) => Render("handler-claimed", ("name", name));

    /// <summary>A 督办 notice's timeline note; a reason typed as a full sentence already ends with its own stop, so no 。。.</summary>
    public static string Supervised(string number, string reason, DateTime dueUtc)
    {
        var trimmed = reason.TrimEnd();
        var stop = trimmed.Length > 0 && "。！？!?.".Contains(trimmed[^1]) ? string.Empty : Render("full-stop");
        return Render("supervised", ("number", number), ("reason", trimmed), ("stop", stop), ("due", dueUtc));
    }

    public static string SupervisionAnswered(string number, string? answer) =>
        Render("supervision-answered", ("number", number), ("answer", answer));

    /// <summary>Why an unanswered 督办 notice was withdrawn: the case was transferred, or went back to intake.</summary>
    public static string SupervisionWithdrawn(string number, bool transferred) =>
        Render(transferred ? "supervision-withdrawn-on-transfer" : "supervision-withdrawn-on-return", ("number", number));

    public static string AcceptOverdue(DateTime dueUtc) => Render("accept-overdue", ("due", dueUtc));

    public static string DeadlineReminder(DateTime dueUtc, int days) => Render("deadline-reminder", ("due", dueUtc), ("days", days));

    public static string Overdue(DateTime dueUtc) => Render("overdue", ("due", dueUtc));

    public static string Escalated(int days, int level) => Render("escalated", ("days", days), ("level", level));

    public static string Signed => Render("signed");

    public static string SuspensionWhenOverdue => Render("suspension-when-overdue");

    public static string SuspensionRequested(string? reason, string? expectation) =>
        Render("suspension-requested", ("reason", reason), ("expectation", expectation));

    public static string Suspended(string? reason, string? expectation) =>
        Render("suspended", ("reason", reason), ("expectation", expectation));

    public static string Merged => Render("merged");

    public static string MergedInternal(string primary, string? reason, bool forwarded) =>
        Render("merged-internal", ("primary", primary), ("reason", reason), ("forward", Render(forwarded ? "merge-forwarded" : "merge-not-forwarded")));

    public static string Unmerged => Render("unmerged");

    public static string UnmergedInternal(string primary, string? reason) => Render("unmerged-internal", ("primary", primary), ("reason", reason));

    public static string Linked(string related, string? reason) => Render("linked", ("related", related), ("reason", reason)).TrimEnd();

    public static string MergeIntoSelf => Render("merge-into-self");

    public static string MergePrimaryIsSecondary(string primary) => Render("merge-primary-is-secondary", ("primary", primary));

    public static string MergeSelfIsPrimary => Render("merge-self-is-primary");

    public static string MergeOtherUnit(string primary) => Render("merge-other-unit", ("primary", primary));

    public static string MergePrimaryState(string primary, string status) => Render("merge-primary-state", ("primary", primary), ("status", status));

    public static string LinkSelf => Render("link-self");

    public static string MergedIn => Render("merged-in");

    public static string UnmergedOut => Render("unmerged-out");

    public static string SuspensionLimit(DateTime endUtc) => Render("suspension-limit", ("end", endUtc));

    internal static string Resumed(ResumeCause cause, DateTime? dueUtc) => Render(cause switch
    {
        ResumeCause.Supplement => "resumed-on-supplement",
        ResumeCause.MaximumReached => "resumed-at-limit",
        _ => "resumed",
    }, ("due", dueUtc));

    /// <summary>The internal note when an answer signs for a case the unit had not signed for.</summary>
    public static string SignedOnAnswer(bool late) => Render("signed-on-answer", ("late", Render(late ? "sign-late" : "sign-on-time")));

    public static string SignReminder(DateTime dueUtc, int days) => Render("sign-reminder", ("due", dueUtc), ("days", days));

    public static string SignOverdue(DateTime dueUtc) => Render("sign-overdue", ("due", dueUtc));

    public static string SignEscalated(int days, int level) => Render("sign-escalated", ("days", days), ("level", level));

    public static string SupervisionReminder(string number, DateTime dueUtc, int days) =>
        Render("supervision-reminder", ("number", number), ("due", dueUtc), ("days", days));

    public static string SupervisionOverdue(string number, DateTime dueUtc) =>
        Render("supervision-overdue", ("number", number), ("due", dueUtc));

    public static string SupervisionEscalated(string number, int days, int level) =>
        Render("supervision-escalated", ("number", number), ("days", days), ("level", level));

    public static string SupervisionRecounted(int year, string number, DateTime dueUtc, DateTime beforeUtc) =>
        Render("supervision-recounted", ("year", year), ("number", number), ("due", dueUtc), ("before", beforeUtc));

    /// <summary>The public note of a recounted case deadline: the accept deadline of a submitted case, else the handling one.</summary>
    public static string DeadlineRecounted(int year, bool accept, DateTime dueUtc) =>
        Render(accept ? "accept-deadline-recounted" : "handle-deadline-recounted", ("year", year), ("due", dueUtc));

    public static string DeadlineRecountedBefore(DateTime beforeUtc, int year) =>
        Render("deadline-recounted-before", ("before", beforeUtc), ("year", year));

    /// <summary>
    /// Fills the template <paramref name="key"/>. Every placeholder must have a value and every value a
    /// placeholder, so a template and its method cannot drift apart unnoticed. Null writes nothing.
    /// </summary>
    private static string Render(string key, params (string Name, object? Value)[] values)
    {
        if (!Templates.TryGetValue(key, out var template))
        {
            throw new InvalidOperationException($"{ResourceName} has no text '{key}'.");
        }
        var used = new HashSet<string>(StringComparer.Ordinal);
        var sb = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (close < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            sb.Append(template, i, open - i);
            var name = template[(open + 1)..close];
            var found = Array.FindIndex(values, v => v.Name == name);
            if (found < 0)
            {
                throw new InvalidOperationException($"Text '{key}' in {ResourceName} has the placeholder {{{name}}}, which is given no value.");
            }
            sb.Append(Format(values[found].Value));
            used.Add(name);
            i = close + 1;
        }
        if (values.FirstOrDefault(v => !used.Contains(v.Name)) is { Name: not null } unused)
        {
            throw new InvalidOperationException($"Text '{key}' in {ResourceName} has no placeholder {{{unused.Name}}}.");
        }
        return sb.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        DateTime utc => ChinaTime.FormatDeadline(utc),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static Dictionary<string, string> Load()
    {
        using var stream = typeof(ComplaintTexts).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        var texts = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
            ?? throw new InvalidOperationException($"{ResourceName} is empty.");
        texts.Remove("_comment");
        return new Dictionary<string, string>(texts, StringComparer.Ordinal);
    }
}
