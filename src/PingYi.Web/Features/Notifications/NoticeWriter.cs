using Microsoft.EntityFrameworkCore;
using MimeKit.Utils;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Data.Outbox;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Notifications;

/// <summary>
/// Resolves who hears of a notice, renders its template and adds one outbox row per recipient, inside the
/// save of the change (see <see cref="NoticeInterceptor"/>).
/// </summary>
/// <remarks>
/// Privacy: a unit's message is rendered from <see cref="MailModel"/>, which has no field for the
/// complainant's name, phone, e-mail, access code or whether the case is named. The complainant's own
/// notices are the only ones that read <see cref="ComplainantContact"/>, and only its e-mail address and mobile
/// number. SMS go beside the mail (<see cref="SmsTemplates.NameOf"/>): to a complainant who gave a mobile number,
/// and, for urgent notices (督办, level-3 escalation), to staff who opted in.
/// </remarks>
public sealed class NoticeWriter(MailTemplates templates, SmsTemplates smsTemplates, MailSettings settings, WorkflowRuntime workflows, TimeProvider time,
    Infrastructure.Telemetry.PingYiMetrics metrics) : INoticeWriter
{
    /// <remarks>
    /// Cost: a constant number of queries per save, however many notices it carries (a sweep batch carries up to
    /// its batch size): the units (names, contact addresses), their handlers, the supervisors and the complainants'
    /// addresses are each read once, for all the notices, and only when some notice needs them.
    /// </remarks>
    public async Task WriteAsync(PingYiDbContext db, IReadOnlyList<(Complaint Complaint, ComplaintNotice Notice)> notices, CancellationToken ct)
    {
        using var activity = Infrastructure.Telemetry.PingYiMetrics.StartOutboxWrite(notices.Count);
        var now = time.GetUtcNow().UtcDateTime;
        var staffNotBefore = settings.QuietHours ? QuietHours.NextWorkingTimeUtc(now, workflows.Calendar) : now;
        var audience = await AudienceAsync(db, notices, now, ct);
        var kept = Coalesce(Deliveries(notices, audience));

        var mailTo = kept.ToLookup(d => d.Order, d => d.Recipient);
        for (var order = 0; order < notices.Count; order++)
        {
            var (complaint, notice) = notices[order];
            var recipients = mailTo[order].ToList();
            // A complainant who left a mobile number and no e-mail address gets the SMS alone.
            if (recipients.Count == 0 && !TextsComplainant(complaint, notice, audience))
            {
                continue;
            }
            // 督办 is formal and time-boxed, and the complainant is no one's colleague: neither waits for office hours.
            var notBefore = notice.IsForComplainant || notice.Kind == NoticeKind.Supervised ? now : staffNotBefore;
            var model = Model(complaint, notice, audience.UnitOf(notice.UnitId)?.Name ?? ComplaintTexts.UnitUndetermined, notBefore);
            if (recipients.Count > 0)
            {
                var name = MailTemplates.NameOf[notice.Kind];
                var mail = templates.Render(name, model);
                foreach (var recipient in recipients)
                {
                    db.OutboxMessages.Add(NewMessage(settings, name, complaint.Id, recipient, mail, now, notBefore, toComplainant: notice.IsForComplainant));
                }
                metrics.NoticesWritten(name, recipients.Count);
                activity?.AddEvent(new System.Diagnostics.ActivityEvent("outbox row", tags: new System.Diagnostics.ActivityTagsCollection { ["template"] = name, ["rows"] = recipients.Count }));
            }
            AddSms(db, complaint, notice, recipients, audience, model, now, notBefore);
        }
    }

    /// <summary>Whether the notice goes to the complainant by SMS (a named case with a mobile number, a notice with an SMS template).</summary>
    private static bool TextsComplainant(Complaint complaint, ComplaintNotice notice, Audience audience) =>
        notice.IsForComplainant && !complaint.Anonymous && SmsTemplates.NameOf.ContainsKey(notice.Kind)
        && audience.ComplainantMobiles.ContainsKey(complaint.Id);

    /// <summary>The SMS of one notice: the complainant's mobile, or the opted-in staff among its mail recipients.</summary>
    private void AddSms(PingYiDbContext db, Complaint complaint, ComplaintNotice notice, IEnumerable<string> mailRecipients, Audience audience,
        MailModel model, DateTime now, DateTime notBefore)
    {
        if (!SmsTemplates.NameOf.TryGetValue(notice.Kind, out var name))
        {
            return;
        }
        var mobiles = new List<string>();
        if (notice.IsForComplainant)
        {
            if (!complaint.Anonymous && audience.ComplainantMobiles.GetValueOrDefault(complaint.Id) is { } mobile)
            {
                mobiles.Add(mobile);
            }
        }
        else if (IsUrgent(notice))
        {
            mobiles.AddRange(mailRecipients.Select(r => audience.UrgentPhones.GetValueOrDefault(r.ToLowerInvariant())).OfType<string>());
        }
        if (mobiles.Count == 0)
        {
            return;
        }
        var sms = smsTemplates.Render(name, new SmsModel
        {
            TrackingNumber = complaint.TrackingNumber,
            UnitName = model.UnitName,
            Link = model.Link,
            Reference = model.Reference,
            ReplyDeadline = model.ReplyDeadline,
            Days = notice.Kind == NoticeKind.Replied ? workflows.For(complaint).Engine.Definition.Deadlines.FeedbackWindowDays : null,
        });
        foreach (var mobile in mobiles.Distinct(StringComparer.Ordinal))
        {
            db.OutboxMessages.Add(SmsNotices.Row(settings, name, complaint.Id, mobile, sms, now, notBefore, toComplainant: notice.IsForComplainant));
        }
    }

    /// <summary>What staff may ask to get by SMS as well: 督办 and the third escalation level.</summary>
    public static bool IsUrgent(ComplaintNotice notice) =>
        notice.Kind == NoticeKind.Supervised || (notice.Kind == NoticeKind.Escalated && notice.Level >= 3);

    private sealed record UnitContact(string Name, List<string> ContactEmails);

    /// <summary>Everyone the notices of one save may go to, each kind of recipient read once and only when needed.</summary>
    private sealed record Audience(
        Dictionary<int, UnitContact> Units,
        Dictionary<int, List<HandlerAddress>> Handlers,
        List<string> Supervisors,
        Dictionary<long, string> ComplainantEmails,
        Dictionary<long, string> ComplainantMobiles,
        Dictionary<string, string> UrgentPhones)
    {
        /// <summary>The unit a notice is about; none while the case is 待确定单位.</summary>
        public UnitContact? UnitOf(int? unitId) => unitId is { } id ? Units.GetValueOrDefault(id) : null;
    }

    private static async Task<Audience> AudienceAsync(
        PingYiDbContext db, IReadOnlyList<(Complaint Complaint, ComplaintNotice Notice)> notices, DateTime now, CancellationToken ct)
    {
        var unitIds = notices.Select(n => n.Notice.UnitId).OfType<int>().Distinct().ToList();
        var units = await db.Units.AsNoTracking()
            .Where(u => unitIds.Contains(u.Id))
            .Select(u => new { u.Id, u.Name, u.ContactEmails })
            .ToDictionaryAsync(u => u.Id, u => new UnitContact(u.Name, u.ContactEmails), ct);
        var handlerUnits = notices.Where(n => ToUnit(n.Notice)).Select(n => n.Notice.UnitId).OfType<int>().Distinct().ToList();
        var handlers = handlerUnits.Count == 0 ? new Dictionary<int, List<HandlerAddress>>() : await UnitHandlersAsync(db, handlerUnits, now, ct);
        var supervisors = notices.Any(n => ToSupervisors(n.Notice)) ? await ActiveStaffAsync(db, StaffRoles.Supervisor, null, now, ct) : new List<string>();
        var namedIds = notices.Where(n => n.Notice.IsForComplainant && !n.Complaint.Anonymous).Select(n => n.Complaint.Id).Distinct().ToList();
        var (complainantEmails, complainantMobiles) = namedIds.Count == 0 ? ([], []) : await ComplainantContactsAsync(db, namedIds, ct);
        var urgentPhones = notices.Any(n => IsUrgent(n.Notice)) ? await UrgentPhonesAsync(db, ct) : new Dictionary<string, string>();
        return new Audience(units, handlers, supervisors, complainantEmails, complainantMobiles, urgentPhones);
    }

    /// <summary>Who hears of each notice (one row per recipient, in the notices' order); the supervisors' digest kinds go by digest instead.</summary>
    private List<(Complaint Complaint, ComplaintNotice Notice, int Order, string Recipient)> Deliveries(
        IReadOnlyList<(Complaint Complaint, ComplaintNotice Notice)> notices, Audience audience)
    {
        var deliveries = new List<(Complaint Complaint, ComplaintNotice Notice, int Order, string Recipient)>();
        for (var i = 0; i < notices.Count; i++)
        {
            var (complaint, notice) = notices[i];
            if (SupervisorsByDigest(notice))
            {
                continue;
            }
            var recipients = new List<string>();
            if (notice.IsForComplainant)
            {
                if (!complaint.Anonymous && audience.ComplainantEmails.GetValueOrDefault(complaint.Id) is { } email)
                {
                    recipients.Add(email);
                }
            }
            else
            {
                if (ToUnit(notice))
                {
                    recipients.AddRange(UnitRecipients(complaint, notice, audience));
                    recipients.AddRange(audience.UnitOf(notice.UnitId)?.ContactEmails ?? []);
                }
                if (ToSupervisors(notice))
                {
                    recipients.AddRange(audience.Supervisors);
                }
            }
            deliveries.AddRange(recipients.Distinct(StringComparer.OrdinalIgnoreCase).Select(r => (complaint, notice, i, r)));
        }
        return deliveries;
    }

    /// <summary>
    /// The unit's handlers a notice to the unit goes to: the one the case is assigned to inside the unit (the unit's
    /// desk; the unit's address follows as the copy), or, while nobody holds it or the holder can no longer act
    /// (locked out, moved to another unit), every active handler of the unit.
    /// </summary>
    private static IEnumerable<string> UnitRecipients(Complaint complaint, ComplaintNotice notice, Audience audience)
    {
        var handlers = notice.UnitId is { } unitId ? audience.Handlers.GetValueOrDefault(unitId) ?? [] : [];
        var holder = complaint.HandlerId is { } holderId && notice.UnitId == complaint.UnitId
            ? handlers.FirstOrDefault(h => h.Id == holderId)
            : null;
        return holder is null ? handlers.Select(h => h.Email) : [holder.Email];
    }

    /// <summary>What the template of one notice is rendered from (no field for the complainant's identity; see the remarks above).</summary>
    private MailModel Model(Complaint complaint, ComplaintNotice notice, string unitName, DateTime notBefore) => new()
    {
        TrackingNumber = complaint.TrackingNumber,
        Title = complaint.Title,
        UnitName = unitName,
        Deadline = complaint.DueAtUtc is { } due ? ChinaTime.FormatDeadline(due) : null,
        // A 督办 notice's own reply deadline, which is not the case's; for 中止, the latest day it resumes by itself.
        ReplyDeadline = !IsSuspension(notice.Kind) && notice.DueAtUtc is { } replyBy ? ChinaTime.FormatDeadline(replyBy) : null,
        ResumeBy = IsSuspension(notice.Kind) && notice.DueAtUtc is { } resumeBy ? ChinaTime.FormatDeadline(resumeBy) : null,
        // Written in the save that suspends (or asks to), so the case holds the texts the notice is about.
        SuspensionReason = IsSuspension(notice.Kind) ? complaint.SuspensionReason : null,
        Expectation = IsSuspension(notice.Kind) ? complaint.SuspensionExpectation : null,
        // As it will stand when the mail may first go out (a staff mail written at night waits for 08:30).
        Remaining = complaint.DueAtUtc is { } running && ComplaintRules.RunningDeadline(complaint.Status) is { } kind
            ? Deadlines.Standing(workflows.Calendar, running, notBefore, kind).Text
            : null,
        Level = notice.Kind == NoticeKind.ExtensionRequested ? null : notice.Level,
        ExtensionDays = notice.Kind == NoticeKind.ExtensionRequested ? notice.Level : null,
        Note = notice.Note,
        Reference = notice.Reference,
        PublicReply = notice.IsForComplainant ? complaint.PublicReply : null,
        Link = notice.IsForComplainant
            ? settings.Link("/track")
            : settings.Link("/staff/complaints/" + Uri.EscapeDataString(complaint.TrackingNumber)),
    };

    /// <summary>The 中止 request and its approval, whose messages say why and what the complainant is expected to do.</summary>
    private static bool IsSuspension(NoticeKind kind) =>
        kind is NoticeKind.SuspensionRequested or NoticeKind.SuspensionApproved or NoticeKind.Suspended;

    /// <summary>
    /// A sweep that runs late fires several timers of one case at once (超期, 2级, 3级; a 督办 notice's own
    /// levels): each recipient gets one message per case, the most severe of those meant for them, which states
    /// the level the case has reached now. Other notices (a person's action) are kept as they are.
    /// </summary>
    private static List<(Complaint Complaint, ComplaintNotice Notice, int Order, string Recipient)> Coalesce(
        List<(Complaint Complaint, ComplaintNotice Notice, int Order, string Recipient)> deliveries)
    {
        var kept = deliveries.Where(d => !IsTimer(d.Notice.Kind)).ToList();
        kept.AddRange(deliveries.Where(d => IsTimer(d.Notice.Kind))
            .GroupBy(d => (d.Complaint.Id, Recipient: d.Recipient.ToLowerInvariant()))
            .Select(g => g.OrderByDescending(d => d.Notice.Level ?? 0).ThenByDescending(d => Severity(d.Notice.Kind)).ThenByDescending(d => d.Order).First()));
        return kept;
    }

    private static bool IsTimer(NoticeKind kind) => kind is NoticeKind.AcceptOverdue or NoticeKind.DeadlineReminder or NoticeKind.Overdue
        or NoticeKind.Escalated or NoticeKind.SupervisionReminder or NoticeKind.SupervisionOverdue or NoticeKind.SupervisionEscalated
        or NoticeKind.SignReminder or NoticeKind.SignOverdue or NoticeKind.SignEscalated;

    /// <summary>At the same level the case's own escalation outranks its 督办 notice's, that its 签收's, and any of them a reminder.</summary>
    private static int Severity(NoticeKind kind) => kind switch
    {
        NoticeKind.Escalated or NoticeKind.Overdue or NoticeKind.AcceptOverdue => 3,
        NoticeKind.SupervisionEscalated or NoticeKind.SupervisionOverdue => 2,
        NoticeKind.SignEscalated or NoticeKind.SignOverdue => 1,
        _ => 0,
    };

    private bool SupervisorsByDigest(ComplaintNotice notice) =>
        settings.SupervisorNotices == SupervisorNoticeMode.Digest && IsUnitRequest(notice.Kind);

    /// <summary>What a unit filed that a supervisor must decide: its answer, an extension, a return or a 中止 request.</summary>
    public static bool IsUnitRequest(NoticeKind kind) =>
        kind is NoticeKind.Responded or NoticeKind.ExtensionRequested or NoticeKind.ReturnRequested or NoticeKind.SuspensionRequested;

    public static OutboxMessage NewMessage(MailSettings settings, string kind, long? complaintId, string recipient, RenderedMail mail, DateTime nowUtc, DateTime notBeforeUtc,
        string? dedupKey = null, bool toComplainant = false) =>
        new(kind, complaintId, recipient, mail.Subject, mail.Text, mail.Html, MimeUtils.GenerateMessageId(settings.MessageIdDomain), nowUtc, notBeforeUtc, dedupKey, toComplainant);

    private static bool ToUnit(ComplaintNotice notice) => !notice.IsForComplainant && notice.Kind != NoticeKind.AcceptOverdue && !IsUnitRequest(notice.Kind);

    private static bool ToSupervisors(ComplaintNotice notice) => notice.Kind switch
    {
        NoticeKind.Responded or NoticeKind.ExtensionRequested or NoticeKind.ReturnRequested or NoticeKind.SuspensionRequested => true,
        NoticeKind.AcceptOverdue or NoticeKind.SupervisionOverdue or NoticeKind.SupervisionEscalated => true,
        NoticeKind.Escalated or NoticeKind.SignEscalated => notice.Level >= 2,
        _ => false,
    };

    /// <summary>The complainants' e-mail addresses and mobile numbers of <paramref name="complaintIds"/>, in one query.</summary>
    private static async Task<(Dictionary<long, string> Emails, Dictionary<long, string> Mobiles)> ComplainantContactsAsync(
        PingYiDbContext db, List<long> complaintIds, CancellationToken ct)
    {
        var rows = await db.ComplainantContacts.AsNoTracking()
            .Where(c => complaintIds.Contains(c.ComplaintId))
            .Select(c => new { c.ComplaintId, c.Email, c.Phone })
            .ToListAsync(ct);
        var emails = rows.Where(r => !string.IsNullOrEmpty(r.Email)).GroupBy(r => r.ComplaintId).ToDictionary(g => g.Key, g => g.First().Email!);
        var mobiles = rows.Select(r => (r.ComplaintId, Mobile: SmsNotices.Mobile(r.Phone))).Where(r => r.Mobile is not null)
            .GroupBy(r => r.ComplaintId).ToDictionary(g => g.Key, g => g.First().Mobile!);
        return (emails, mobiles);
    }

    /// <summary>Staff who asked for urgent notices by SMS: their e-mail (lower case) and mobile number.</summary>
    private static async Task<Dictionary<string, string>> UrgentPhonesAsync(PingYiDbContext db, CancellationToken ct)
    {
        var rows = await db.Users.AsNoTracking()
            .Where(u => u.SmsUrgentNotices && u.Email != null && u.PhoneNumber != null && !u.Disabled)
            .Select(u => new { u.Email, u.PhoneNumber })
            .ToListAsync(ct);
        return rows.Select(r => (Email: r.Email!.ToLowerInvariant(), Mobile: SmsNotices.Mobile(r.PhoneNumber)))
            .Where(r => r.Mobile is not null)
            .GroupBy(r => r.Email)
            .ToDictionary(g => g.Key, g => g.First().Mobile!);
    }

    /// <summary>The active handlers (role UnitHandler, not locked out) of each of <paramref name="unitIds"/>, in one query.</summary>
    private sealed record HandlerAddress(string Id, string Email);

    private static async Task<Dictionary<int, List<HandlerAddress>>> UnitHandlersAsync(PingYiDbContext db, List<int> unitIds, DateTime nowUtc, CancellationToken ct)
    {
        var roleId = db.Roles.Where(r => r.Name == StaffRoles.UnitHandler).Select(r => r.Id);
        var rows = await db.Users.AsNoTracking()
            .Where(u => u.Email != null && u.UnitId != null && unitIds.Contains(u.UnitId.Value)
                        && db.UserRoles.Any(ur => ur.UserId == u.Id && roleId.Contains(ur.RoleId)))
            .OrderBy(u => u.Email)
            .Select(u => new { UnitId = u.UnitId!.Value, u.Id, u.Email, u.LockoutEnd })
            .ToListAsync(ct);
        // LockoutEnd is a DateTimeOffset, which SQLite cannot compare in SQL: filter the few rows here.
        return rows.Where(u => u.LockoutEnd is null || u.LockoutEnd <= nowUtc)
            .GroupBy(u => u.UnitId)
            .ToDictionary(g => g.Key, g => g.Select(u => new HandlerAddress(u.Id, u.Email!)).ToList());
    }

    /// <summary>The unit's active handlers and its contact addresses: who every notice to a unit goes to.</summary>
    public static async Task<List<string>> UnitAddressesAsync(PingYiDbContext db, int unitId, DateTime nowUtc, CancellationToken ct)
    {
        var addresses = ((await UnitHandlersAsync(db, [unitId], nowUtc, ct)).GetValueOrDefault(unitId) ?? []).Select(h => h.Email).ToList();
        var contacts = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.ContactEmails).FirstOrDefaultAsync(ct);
        addresses.AddRange(contacts ?? []);
        return addresses;
    }

    /// <summary>Accounts in <paramref name="role"/> (of <paramref name="unitId"/>, if given) that are not locked out.</summary>
    public static async Task<List<string>> ActiveStaffAsync(PingYiDbContext db, string role, int? unitId, DateTime nowUtc, CancellationToken ct)
    {
        var roleId = db.Roles.Where(r => r.Name == role).Select(r => r.Id);
        var users = db.Users.AsNoTracking()
            .Where(u => u.Email != null && db.UserRoles.Any(ur => ur.UserId == u.Id && roleId.Contains(ur.RoleId)));
        if (unitId is { } id)
        {
            users = users.Where(u => u.UnitId == id);
        }
        // LockoutEnd is a DateTimeOffset, which SQLite cannot compare in SQL: filter the few rows here.
        var rows = await users.OrderBy(u => u.Email).Select(u => new { u.Email, u.LockoutEnd }).ToListAsync(ct);
        return rows.Where(u => u.LockoutEnd is null || u.LockoutEnd <= nowUtc).Select(u => u.Email!).ToList();
    }
}
