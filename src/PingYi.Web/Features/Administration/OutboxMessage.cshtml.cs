using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;

namespace PingYi.Web.Features.Administration;

/// <summary>One outbox message as rendered, and 重新发送 for a failed one (same Message-Id).</summary>
[Authorize(Roles = StaffRoles.Admin)]
public sealed class OutboxMessageModel(OutboxMessages.Handler messages, ILogger<OutboxMessageModel> logger) : PageModel
{
    private const string RevealedKey = "outbox-revealed";

    public PingYi.Data.Outbox.OutboxMessage Message { get; private set; } = null!;

    public string? Notice { get; private set; }

    /// <summary>Mail to a complainant shown in full: only right after a reveal with a reason (one view, logged).</summary>
    public bool Revealed { get; private set; }

    public bool Masked => Message.ToComplainant && !Revealed;

    public string Recipient => Masked ? OutboxMasking.Recipient(true, Message.Recipient)
        : Revealed ? Message.Recipient : OutboxMasking.Recipient(false, Message.Recipient);

    public string Subject => Masked ? OutboxMasking.Text(true, Message.Subject)! : Message.Subject;

    public string? LastError => Masked ? OutboxMasking.Text(true, Message.LastError) : Message.LastError;

    [BindProperty]
    public string? Reason { get; set; }

    public string? ReasonError { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await messages.FindAsync(id, ct) is not { } message)
        {
            return NotFound();
        }
        Message = message;
        Notice = TempData["outbox-notice"] as string;
        Revealed = TempData[RevealedKey] as string == id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Revealed)
        {
            Response.Headers.CacheControl = "no-store";
        }
        return Page();
    }

    /// <summary>
    /// The same rule as revealing a complainant's contact: a stated reason (1–200 characters), logged with who and
    /// when, for one view of this message.
    /// </summary>
    public async Task<IActionResult> OnPostRevealAsync(long id, CancellationToken ct)
    {
        if (await messages.FindAsync(id, ct) is not { } message)
        {
            return NotFound();
        }
        var reason = Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 200)
        {
            Message = message;
            ReasonError = string.IsNullOrEmpty(reason) ? "请填写查看理由。" : "查看理由不能超过 200 个字。";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await messages.RecordRevealAsync(User, message, reason, ct);
        TempData[RevealedKey] = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostResendAsync(long id, CancellationToken ct)
    {
        if (await messages.ResendAsync(id, ct) is not { } found)
        {
            return NotFound();
        }
        var (message, resent) = found;
        if (resent)
        {
            logger.LogInformation("Outbox message {Id} to {Recipient} queued again by {User}.", id, OutboxMasking.Recipient(message.ToComplainant, message.Recipient), User.Identity?.Name);
            TempData["outbox-notice"] = "已重新加入发送队列，将在一分钟内发送。";
        }
        else
        {
            TempData["outbox-notice"] = "只有发送失败的邮件可以重新发送。";
        }
        return RedirectToPage(new { id });
    }
}
