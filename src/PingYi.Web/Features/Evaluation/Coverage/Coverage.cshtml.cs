using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Coverage;

/// <summary>评议覆盖情况 on a page (Supervisors): the same view as <c>GET /api/v1/evaluations/{year}/coverage</c>.</summary>
public sealed class CoverageModel(StaffRounds.Handler rounds, RoundCoverage.Handler coverage) : PageModel
{
    public RoundCoverage.View? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct)
    {
        if (!User.IsSupervisor())
        {
            return Forbid();
        }
        if (await rounds.PickYearAsync(year, ct) is not { } y)
        {
            return NotFound();
        }
        var result = await coverage.HandleAsync(y, User, ct);
        if (!result.Succeeded)
        {
            return result.Failure!.StatusCode == StatusCodes.Status403Forbidden ? Forbid() : NotFound();
        }
        View = result.Value;
        return Page();
    }
}
