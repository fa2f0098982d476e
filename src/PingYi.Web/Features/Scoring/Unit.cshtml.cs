using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>得分说明: one unit's score, source by source, with the inputs behind each (its own unit for a handler).</summary>
public sealed class UnitModel(GetBreakdown.Handler breakdown, IConfiguration configuration) : PageModel
{
    /// <summary>
    /// <c>Scoring:CasesShown</c> (50): the handling rounds the page lists, those that cost the most first; <c>?cases=all</c>
    /// lists every one, and the Excel export has them all. A busy unit has thousands in a year (1,916 for the busiest at a
    /// million complaints), a page too long to read on a phone.
    /// </summary>
    public const int DefaultCasesShown = 50;

    public GetBreakdown.Breakdown B { get; private set; } = null!;

    [FromQuery(Name = "cases")]
    public string? CasesMode { get; set; }

    /// <summary>The handling rounds listed, costliest first.</summary>
    public IReadOnlyList<ChannelCaseLine> Cases { get; private set; } = [];

    public bool AllCases => CasesMode == "all";

    public int CostlyCases { get; private set; }

    public async Task<IActionResult> OnGetAsync(int year, string unitCode, CancellationToken ct)
    {
        var result = await breakdown.HandleAsync(year, unitCode, User, ct);
        if (!result.Succeeded)
        {
            return result.Failure!.StatusCode == StatusCodes.Status403Forbidden ? Forbid() : NotFound();
        }
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        B = result.Value!;
        var ordered = ChannelCaseText.CostliestFirst(B.Channel.Cases);
        var shown = Math.Max(1, configuration.GetValue("Scoring:CasesShown", DefaultCasesShown));
        Cases = (AllCases ? ordered : ordered.Take(shown)).ToList();
        CostlyCases = B.Channel.Cases.Count(ChannelCaseText.CostsPoints);
        return Page();
    }
}
