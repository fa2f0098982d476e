using MiniExcelLibs;

namespace PingYi.Web.Features.Statistics;

/// <summary>The statistics as an xlsx: the table the page shows (same rows, same figures), then the period and the definitions.</summary>
public static class StatisticsSpreadsheet
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static byte[] Build(GetStatistics.Report report)
    {
        var rows = report.Rows.Select(r => new Dictionary<string, object?>
        {
            [GetStatistics.GroupLabels[report.GroupBy].Replace("按", "", StringComparison.Ordinal)] = r.Label,
            ["代码"] = r.Key,
            ["受理件数"] = r.Lodged,
            ["办结件数"] = r.Closed,
            ["按期办结率"] = r.OnTimeRate,
            ["解决率"] = r.ResolvedRate,
            ["满意率"] = r.SatisfiedRate,
        }).ToList();
        var about = new List<Dictionary<string, object?>>
        {
            new() { ["项目"] = "统计期间", ["说明"] = $"{report.From:yyyy-MM-dd} 至 {report.To:yyyy-MM-dd}（按受理日期，北京时间）" },
            new() { ["项目"] = "范围", ["说明"] = report.OnlyUnit is { } unit ? $"仅本单位（{unit}）" : "全部单位" },
            new() { ["项目"] = "按期办结率", ["说明"] = "按期报告办理情况的次数 ÷（按期报告次数 + 超期次数，含仍在办理但已超期的）" },
            new() { ["项目"] = "解决率", ["说明"] = "“已解决”÷ 对“问题是否解决”作答的次数（反映人评价，未评价的以回访结果为准）" },
            new() { ["项目"] = "满意率", ["说明"] = "“满意”与“基本满意”÷ 评价次数（反映人评价，未评价的以回访结果为准）" },
        };
        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object> { ["统计"] = rows, ["说明"] = about });
        return stream.ToArray();
    }
}
