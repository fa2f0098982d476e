using System.Globalization;
using MiniExcelLibs;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using ScottPlot;

namespace PingYi.Web.Features.Scoring.Monthly;

/// <summary>The monthly 通报's xlsx (MiniExcel) and a unit's trend over the year (ScottPlot, SVG in the page, PNG to download).</summary>
public static class MonthlyReports
{
    public static string RateLabel(string code) => ChannelRates.Labels[code];

    /// <summary>"92.5%" or "—" for a rate the unit has nothing to measure by.</summary>
    public static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    public static string Change(int? change) => change switch
    {
        null => "—",
        > 0 => $"↑{change}",
        < 0 => $"↓{-change}",
        _ => "持平",
    };

    /// <summary>One sheet: every line shown, by category and interim channel rank, with the rates and the change.</summary>
    public static byte[] Xlsx(GetMonthly.MonthResponse month)
    {
        var rows = month.Categories.SelectMany(c => c.Units.Select(u =>
        {
            var row = new Dictionary<string, object?>
            {
                ["类别"] = c.Label,
                ["直通车阶段排名"] = u.ChannelRank,
                ["单位代码"] = u.UnitCode,
                ["单位名称"] = u.Name,
                ["计入案件"] = u.Cases,
                ["直通车得分"] = u.ChannelScore,
            };
            foreach (var code in ChannelRates.All)
            {
                row[RateLabel(code)] = u.Rates.GetValueOrDefault(code);
            }
            row["后两位预警"] = u.BottomTwo ? "是" : "否";
            row["上次排名"] = u.PreviousRank;
            row["名次变化"] = Change(u.RankChange);
            row["综合得分（实时）"] = u.Composite;
            row["综合排名（实时）"] = u.CompositeRank;
            return row;
        })).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object> { [$"{month.Year}年{month.Month}月通报"] = rows });
        return stream.ToArray();
    }

    public const int Width = 800;
    public const int Height = 360;

    /// <summary>The unit's channel score month by month (rank in the labels); an empty chart says so.</summary>
    public static Plot TrendChart(string unitName, IReadOnlyList<GetMonthly.TrendPoint> points)
    {
        var plot = new Plot();
        var scored = points.Where(p => p.ChannelScore is not null).ToList();
        if (scored.Count > 0)
        {
            var scatter = plot.Add.Scatter(scored.Select(p => (double)p.Month).ToArray(), scored.Select(p => p.ChannelScore!.Value).ToArray());
            scatter.Color = Color.FromHex("#1f6f8b");
            scatter.LineWidth = 2;
            scatter.MarkerSize = 8;
            foreach (var p in scored)
            {
                var label = plot.Add.Text(p.ChannelRank is { } r ? $"{p.ChannelScore!.Value:0.0}（第{r}/{p.Ranked}）" : $"{p.ChannelScore!.Value:0.0}", p.Month, p.ChannelScore!.Value);
                label.LabelFontSize = 12;
                label.LabelAlignment = Alignment.LowerCenter;
            }
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(1, 12).Select(m => (double)m).ToArray(), Enumerable.Range(1, 12).Select(m => $"{m}月").ToArray());
        plot.Axes.SetLimitsX(0.5, 12.5);
        plot.Axes.SetLimitsY(0, 110);
        plot.Title($"{unitName}：直通车得分逐月走势");
        plot.XLabel(scored.Count == 0 ? "尚无直通车得分" : "月份（括号内为类别内阶段排名）");
        plot.YLabel("直通车得分");
        if (Supervision.OverdueChart.ChineseFont.Value is { } family)
        {
            plot.Font.Set(family);
        }
        return plot;
    }

    public static string Svg(string unitName, IReadOnlyList<GetMonthly.TrendPoint> points) => TrendChart(unitName, points).GetSvgXml(Width, Height);

    public static byte[] Png(string unitName, IReadOnlyList<GetMonthly.TrendPoint> points) => TrendChart(unitName, points).GetImageBytes(Width, Height, ImageFormat.Png);

    /// <summary>The China date and time a snapshot was taken, as the page shows it.</summary>
    public static string Taken(DateTime utc) => ChinaTime.Format(utc);
}
