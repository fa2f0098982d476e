using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Supervision;

/// <summary>督办台: overdue and supervised cases by unit for the supervisors, with 催办/督办 and the chart.</summary>
[Authorize(Roles = StaffRoles.Supervisor)]
public sealed class IndexModel(GetSupervisionDesk.Handler oversight, GetSupervisionDesk.Options options, Scoring.Monthly.EarlyWarnings.Handler warnings,
    Evaluation.Coverage.RoundCoverage.Handler coverage, Evaluation.StaffRounds.Handler rounds, TimeProvider time) : PageModel
{
    /// <summary>Units on the early-warning list (issue 23 §5): the month's bottom two of a category, or last year's tracking list.</summary>
    public IReadOnlyList<Scoring.Monthly.EarlyWarnings.Warning> Warnings { get; private set; } = [];

    /// <summary>
    /// The open rounds' units without a liaison rater or an inspection (issue 23 §2), from the coverage page's own
    /// computation: flagged while they can still be closed.
    /// </summary>
    public IReadOnlyList<Evaluation.Coverage.RoundCoverage.OpenRoundFlags> CoverageFlags { get; private set; } = [];

    public GetSupervisionDesk.Board Board { get; private set; } = new("overdue", []);

    /// <summary>The chart as an SVG data URI: in the page, no extra request, and outside the page's style CSP.</summary>
    public string ChartDataUri { get; private set; } = string.Empty;

    /// <summary>The units the page's chart draws (most overdue first), and how many units have overdue cases.</summary>
    public IReadOnlyList<GetSupervisionDesk.UnitGroup> ChartUnits { get; private set; } = [];

    public int UnitsOverdue { get; private set; }

    public bool ChartTruncated => ChartUnits.Count < UnitsOverdue;

    public async Task OnGetAsync(string? sort, CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        Board = await oversight.HandleAsync(sort, ct);
        Warnings = await warnings.CurrentAsync(ct);
        CoverageFlags = await coverage.OpenFlagsAsync(await rounds.OpenYearsAsync(ct), User, ct);
        var overdue = OverdueChart.Drawn(Board);
        UnitsOverdue = overdue.Count;
        ChartUnits = overdue.Take(options.ChartUnits).ToList();
        ChartDataUri = "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(OverdueChart.Svg(ChartUnits, ChartTruncated)));
    }

    /// <summary>The same chart as PNG, to download (GET /staff/oversight?handler=png).</summary>
    public async Task<IActionResult> OnGetPngAsync(CancellationToken ct)
    {
        var board = await oversight.HandleAsync(null, ct);
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        return File(OverdueChart.Png(board), "image/png", $"超期反映-{ChinaTime.Today(time):yyyyMMdd}.png");
    }
}
