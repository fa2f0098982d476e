using System.Text.RegularExpressions;
using PingYi.Data.Outbox;
using PingYi.Web.Features.Complaints.Handling;

namespace PingYi.Web.Features.Administration;

/// <summary>
/// Mail to a complainant as the outbox pages show it without a stated reason: the address masked (w***@example.com,
/// or dropped once sent) and any tracking number or e-mail address in the subject or error masked, so the pages do
/// not pair a person with a case (PIPL). Staff mail is shown as it is, but a mobile number never in full.
/// </summary>
public static partial class OutboxMasking
{
    /// <summary>A mobile number (an SMS, to anyone) is always shown as 138****5678; a complainant's e-mail address as w***@example.com.</summary>
    public static string Recipient(bool toComplainant, string recipient) =>
        PingYi.Web.Features.Notifications.SmsNotices.Mobile(recipient) is not null ? ContactMask.Phone(recipient)!
        : !toComplainant || recipient == OutboxMessage.DroppedRecipient ? recipient : ContactMask.Email(recipient) ?? string.Empty;

    /// <summary>A message that carries an access code or a one-time code: its text is never shown, even after a reveal.</summary>
    public static bool HidesText(string kind) => OutboxMessage.SecretKinds.Contains(kind);

    public static string? Text(bool toComplainant, string? text) =>
        !toComplainant || text is null ? text : EmailPattern().Replace(TrackingNumberPattern().Replace(text, "ZTC-****-******"), m => ContactMask.Email(m.Value)!);

    [GeneratedRegex(@"ZTC-\d{4}-\d{6,9}", RegexOptions.IgnoreCase)]
    private static partial Regex TrackingNumberPattern();

    [GeneratedRegex(@"[^\s<>""'@]+@[^\s<>""'@]+\.[^\s<>""'@]+")]
    private static partial Regex EmailPattern();
}
