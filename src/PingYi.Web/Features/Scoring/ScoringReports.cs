using System.Globalization;
using MiniExcelLibs;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Infrastructure;
using ScottPlot;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// Reports of a round: a bar chart of scores per category and a chart of overdue cases over the round (ScottPlot,
/// as the 督办台 draws its chart: SVG in the page, PNG to download), and xlsx exports of the whole result and of
/// one unit's breakdown (MiniExcel). Access is the rankings' and the breakdown's own.
/// </summary>
public sealed class ScoringReports(IChannelScores channel)
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const int Width = 800;

    public static readonly string[] ResultColumns =
        ["类别", "排名", "单位代码", "单位名称", "综合得分", .. EvaluationCodes.Sources.Select(s => EvaluationCodes.SourceLabels[s]), "扣分", "超期工作日", "重点跟踪对象", "通报", "问责"];

    // ---- charts ----

    public static int HeightFor(int units) => Math.Max(200, 80 + 32 * units);

    /// <summary>Scores of one category's units, best at the top; the bottom two in red.</summary>
    public static Plot CategoryChart(CategoryResult category)
    {
        var units = category.Units.OrderByDescending(u => u.Rank).ThenByDescending(u => u.UnitCode, StringComparer.Ordinal).ToList();
        var plot = new Plot();
        var bars = units.Select((u, i) => new Bar
        {
            Position = i,
            Value = u.Score,
            FillColor = u.BottomTwo ? Color.FromHex("#b3261e") : Color.FromHex("#1f6f8b"),
            Label = u.Score.ToString("0.00", CultureInfo.InvariantCulture),
        }).ToList();
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        series.ValueLabelStyle.FontSize = 13;
        plot.Axes.Left.SetTicks(units.Select((_, i) => (double)i).ToArray(), units.Select(u => $"{u.Rank}. {u.Name}").ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsX(0, 110);
        plot.Title(UnitCategories.Codes.LabelOf(category.Category));
        plot.XLabel(units.Count == 0 ? "本类别无参评单位" : "综合得分（红色：本类别后两位）");
        UseChineseFont(plot);
        return plot;
    }

    public static string Svg(CategoryResult category) => CategoryChart(category).GetSvgXml(Width, HeightFor(category.Units.Count));

    public static byte[] Png(CategoryResult category) => CategoryChart(category).GetImageBytes(Width, HeightFor(category.Units.Count), ImageFormat.Png);

    /// <summary>
    /// Weekly points from the period's start to the cut-off: handling rounds overdue at that moment. A round stops being
    /// overdue when its clock stops: the unit's late answer, or the transfer or return that took the case from it.
    /// </summary>
    public sealed record OverduePoint(DateOnly Day, int Overdue);

    public async Task<IReadOnlyList<OverduePoint>> OverdueSeriesAsync(EvaluationRoundDefinition round, DateTime cutoffUtc, CancellationToken ct)
    {
        // One query for all units (the rows that were ever overdue), then the weekly points in memory.
        var spans = await channel.OverdueSpansAsync(round, cutoffUtc, ct);
        var points = new List<OverduePoint>();
        var last = ChinaTime.DateOf(cutoffUtc);
        for (var day = round.PeriodStart; day <= last; day = day.AddDays(7))
        {
            points.Add(Point(day));
        }
        if (points.Count == 0 || points[^1].Day != last)
        {
            points.Add(Point(last));
        }
        return points;

        OverduePoint Point(DateOnly day)
        {
            var at = day == last ? cutoffUtc : ChinaTime.StartOfDayUtc(day.AddDays(1));
            return new OverduePoint(day, spans.Count(s => s.AssignedAtUtc <= at && Deadlines.Late(at, s.DueAtUtc)
                && (s.StoppedAtUtc is not { } stop || Deadlines.Late(stop, s.DueAtUtc) && stop > at)));
        }
    }

    public static Plot OverdueChart(IReadOnlyList<OverduePoint> points)
    {
        var plot = new Plot();
        var xs = points.Select((_, i) => (double)i).ToArray();
        var scatter = plot.Add.Scatter(xs, points.Select(p => (double)p.Overdue).ToArray());
        scatter.Color = Color.FromHex("#b3261e");
        scatter.LineWidth = 2;
        var step = Math.Max(1, points.Count / 8);
        var ticks = points.Select((p, i) => (i, p)).Where(t => t.i % step == 0 || t.i == points.Count - 1).ToList();
        plot.Axes.Bottom.SetTicks(ticks.Select(t => (double)t.i).ToArray(), ticks.Select(t => t.p.Day.ToString("M-d", CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsY(0, Math.Max(4, points.Select(p => p.Overdue).DefaultIfEmpty(0).Max() * 1.2));
        plot.Title("评议期内超期反映件数");
        plot.XLabel("日期（每周）");
        plot.YLabel("超期件数");
        UseChineseFont(plot);
        return plot;
    }

    private static void UseChineseFont(Plot plot)
    {
        if (Supervision.OverdueChart.ChineseFont.Value is { } family)
        {
            plot.Font.Set(family);
        }
    }

    public static string DataUri(string svg) => "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));

    // ---- xlsx ----

    /// <summary>The whole result: one sheet with every unit, by category and rank.</summary>
    public static byte[] ResultXlsx(RoundResults results)
    {
        var rows = results.Categories.SelectMany(c => c.Units.Select(u =>
        {
            var row = new Dictionary<string, object?>
            {
                ["类别"] = UnitCategories.Codes.LabelOf(c.Category),
                ["排名"] = u.Scored ? u.Rank : null,
                ["单位代码"] = u.UnitCode,
                ["单位名称"] = u.Name,
                ["综合得分"] = u.Scored ? u.Score : null,
            };
            foreach (var s in EvaluationCodes.Sources)
            {
                row[EvaluationCodes.SourceLabels[s]] = u.Sources.GetValueOrDefault(s);
            }
            row["扣分"] = u.Deductions;
            row["超期工作日"] = u.OverdueWorkingDays;
            row["重点跟踪对象"] = u.TrackingList ? "是" : "否";
            row["通报"] = u.PublicNotice ? "是" : "否";
            row["问责"] = u.Accountability ? "是" : "否";
            return row;
        })).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object> { [$"{results.Year}年度评议结果"] = rows });
        return stream.ToArray();
    }

    /// <summary>What the 得分 sheet says of a unit with no score from any source (its composite and rank are left empty).</summary>
    public const string NoScore = "无任何来源的评议数据，没有综合得分，不参与排名";

    /// <summary>One unit's breakdown: the sources, the ratings, the inspections, the deductions and the handling rounds counted.</summary>
    public static byte[] BreakdownXlsx(GetBreakdown.Breakdown b)
    {
        var summary = b.Sources.Select(s => new Dictionary<string, object?>
        {
            ["来源"] = s.Label,
            ["权重"] = s.Weight,
            ["有效权重"] = s.EffectiveWeight,
            ["得分"] = s.Score,
            ["折合分"] = s.Points,
            ["说明"] = s.Applies ? (s.Score is null ? "无评议数据，按其余来源重新加权" : string.Empty) : "不适用（未进驻省政务大厅）",
        }).ToList();
        summary.Add(new() { ["来源"] = "加权得分", ["权重"] = null, ["有效权重"] = null, ["得分"] = null, ["折合分"] = b.Result.Weighted, ["说明"] = b.Result.Ranked ? "各来源折合分之和" : NoScore });
        summary.Add(new() { ["来源"] = "扣分", ["权重"] = null, ["有效权重"] = null, ["得分"] = null, ["折合分"] = -b.Result.Deductions, ["说明"] = $"已记录 {b.Result.RecordedDeductions} 分，上限 {b.MaxDeductions} 分" });
        summary.Add(new() { ["来源"] = "综合得分", ["权重"] = null, ["有效权重"] = null, ["得分"] = null, ["折合分"] = b.Result.Score,
            ["说明"] = !b.Result.Ranked ? NoScore : b.RankShown ? $"{b.CategoryLabel}第 {b.Result.Rank} 名（共 {b.CategorySize} 个单位）" : "排名在评议结果公布后显示" });
        var rates = b.Channel.Rates.Values.Select(r => new Dictionary<string, object?>
        {
            ["比率"] = r.Label, ["分子"] = r.Numerator, ["分母"] = r.Denominator, ["比率值"] = r.Value, ["权重"] = r.Weight, ["有效权重"] = r.EffectiveWeight, ["得分"] = r.Points,
        }).ToList();
        rates.Add(new() { ["比率"] = "直通车得分", ["分子"] = null, ["分母"] = null, ["比率值"] = null, ["权重"] = null, ["有效权重"] = null, ["得分"] = b.Channel.Score });
        var ratings = b.Ratings.Select(r => new Dictionary<string, object?>
        {
            ["来源"] = r.Label, ["满意"] = r.Counts["satisfied"], ["基本满意"] = r.Counts["basically-satisfied"], ["不满意"] = r.Counts["dissatisfied"],
            ["合计"] = r.Total, ["得分"] = r.Score,
        }).ToList();
        var inspections = b.Inspections.Select(i => new Dictionary<string, object?>
        {
            ["日期"] = i.Date, ["方式"] = i.Covert ? "暗访" : "明察", ["评价"] = RatingLabel(i.Rating), ["评价得分"] = i.RatingScore,
            ["问题扣分"] = i.SeverityPoints, ["发现问题"] = string.Join("；", i.Findings), ["得分"] = i.Score,
            ["说明"] = i.SeverityWaivedBy is { } by ? $"问题扣分不计：同一问题由扣分记录 {by} 处罚" : "",
        }).ToList();
        var deductions = b.Deductions.Select(d => new Dictionary<string, object?>
        {
            ["扣分"] = d.Points, ["事项"] = d.RuleLabel ?? "", ["理由"] = d.Reason, ["处罚事项"] = d.Cites?.Label ?? "未注明",
            ["是否计入"] = d.Counted ? "计入" : "不计入", ["说明"] = d.Note ?? "", ["记录时间"] = ChinaTime.Format(d.RecordedAt),
        }).ToList();
        var cases = b.Channel.Cases.Select(c => new Dictionary<string, object?>
        {
            ["受理编号"] = c.TrackingNumber, ["交办时间"] = ChinaTime.Format(c.AssignedAtUtc), ["办理期限"] = c.DueAtUtc is { } due ? ChinaTime.Format(due) : "",
            ["答复时间"] = c.RespondedAtUtc is { } r ? ChinaTime.Format(r) : "", ["期限情况"] = ChannelCaseText.Deadline(c), ["超期工作日"] = c.WorkingDaysLate,
            ["退回重办"] = c.SendBacks, ["办理质量"] = c.QualityRating, ["满意度"] = ChannelCaseText.SatisfactionLabel(c), ["重新交办"] = c.Reopened ? "是" : "否",
            ["退回申请被驳回"] = c.ReturnRejected ? "是" : "否",
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object>
        {
            ["得分"] = summary, ["评议"] = ratings, ["明察暗访"] = inspections, ["扣分"] = deductions, ["直通车比率"] = rates, ["直通车"] = cases,
        });
        return stream.ToArray();
    }

    public static string RatingLabel(string code) => code switch
    {
        "satisfied" => "满意",
        "basically-satisfied" => "基本满意",
        "dissatisfied" => "不满意",
        _ => code,
    };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/rankings.xlsx", async (int year, HttpContext http, GetRankings.Handler handler, CancellationToken ct) =>
            {
                var loaded = await handler.LoadAsync(year, http.User, ct);
                return loaded.Succeeded
                    ? Results.File(ResultXlsx(loaded.Value!.Results), XlsxType, $"评议结果-{year}.xlsx")
                    : loaded.Failure!.ToProblem();
            })
            .AllowAnonymous()
            .WithName("ExportEvaluationRankings")
            .Produces(StatusCodes.Status200OK, contentType: XlsxType)
            .WithSummary("导出评议结果（xlsx）")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapGet("/evaluations/{year:int}/units/{unitCode}/breakdown.xlsx", async (int year, string unitCode, HttpContext http, GetBreakdown.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(year, unitCode, http.User, ct);
                return result.Succeeded
                    ? Results.File(BreakdownXlsx(result.Value!), XlsxType, $"得分说明-{year}-{result.Value!.UnitCode}.xlsx")
                    : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("ExportEvaluationBreakdown")
            .Produces(StatusCodes.Status200OK, contentType: XlsxType)
            .WithSummary("导出某单位得分说明（xlsx）")
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
