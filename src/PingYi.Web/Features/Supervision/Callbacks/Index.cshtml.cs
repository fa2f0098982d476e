using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Supervision.Callbacks;

/// <summary>回访 queue for the supervisors: the cases to call, and a form per case to record the call.</summary>
[Authorize(Roles = StaffRoles.Supervisor)]
public sealed class IndexModel(GetCallbacks.Handler queue, RecordCallback.Handler record) : PageModel
{
    public GetCallbacks.Queue Queue { get; private set; } = new([], GetCallbacks.SampleEvery, 0);

    /// <summary>The case whose form failed, and its messages; or the case just recorded.</summary>
    public string? FailedNumber { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    [TempData]
    public string? Saved { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        Queue = await queue.HandleAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(string trackingNumber, string? outcome, string? satisfaction, string? resolved, string? notes, CancellationToken ct)
    {
        var reached = outcome switch { "reached" => true, "not-reached" => false, _ => (bool?)null };
        var result = await record.HandleAsync(User, trackingNumber,
            new RecordCallback.Request(reached, reached == true ? satisfaction : null, reached == true ? resolved : null, notes), ct);
        if (result.Succeeded)
        {
            Saved = result.Value!.TrackingNumber;
            return RedirectToPage();
        }
        Response.StatusCode = result.Failure!.StatusCode;
        FailedNumber = trackingNumber;
        Errors = result.Failure.Errors.Count > 0 ? result.Failure.Errors.SelectMany(e => e.Value).ToList() : [result.Failure.Title];
        Queue = await queue.HandleAsync(ct);
        return Page();
    }
}
