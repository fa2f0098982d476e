using System.Text.RegularExpressions;
using MimeKit.Utils;
using PingYi.Data.Outbox;

namespace PingYi.Web.Features.Notifications;

/// <summary>Who can get an SMS, and the outbox row of one.</summary>
public static partial class SmsNotices
{
    /// <summary>
    /// The 11-digit mainland mobile number in <paramref name="phone"/> (with or without +86), or null for a landline,
    /// an empty value or anything else: only mobiles get text messages.
    /// </summary>
    public static string? Mobile(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }
        var match = MobilePattern().Match(phone.Replace(" ", "").Replace("-", ""));
        return match.Success ? match.Groups[1].Value : null;
    }

    public static OutboxMessage Row(MailSettings mail, string kind, long? complaintId, string mobile, RenderedSms sms, DateTime nowUtc, DateTime notBeforeUtc,
        bool toComplainant, string? dedupKey = null) =>
        OutboxMessage.Sms(kind, complaintId, mobile, sms.Text, sms.TemplateParams, MimeUtils.GenerateMessageId(mail.MessageIdDomain), nowUtc, notBeforeUtc, toComplainant, dedupKey);

    [GeneratedRegex(@"^(?:\+?86)?(1[3-9]\d{9})$")]
    private static partial Regex MobilePattern();
}
