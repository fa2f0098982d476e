using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Staff.Scoring;

/// <summary>得分说明: one unit's score, source by source, with the inputs behind each (its own unit for a handler).</summary>
public sealed class UnitModel(GetBreakdown.Handler breakdown) : PageModel
{
    public GetBreakdown.Breakdown B { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(int year, string unitCode, CancellationToken ct)
    {
        var result = await breakdown.HandleAsync(year, unitCode, User, ct);
        if (!result.Succeeded)
        {
            return result.Failure!.StatusCode == StatusCodes.Status403Forbidden ? Forbid() : NotFound();
        }
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        B = result.Value!;
        return Page();
    }
}
