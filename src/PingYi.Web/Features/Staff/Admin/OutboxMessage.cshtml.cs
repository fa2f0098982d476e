using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;

namespace PingYi.Web.Features.Staff.Admin;

/// <summary>One outbox message as rendered, and 重新发送 for a failed one (same Message-Id).</summary>
[Authorize(Roles = StaffRoles.Admin)]
public sealed class OutboxMessageModel(PingYiDbContext db, TimeProvider time, ILogger<OutboxMessageModel> logger) : PageModel
{
    public PingYi.Data.Outbox.OutboxMessage Message { get; private set; } = null!;

    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct) is not { } message)
        {
            return NotFound();
        }
        Message = message;
        Notice = TempData["outbox-notice"] as string;
        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(long id, CancellationToken ct)
    {
        if (await db.OutboxMessages.SingleOrDefaultAsync(m => m.Id == id, ct) is not { } message)
        {
            return NotFound();
        }
        if (message.Resend(time.GetUtcNow().UtcDateTime))
        {
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Outbox message {Id} to {Recipient} queued again by {User}.", id, message.Recipient, User.Identity?.Name);
            TempData["outbox-notice"] = "已重新加入发送队列，将在一分钟内发送。";
        }
        else
        {
            TempData["outbox-notice"] = "只有发送失败的邮件可以重新发送。";
        }
        return RedirectToPage(new { id });
    }
}
