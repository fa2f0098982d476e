using PingYi.Data;
using PingYi.Data.Outbox;
using PingYi.Domain.Complaints;

namespace PingYi.Web.Features.Notifications;

/// <summary>
/// The SMS a complainant who gave a mobile number gets when the complaint is lodged: the tracking number, and the
/// access code only when they asked for it (it is then dropped from the outbox once sent, and never shown there).
/// </summary>
public sealed class LodgedSms(SmsTemplates templates, MailSettings mail)
{
    public sealed record Pending(string Mobile, string Kind, RenderedSms Sms);

    /// <summary>Null when there is no mobile number to text (anonymous, e-mail only, a landline).</summary>
    public Pending? Render(ContactDetails? contact, string trackingNumber, string? displayedAccessCode)
    {
        if (SmsNotices.Mobile(contact?.Phone) is not { } mobile)
        {
            return null;
        }
        var kind = displayedAccessCode is null ? SmsTemplates.Lodged : SmsTemplates.LodgedWithCode;
        return new Pending(mobile, kind, templates.Render(kind, new SmsModel
        {
            TrackingNumber = trackingNumber,
            Code = displayedAccessCode,
            Link = mail.Link("/track"),
        }));
    }

    /// <summary>Adds the row to the save that lodges the complaint (same transaction).</summary>
    public void Add(PingYiDbContext db, Pending? pending, long complaintId, DateTime nowUtc)
    {
        if (pending is not null)
        {
            // The same span as every other notice written to the outbox, in the lodging request's trace.
            using var activity = Infrastructure.Telemetry.PingYiMetrics.StartOutboxWrite(1);
            db.OutboxMessages.Add(SmsNotices.Row(mail, pending.Kind, complaintId, pending.Mobile, pending.Sms, nowUtc, nowUtc, toComplainant: true));
        }
    }
}
