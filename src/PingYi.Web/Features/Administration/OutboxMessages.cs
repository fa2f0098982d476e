using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Outbox;

namespace PingYi.Web.Features.Administration;

/// <summary>One outbox message for the 邮件发送记录 page: read it, reveal a complainant's mail with a logged reason, queue a failed one again.</summary>
public static class OutboxMessages
{
    public sealed class Handler(PingYiDbContext db, AuditLog audit, TimeProvider time)
    {
        public Task<OutboxMessage?> FindAsync(long id, CancellationToken ct) =>
            db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);

        /// <summary>Logs who revealed the message, when and why (the reason already checked).</summary>
        public async Task RecordRevealAsync(ClaimsPrincipal user, OutboxMessage message, string reason, CancellationToken ct)
        {
            audit.Record(user, AuditKinds.OutboxRevealed, $"outbox:{message.Id}", null,
                new { reason, complaintId = message.ComplaintId, kind = message.Kind });
            await db.SaveChangesAsync(ct);
        }

        /// <summary>Null when there is no such message; else whether it was queued again (only a failed one is, same Message-Id).</summary>
        public async Task<(OutboxMessage Message, bool Resent)?> ResendAsync(long id, CancellationToken ct)
        {
            if (await db.OutboxMessages.SingleOrDefaultAsync(m => m.Id == id, ct) is not { } message)
            {
                return null;
            }
            if (!message.Resend(time.GetUtcNow().UtcDateTime))
            {
                return (message, false);
            }
            await db.SaveChangesAsync(ct);
            return (message, true);
        }
    }
}
