using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Units;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// 评议结果: the ranking tables per category with their charts, the overdue chart over the round, the lists, the
/// difference against the approved snapshot, the publication switch and the 问责 flags. Supervisors and Admins
/// always; others only once published (a unit handler is sent to their own unit's breakdown).
/// </summary>
public sealed class IndexModel(EvaluationRuntime runtime, Rounds rounds, GetRankings.Handler rankings, ScoringResults results,
    ScoringReports reports, SetPublication.Handler publication, SetAccountability.Handler accountability) : PageModel
{
    public int Year { get; private set; }

    public IReadOnlyList<int> Years { get; private set; } = [];

    public RoundResults Results { get; private set; } = null!;

    public string Status { get; private set; } = string.Empty;

    public IReadOnlyDictionary<UnitCategory, string> Charts { get; private set; } = new Dictionary<UnitCategory, string>();

    public string OverdueChart { get; private set; } = string.Empty;

    public IReadOnlyList<ScoringReports.OverduePoint> OverduePoints { get; private set; } = [];

    public IReadOnlyList<ResultDifference> Differences { get; private set; } = [];

    public bool SeesAll => User.IsCommittee();

    /// <summary>Kept across the redirect that follows a successful POST.</summary>
    [TempData(Key = "scoring-notice")]
    public string? Message { get; set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct) => await ShowAsync(year, ct);

    public async Task<IActionResult> OnGetPngAsync(int? year, string? chart, CancellationToken ct)
    {
        var loaded = await LoadAsync(year, ct);
        if (loaded is not null)
        {
            return loaded;
        }
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        if (chart == "overdue")
        {
            var points = await reports.OverdueSeriesAsync(runtime.Find(Year)!, Results.CutoffUtc, ct);
            return File(ScoringReports.OverdueChart(points).GetImageBytes(ScoringReports.Width, 400, ScottPlot.ImageFormat.Png), "image/png", $"超期反映-{Year}.png");
        }
        if (!UnitCategories.Codes.TryParse(chart, out var category))
        {
            return NotFound();
        }
        return File(ScoringReports.Png(Results.Categories.Single(c => c.Category == category)), "image/png", $"评议得分-{Year}-{UnitCategories.Codes.CodeOf(category)}.png");
    }

    public async Task<IActionResult> OnPostPublishAsync(int? year, bool published, CancellationToken ct)
    {
        var result = await publication.HandleAsync(year ?? 0, new SetPublication.Request(published), User, ct);
        if (result.Succeeded)
        {
            Message = result.Value!.Published ? "评议结果已公布，公众可在“评议结果公示”页查看。" : "评议结果已改为仅内部可见。";
            return RedirectToPage(new { year });
        }
        Problems = result.Failure!.Errors.SelectMany(e => e.Value).ToList();
        Response.StatusCode = result.Failure.StatusCode;
        return await ShowAsync(year, ct);
    }

    public async Task<IActionResult> OnPostAccountabilityAsync(int? year, string? unitCode, bool flagged, string? reason, CancellationToken ct)
    {
        var result = await accountability.HandleAsync(year ?? 0, new SetAccountability.Request(unitCode, flagged, reason), User, ct);
        if (result.Succeeded)
        {
            Message = result.Value!.Flagged ? $"已将 {result.Value.UnitCode} 标记为问责。" : $"已取消 {result.Value.UnitCode} 的问责标记。";
            return RedirectToPage(new { year });
        }
        Problems = result.Failure!.Errors.SelectMany(e => e.Value).ToList();
        Response.StatusCode = result.Failure.StatusCode;
        return await ShowAsync(year, ct);
    }

    private async Task<IActionResult> ShowAsync(int? year, CancellationToken ct)
    {
        var status = Response.StatusCode;
        var loaded = await LoadAsync(year, ct);
        if (loaded is not null)
        {
            return loaded;
        }
        Response.StatusCode = status;
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        Charts = Results.Categories.ToDictionary(c => c.Category, c => ScoringReports.DataUri(ScoringReports.Svg(c)));
        OverduePoints = await reports.OverdueSeriesAsync(runtime.Find(Year)!, Results.CutoffUtc, ct);
        OverdueChart = ScoringReports.DataUri(ScoringReports.OverdueChart(OverduePoints).GetSvgXml(ScoringReports.Width, 400));
        if (Results.Approved && SeesAll && Results.SnapshotAtUtc is not null)
        {
            var found = await rounds.FindAsync(Year, ct);
            Differences = await results.DifferencesAsync(found.Value!, Results, ct);
        }
        return Page();
    }

    /// <summary>Null when the page can be shown; otherwise what to answer instead.</summary>
    private async Task<IActionResult?> LoadAsync(int? year, CancellationToken ct)
    {
        Years = await rankings.YearsAsync(ct);
        Year = year ?? Years.FirstOrDefault();
        if (Year == 0)
        {
            return NotFound();
        }
        var loaded = await rankings.LoadAsync(Year, User, ct);
        if (!loaded.Succeeded)
        {
            if (loaded.Failure!.StatusCode == StatusCodes.Status403Forbidden && User.OwnUnit() is { } unitId)
            {
                var code = await rankings.UnitCodeAsync(unitId, ct);
                return Redirect($"/staff/scoring/{Year}/units/{code}");
            }
            return loaded.Failure.StatusCode == StatusCodes.Status403Forbidden ? Forbid() : NotFound();
        }
        Results = loaded.Value!.Results;
        Status = PingYi.Domain.Evaluation.RoundStatuses.LabelOf(loaded.Value.Round.Round.Status);
        return null;
    }
}
