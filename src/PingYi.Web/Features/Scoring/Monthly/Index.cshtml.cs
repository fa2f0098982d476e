using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring.Monthly;

/// <summary>
/// 月度通报 (issue 23 §5): a round's months, the chosen month's interim channel ranking per category with the rates and
/// the rank change, and a unit's trend over the year. Supervisors and Admins see every unit; a unit's handlers their
/// own line and trend only. Reads <see cref="GetMonthly.Handler"/>, as the API and the xlsx do.
/// </summary>
public sealed class IndexModel(GetMonthly.Handler monthly) : PageModel
{
    public int Year { get; private set; }

    public IReadOnlyList<GetMonthly.MonthItem> Months { get; private set; } = [];

    public GetMonthly.MonthResponse? Month { get; private set; }

    public string? TrendUnit { get; private set; }

    public string TrendUnitName { get; private set; } = string.Empty;

    public IReadOnlyList<GetMonthly.TrendPoint> Trend { get; private set; } = [];

    public string? TrendChart { get; private set; }

    public bool SeesAll => User.IsCommittee();

    public async Task<IActionResult> OnGetAsync(int year, int? month, string? unit, CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var loaded = await LoadAsync(year, month, unit, ct);
        if (loaded is not null)
        {
            return loaded;
        }
        if (TrendUnit is not null)
        {
            TrendChart = ScoringReports.DataUri(MonthlyReports.Svg(TrendUnitName, Trend));
        }
        return Page();
    }

    /// <summary>The trend chart as PNG (<c>?handler=png&amp;unit=</c>).</summary>
    public async Task<IActionResult> OnGetPngAsync(int year, string? unit, CancellationToken ct)
    {
        var loaded = await LoadAsync(year, null, unit, ct);
        if (loaded is not null)
        {
            return loaded;
        }
        if (TrendUnit is null)
        {
            return NotFound();
        }
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        return File(MonthlyReports.Png(TrendUnitName, Trend), "image/png", $"月度走势-{year}-{TrendUnit}.png");
    }

    private async Task<IActionResult?> LoadAsync(int year, int? month, string? unit, CancellationToken ct)
    {
        Year = year;
        var months = await monthly.MonthsAsync(year, User, ct);
        if (!months.Succeeded)
        {
            return months.Failure!.Kind == FailureKind.Forbidden ? Forbid() : NotFound();
        }
        Months = months.Value!.Months;
        var chosen = month ?? Months.LastOrDefault()?.Month;
        if (chosen is { } m)
        {
            var read = await monthly.MonthAsync(year, m, User, ct);
            if (!read.Succeeded)
            {
                return NotFound();
            }
            Month = read.Value;
        }
        // The trend: the unit asked for (a handler: only their own), else a handler's own unit.
        var own = await monthly.OwnUnitCodeAsync(User, ct);
        var code = own ?? unit?.Trim().ToLowerInvariant();
        if (!string.IsNullOrEmpty(code))
        {
            Trend = await monthly.TrendAsync(year, code, User, ct);
            var name = Month?.Units.FirstOrDefault(u => u.UnitCode == code)?.Name;
            if (Trend.Count > 0 || name is not null)
            {
                TrendUnit = code;
                TrendUnitName = name ?? code;
            }
        }
        return null;
    }
}
