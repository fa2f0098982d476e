using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;

namespace PingYi.Web.Features.Privacy;

/// <summary>
/// <c>erase-contacts</c>: once <c>Privacy:ContactRetentionDays</c> have passed since a case was closed (or declined),
/// its complainant's identity is erased — the contact row (name, phone, e-mail), the original names of the files,
/// and the e-mails and SMS sent to the complainant's address and mobile number — while the case, its files and its timeline stay for the
/// unit's record and score. Each case gets an <c>erase-contact</c> entry on its timeline (system actor), which also
/// makes the job idempotent: a case with that entry is never looked at again. Works in batches, one transaction each.
/// </summary>
public static class EraseContacts
{
    public const string JobId = "erase-contacts";

    public const int BatchSize = 100;

    public sealed record Summary(int Cases, int Contacts, int OriginalNames, int Mails);

    public sealed class Handler(PingYiDbContext db, DatabaseSettings database, TimeProvider time, PrivacySettings settings, ILogger<Handler> logger)
    {
        public async Task<Summary> HandleAsync(CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var cutoff = now.AddDays(-settings.ContactRetentionDays);
            var total = new Summary(0, 0, 0, 0);
            while (true)
            {
                // Declined cases have no closing time; nothing changes them after the decision, so their last update is it.
                var batch = await db.Complaints.AsNoTracking()
                    .Where(c => (c.Status == ComplaintStatus.Closed && c.ClosedAtUtc != null && c.ClosedAtUtc <= cutoff)
                                || (c.Status == ComplaintStatus.Declined && c.UpdatedAtUtc <= cutoff))
                    .Where(c => !db.ComplaintEvents.Any(e => e.ComplaintId == c.Id && e.Action == ComplaintActions.EraseContact))
                    .OrderBy(c => c.Id)
                    .Select(c => c.Id)
                    .Take(BatchSize)
                    .ToListAsync(ct);
                if (batch.Count == 0)
                {
                    break;
                }
                total = Add(total, await EraseBatchAsync(batch, now, ct));
            }
            if (total.Cases > 0)
            {
                await ScrubFreedSpaceAsync(ct);
                logger.LogInformation("Erased the contact details of {Cases} case(s) ended more than {Days} days ago: {Contacts} contact(s), {Names} file name(s), {Mails} e-mail(s).",
                    total.Cases, settings.ContactRetentionDays, total.Contacts, total.OriginalNames, total.Mails);
            }
            return total;
        }

        private async Task<Summary> EraseBatchAsync(List<long> batch, DateTime now, CancellationToken ct)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var contactRows = await db.ComplainantContacts.AsNoTracking()
                .Where(c => batch.Contains(c.ComplaintId) && ((c.Email != null && c.Email != "") || (c.Phone != null && c.Phone != "")))
                .Select(c => new { c.ComplaintId, c.Email, c.Phone })
                .ToListAsync(ct);
            // The e-mail address and the mobile number (SMS are addressed to it, as the gateway wants it: 11 digits).
            var addresses = contactRows
                .SelectMany(c => new[] { c.Email, PingYi.Web.Features.Notifications.SmsNotices.Mobile(c.Phone) }
                    .Where(a => !string.IsNullOrEmpty(a)).Select(a => (c.ComplaintId, Address: a!)))
                .ToList();
            var mails = 0;
            foreach (var (complaintId, address) in addresses)
            {
                // Messages to the complainant name their address (and sometimes quote them); messages to staff stay.
                // A sent row no longer holds the address, only its hash.
                var hash = PingYi.Data.Outbox.OutboxMessage.HashOf(address);
                mails += await db.OutboxMessages
                    .Where(m => m.ComplaintId == complaintId && (m.Recipient == address || m.RecipientHash == hash))
                    .ExecuteDeleteAsync(ct);
            }
            var contacts = await db.ComplainantContacts.Where(c => batch.Contains(c.ComplaintId)).ExecuteDeleteAsync(ct);
            // What Attachment.EraseOriginalName does, as one statement: loading the entities would read every file's bytes.
            var names = await db.Attachments
                .Where(a => batch.Contains(a.ComplaintId) && a.OriginalFileName != null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.OriginalFileName, (string?)null), ct);
            foreach (var id in batch)
            {
                db.ComplaintEvents.Add(ComplaintEvent.ContactErased(id, now, settings.ContactRetentionDays));
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return new Summary(batch.Count, contacts, names, mails);
        }

        /// <summary>
        /// Erased rows must not linger in the files. SQLite overwrites them as they are deleted (secure_delete, set on
        /// every connection by PingYi.Data); the write-ahead log still holds the pages as they were, so it is
        /// checkpointed and truncated. PostgreSQL keeps deleted rows until VACUUM frees them; what VACUUM cannot
        /// reach (WAL segments, backups) is described in docs/security.md.
        /// </summary>
        private async Task ScrubFreedSpaceAsync(CancellationToken ct)
        {
            try
            {
                if (database.Provider == DatabaseProvider.Sqlite)
                {
                    await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct);
                }
                else
                {
                    await db.Database.ExecuteSqlRawAsync("VACUUM \"ComplainantContacts\", \"Attachments\", \"OutboxMessages\";", ct);
                }
            }
            catch (Exception e) when (e is System.Data.Common.DbException)
            {
                // The erasure itself is committed; the next run tries the clean-up again.
                logger.LogWarning("Erased contact details may remain in freed database space until the next run: {Reason}", e.Message);
            }
        }

        private static Summary Add(Summary a, Summary b) => new(a.Cases + b.Cases, a.Contacts + b.Contacts, a.OriginalNames + b.OriginalNames, a.Mails + b.Mails);
    }
}
