using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Common;
using PingYi.Web.Features.Statistics;

namespace PingYi.Web.Features.Scoring.PublicResults;

/// <summary>评议结果公示: the ranking tables of a published round, for everyone. An unpublished round is not found here.</summary>
public sealed class IndexModel(GetRankings.Handler rankings, GetStatistics.Handler statistics, TimeProvider time) : PageModel
{
    /// <summary>The year's totals of complaints (numbers only): of the round shown, or of the current year when none is.</summary>
    public GetStatistics.Row? YearTotals { get; private set; }

    public RoundResults? Results { get; private set; }

    public IReadOnlyList<int> Published { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct)
    {
        Published = await rankings.PublishedYearsAsync(ct);
        var shown = year ?? (Published.Count > 0 ? Published[0] : null);
        YearTotals = await statistics.YearTotalsAsync(shown ?? ChinaTime.Today(time).Year, ct);
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
