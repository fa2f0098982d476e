using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Notifications;

/// <summary>
/// 08:30 on working days: each supervisor gets the overdue cases (<see cref="ComplaintRules.OverdueAt"/>) by
/// unit with their escalation level. Once per supervisor and day: a second run the same day writes nothing.
/// </summary>
public static class DailyDigest
{
    public const string JobId = "daily-digest";

    /// <param name="Written">Outbox rows written (one per supervisor), 0 on a non-working day or with nothing overdue.</param>
    /// <param name="UnitWarnings">Rows written to the handlers of units on the early-warning list (<see cref="MailTemplates.UnitWarning"/>).</param>
    public sealed record Outcome(int Written, int Cases, int UnitWarnings = 0);

    public sealed class Handler(PingYiDbContext db, MailTemplates templates, MailSettings settings, WorkflowRuntime workflows, TimeProvider time,
        Scoring.Monthly.EarlyWarnings.Handler warnings, ILogger<Handler> logger)
    {
        public async Task<Outcome> HandleAsync(CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var today = ChinaTime.DateOf(now);
            if (!workflows.Calendar.IsWorkingDay(today))
            {
                return new Outcome(0, 0);
            }
            var unitWarnings = await WarnUnitsAsync(now, today, ct);
            var supervisors = await SupervisorsAsync(now, today, ct);
            return supervisors with { UnitWarnings = unitWarnings };
        }

        /// <summary>
        /// Each unit on the early-warning list (issue 23 §5): its handlers get why (the month's rank or last year's
        /// tracking list), its channel rates and its own overdue cases — never another unit's, never a complainant's
        /// identity or access code. Once per unit, handler and China day (<c>OutboxMessages.DedupKey</c>).
        /// </summary>
        private async Task<int> WarnUnitsAsync(DateTime now, DateOnly today, CancellationToken ct)
        {
            var warned = await warnings.CurrentAsync(ct);
            var written = 0;
            foreach (var w in warned)
            {
                var handlers = await NoticeWriter.ActiveStaffAsync(db, StaffRoles.UnitHandler, w.UnitId, now, ct);
                if (handlers.Count == 0)
                {
                    continue;
                }
                var key = $"unit-warning:{today:yyyy-MM-dd}:{w.UnitCode}";
                var already = await db.OutboxMessages.AsNoTracking().Where(m => m.DedupKey == key).Select(m => m.Recipient).ToListAsync(ct);
                var recipients = handlers.Except(already, StringComparer.OrdinalIgnoreCase).ToList();
                if (recipients.Count == 0)
                {
                    continue;
                }
                var overdue = await db.Complaints.AsNoTracking().Where(ComplaintRules.OverdueAt(now)).Where(c => c.UnitId == w.UnitId)
                    .OrderBy(c => c.DueAtUtc).ThenBy(c => c.TrackingNumber).ToListAsync(ct);
                var cases = overdue.Select(c => new DigestCase(
                        c.TrackingNumber, c.Title, ChinaTime.FormatDeadline(c.DueAtUtc!.Value),
                        workflows.Calendar.WorkingDaysOverdue(c.DueAtUtc!.Value, now), c.EscalationLevel(workflows.For(c), now),
                        settings.Link("/staff/complaints/" + Uri.EscapeDataString(c.TrackingNumber)))
                    {
                        Standing = Deadlines.Standing(workflows.Calendar, c.DueAtUtc!.Value, now).Text,
                    })
                    .ToList();
                var mail = templates.Render(MailTemplates.UnitWarning, new MailModel
                {
                    Date = today.ToString("yyyy-MM-dd"),
                    UnitName = w.UnitName,
                    WarningReasons = w.Reasons,
                    WarningRates = w.RateTexts,
                    Units = cases.Count == 0 ? [] : [new DigestUnit(w.UnitName, cases)],
                    CaseCount = cases.Count,
                    Link = settings.Link($"/staff/scoring/{w.Year}/monthly"),
                });
                var notBefore = settings.QuietHours ? QuietHours.NextWorkingTimeUtc(now, workflows.Calendar) : now;
                foreach (var recipient in recipients)
                {
                    db.OutboxMessages.Add(NoticeWriter.NewMessage(settings, MailTemplates.UnitWarning, null, recipient, mail, now, notBefore, key));
                    written++;
                }
            }
            if (written > 0)
            {
                await db.SaveChangesAsync(ct);
                logger.LogInformation("Daily digest: early warning to {Handlers} handlers of {Units} units.", written, warned.Count);
            }
            return written;
        }

        private async Task<Outcome> SupervisorsAsync(DateTime now, DateOnly today, CancellationToken ct)
        {
            var overdue = await db.Complaints.AsNoTracking()
                .Where(ComplaintRules.OverdueAt(now))
                .Join(db.Units, c => c.UnitId, u => u.Id, (c, u) => new { Complaint = c, UnitName = u.Name })
                .ToListAsync(ct);
            // With Mail:SupervisorNotices=Digest the unit's answers and requests are not mailed one by one: they are here.
            var pending = settings.SupervisorNotices == SupervisorNoticeMode.Digest
                ? await db.Complaints.AsNoTracking()
                    .Where(c => c.Status == ComplaintStatus.UnderReview || (c.Status == ComplaintStatus.Assigned && c.PendingRequest != PendingRequest.None))
                    .Join(db.Units, c => c.UnitId, u => u.Id, (c, u) => new { c.TrackingNumber, c.Title, c.Status, c.PendingRequest, c.PendingExtensionDays, UnitName = u.Name })
                    .ToListAsync(ct)
                : [];
            if (overdue.Count == 0 && pending.Count == 0)
            {
                return new Outcome(0, 0);
            }
            var units = overdue
                .GroupBy(x => x.UnitName)
                .Select(g => new DigestUnit(g.Key, g
                    .Select(x => new DigestCase(
                        x.Complaint.TrackingNumber,
                        x.Complaint.Title,
                        ChinaTime.FormatDeadline(x.Complaint.DueAtUtc!.Value),
                        workflows.Calendar.WorkingDaysOverdue(x.Complaint.DueAtUtc!.Value, now),
                        x.Complaint.EscalationLevel(workflows.For(x.Complaint), now),
                        settings.Link("/staff/complaints/" + Uri.EscapeDataString(x.Complaint.TrackingNumber)))
                    {
                        Standing = Deadlines.Standing(workflows.Calendar, x.Complaint.DueAtUtc!.Value, now).Text,
                    })
                    .OrderByDescending(c => c.Level).ThenByDescending(c => c.WorkingDaysOverdue).ThenBy(c => c.TrackingNumber)
                    .ToList()))
                .OrderByDescending(u => u.Cases.Count).ThenBy(u => u.Name, StringComparer.Ordinal)
                .ToList();
            var mail = templates.Render(MailTemplates.Digest, new MailModel
            {
                Date = today.ToString("yyyy-MM-dd"),
                Units = units,
                CaseCount = overdue.Count,
                Pending = pending.OrderBy(p => p.TrackingNumber, StringComparer.Ordinal)
                    .Select(p => new DigestPending(p.TrackingNumber, p.Title, p.UnitName,
                        p.Status == ComplaintStatus.UnderReview ? "待审核办理情况"
                        : p.PendingRequest == PendingRequest.Extension ? $"延期申请 {p.PendingExtensionDays} 个工作日"
                        : p.PendingRequest == PendingRequest.Suspension ? "中止申请"
                        : "退回申请",
                        settings.Link("/staff/complaints/" + Uri.EscapeDataString(p.TrackingNumber))))
                    .ToList(),
                PendingCount = pending.Count,
                Link = settings.Link("/staff/oversight"),
            });

            var startOfDay = ChinaTime.StartOfDayUtc(today);
            var already = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.Kind == MailTemplates.Digest && m.CreatedAtUtc >= startOfDay)
                .Select(m => m.Recipient)
                .ToListAsync(ct);
            var supervisors = await NoticeWriter.ActiveStaffAsync(db, StaffRoles.Supervisor, null, now, ct);
            var written = 0;
            foreach (var supervisor in supervisors.Except(already, StringComparer.OrdinalIgnoreCase))
            {
                var notBefore = settings.QuietHours ? QuietHours.NextWorkingTimeUtc(now, workflows.Calendar) : now;
                db.OutboxMessages.Add(NoticeWriter.NewMessage(settings, MailTemplates.Digest, null, supervisor, mail, now, notBefore));
                written++;
            }
            await db.SaveChangesAsync(ct);
            if (written > 0)
            {
                logger.LogInformation("Daily digest: {Cases} overdue cases to {Supervisors} supervisors.", overdue.Count, written);
            }
            return new Outcome(written, overdue.Count);
        }
    }
}
