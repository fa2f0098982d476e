using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Statistics;

/// <summary>统计: the figures of GET /api/v1/statistics as a table, the monthly trend charts, and the xlsx download.</summary>
[Authorize(Roles = StaffRoles.Supervisor + "," + StaffRoles.Admin + "," + StaffRoles.UnitHandler)]
public sealed class IndexModel(GetStatistics.Handler statistics) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? GroupBy { get; set; }

    public GetStatistics.Report? Report { get; private set; }

    /// <summary>The same period by month, for the trend charts.</summary>
    public GetStatistics.Report? Trend { get; private set; }

    public string CountsChart { get; private set; } = string.Empty;

    public string RatesChart { get; private set; } = string.Empty;

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public string InputClass(string field) => Errors.ContainsKey(field) ? "input-error" : string.Empty;

    public string Query(string? handler = null) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/staff/statistics", new Dictionary<string, string?>
        {
            ["from"] = Report is { } r ? $"{r.From:yyyy-MM-dd}" : From,
            ["to"] = Report is { } t ? $"{t.To:yyyy-MM-dd}" : To,
            ["groupBy"] = Report?.GroupBy ?? GroupBy,
            ["handler"] = handler,
        }.Where(kv => !string.IsNullOrEmpty(kv.Value)));

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var result = await statistics.HandleAsync(new GetStatistics.Query(From, To, GroupBy), User, ct);
        if (!result.Succeeded)
        {
            Errors = result.Failure!.Errors;
            return;
        }
        Report = result.Value!;
        Trend = Report.GroupBy == GetStatistics.ByMonth ? Report
            : (await statistics.HandleAsync(new GetStatistics.Query($"{Report.From:yyyy-MM-dd}", $"{Report.To:yyyy-MM-dd}", GetStatistics.ByMonth), User, ct)).Value;
        if (Trend is not null)
        {
            CountsChart = DataUri(StatisticsChart.CountsSvg(Trend.Rows));
            RatesChart = DataUri(StatisticsChart.RatesSvg(Trend.Rows));
        }
    }

    /// <summary>The table as xlsx (GET /staff/statistics?handler=xlsx&amp;…).</summary>
    public async Task<IActionResult> OnGetXlsxAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var result = await statistics.HandleAsync(new GetStatistics.Query(From, To, GroupBy), User, ct);
        if (!result.Succeeded)
        {
            Errors = result.Failure!.Errors;
            return Page();
        }
        var r = result.Value!;
        return File(StatisticsSpreadsheet.Build(r), StatisticsSpreadsheet.ContentType, $"统计-{r.GroupBy}-{r.From:yyyyMMdd}-{r.To:yyyyMMdd}.xlsx");
    }

    private static string DataUri(string svg) => "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
}
