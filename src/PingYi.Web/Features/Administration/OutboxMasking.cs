using System.Text.RegularExpressions;
using PingYi.Data.Outbox;
using PingYi.Web.Features.Complaints.Handling;

namespace PingYi.Web.Features.Administration;

/// <summary>
/// Mail to a complainant as the outbox pages show it without a stated reason: the address masked (w***@example.com,
/// or dropped once sent) and any tracking number or e-mail address in the subject or error masked, so the pages do
/// not pair a person with a case (PIPL). Staff mail is shown as it is.
/// </summary>
public static partial class OutboxMasking
{
    public static string Recipient(bool toComplainant, string recipient) =>
        !toComplainant || recipient == OutboxMessage.DroppedRecipient ? recipient : ContactMask.Email(recipient) ?? string.Empty;

    public static string? Text(bool toComplainant, string? text) =>
        !toComplainant || text is null ? text : EmailPattern().Replace(TrackingNumberPattern().Replace(text, "ZTC-****-******"), m => ContactMask.Email(m.Value)!);

    [GeneratedRegex(@"ZTC-\d{4}-\d{6,9}", RegexOptions.IgnoreCase)]
    private static partial Regex TrackingNumberPattern();

    [GeneratedRegex(@"[^\s<>""'@]+@[^\s<>""'@]+\.[^\s<>""'@]+")]
    private static partial Regex EmailPattern();
}
