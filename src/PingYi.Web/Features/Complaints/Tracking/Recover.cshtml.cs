using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Tracking;

/// <summary>找回查询码 without JavaScript: step 1 sends a one-time code to the contact, step 2 exchanges it for a new access code.</summary>
[EnableRateLimiting(RateLimits.Lookup)]
public sealed class RecoverModel(RecoverAccessCode.Handler handler) : PageModel
{
    [BindProperty]
    public string? TrackingNumber { get; set; }

    [BindProperty]
    public string? Contact { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    /// <summary>Step 1 done: the same words whether or not anything was sent.</summary>
    public bool Requested { get; private set; }

    /// <summary>The new access code, shown once.</summary>
    public string? NewAccessCode { get; private set; }

    public string? Error { get; private set; }

    private const string SentKey = "recover.sent";

    public void OnGet()
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        // Step 2 after the redirect: the number and contact travel in TempData (an encrypted cookie), never in the URL.
        if (TempData[SentKey] is string sent && sent.Split('\n') is [var number, var contact])
        {
            Requested = true;
            TrackingNumber = number;
            Contact = contact;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var result = await handler.RequestAsync(TrackingNumber, Contact, RateLimits.ClientKey(HttpContext.Connection.RemoteIpAddress), ct);
        if (!result.Succeeded)
        {
            Error = string.Join(" ", result.Failure!.Errors.SelectMany(e => e.Value));
            Response.StatusCode = result.Failure.StatusCode;
            return Page();
        }
        TempData[SentKey] = $"{TrackingNumber?.Trim()}\n{Contact?.Trim()}";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        Requested = true;
        try
        {
            var result = await handler.ConfirmAsync(TrackingNumber, Contact, Code, RateLimits.ClientKey(HttpContext.Connection.RemoteIpAddress), ct);
            if (!result.Succeeded)
            {
                Error = string.Join(" ", result.Failure!.Errors.SelectMany(e => e.Value));
                Response.StatusCode = result.Failure.StatusCode;
                return Page();
            }
            NewAccessCode = AccessCode.Display(result.Value!);
        }
        catch (Security.AccessCodeThrottledException e)
        {
            Error = $"尝试次数过多，请 {Math.Max(1, e.RetryAfterSeconds / 60)} 分钟后再试。";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
        }
        return Page();
    }
}
