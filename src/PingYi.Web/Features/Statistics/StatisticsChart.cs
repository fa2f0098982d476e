using System.Globalization;
using PingYi.Web.Features.Supervision;
using ScottPlot;

namespace PingYi.Web.Features.Statistics;

/// <summary>
/// The statistics page's trend charts, drawn by ScottPlot as SVG (embedded as an image, outside the page's style CSP):
/// complaints lodged and closed per month, and the three rates per month in per cent. Months without a rate are gaps.
/// </summary>
public static class StatisticsChart
{
    public const int Width = 800;
    public const int Height = 360;

    public static string CountsSvg(IReadOnlyList<GetStatistics.Row> months) => Draw(months, "每月受理与办结件数", "件数",
        [("受理", "#1f5fa8", r => r.Lodged), ("办结", "#2e7d32", r => r.Closed)], percent: false);

    public static string RatesSvg(IReadOnlyList<GetStatistics.Row> months) => Draw(months, "每月按期办结率、解决率、满意率", "%",
        [
            ("按期办结率", "#1f5fa8", r => r.OnTimeRate * 100),
            ("解决率", "#c77700", r => r.ResolvedRate * 100),
            ("满意率", "#2e7d32", r => r.SatisfiedRate * 100),
        ], percent: true);

    private static string Draw(IReadOnlyList<GetStatistics.Row> months, string title, string yLabel,
        (string Label, string Color, Func<GetStatistics.Row, double?> Value)[] series, bool percent)
    {
        var plot = new Plot();
        var xs = Enumerable.Range(0, months.Count).Select(i => (double)i).ToArray();
        foreach (var (label, color, value) in series)
        {
            var ys = months.Select(m => value(m) ?? double.NaN).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = label;
            line.Color = Color.FromHex(color);
            line.LineWidth = 2;
            line.MarkerSize = 6;
        }
        plot.Axes.Bottom.SetTicks(xs, months.Select(m => m.Label).ToArray());
        var highest = percent ? 100 : Math.Max(1, series.SelectMany(s => months.Select(m => s.Value(m) ?? 0)).DefaultIfEmpty(0).Max());
        plot.Axes.SetLimitsY(0, highest * 1.1);
        plot.Axes.SetLimitsX(-0.5, Math.Max(0.5, months.Count - 0.5));
        if (!percent)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        if (OverdueChart.ChineseFont.Value is { } family)
        {
            plot.Font.Set(family);
        }
        return plot.GetSvgXml(Width, Height);
    }

    /// <summary>A rate as people read it: 87.5%, or — when there is nothing to measure it by.</summary>
    public static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "—";
}
