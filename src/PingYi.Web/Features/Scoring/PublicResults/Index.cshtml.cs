using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PingYi.Web.Features.Scoring.PublicResults;

/// <summary>评议结果公示: the ranking tables of a published round, for everyone. An unpublished round is not found here.</summary>
public sealed class IndexModel(GetRankings.Handler rankings) : PageModel
{
    public RoundResults? Results { get; private set; }

    public IReadOnlyList<int> Published { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct)
    {
        Published = await rankings.PublishedYearsAsync(ct);
        var shown = year ?? (Published.Count > 0 ? Published[0] : null);
        if (shown is null)
        {
            return Page();
        }
        if (!Published.Contains(shown.Value))
        {
            return NotFound();
        }
        var loaded = await rankings.LoadAsync(shown.Value, User, ct);
        if (!loaded.Succeeded)
        {
            return NotFound();
        }
        Results = loaded.Value!.Results;
        return Page();
    }
}
