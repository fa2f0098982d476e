using System.Globalization;

namespace PingYi.Domain.Evaluation;

/// <summary>
/// One figure of a scheme as the scheme page shows it and a version change lists it: its section, a stable key
/// (the same figure in two versions has the same key), a label, its value as text, and whether the seed notice
/// sets it (period, milestones, the six sources) or it is a proposal for the committee (every weight, score and
/// point: the notice gives none).
/// </summary>
public sealed record SchemeFigure(string Section, string Key, string Label, string Value, bool Proposal);

/// <summary>A figure that differs between two versions (added: no <see cref="Before"/>; removed: no <see cref="After"/>).</summary>
public sealed record SchemeFigureChange(string Key, string Label, string? Before, string? After);

public static class SchemeFigures
{
    public const string Period = "评议期间与报送节点";
    public const string Sources = "评议来源及权重";
    public const string Scales = "评分标准";
    public const string Channel = "直通车得分参数";
    public const string Inspection = "明察暗访";
    public const string Deductions = "扣分规则";
    public const string Lists = "党建联系片名单";
    public const string Survey = "公开评议";

    public static readonly IReadOnlyList<string> SectionOrder = [Period, Sources, Scales, Channel, Inspection, Deductions, Lists, Survey];

    private static string N(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    public static IReadOnlyList<SchemeFigure> Of(EvaluationRoundDefinition d)
    {
        var f = new List<SchemeFigure>
        {
            new(Period, "title", "名称", d.Title, false),
            new(Period, "period", "评议时间", $"{d.PeriodStart:yyyy-MM-dd} 至 {d.PeriodEnd:yyyy-MM-dd}", false),
        };
        f.AddRange(d.Milestones.Select(m => new SchemeFigure(Period, $"milestone:{m.Code}", $"{m.Label}报送期限", m.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), false)));
        f.AddRange(d.Sources.Select(s => new SchemeFigure(Sources, $"source:{s.Code}", s.Label, $"权重 {N(s.Weight)}", true)));
        foreach (var scale in d.Scales.Values.OrderBy(s => s.Code, StringComparer.Ordinal))
        {
            f.AddRange(scale.Options.Select(o => new SchemeFigure(Scales, $"scale:{scale.Code}:{o.Code}", $"{scale.Label}：{o.Label}", $"{N(o.Score)} 分", true)));
        }
        var c = d.Channel;
        f.Add(new(Channel, "channel:fullMarks", "满分", N(c.FullMarks), true));
        f.AddRange(c.Weights.OrderBy(w => ChannelRates.All.ToList().IndexOf(w.Key))
            .Select(w => new SchemeFigure(Channel, $"channel:weight:{w.Key}", $"{ChannelRates.Labels.GetValueOrDefault(w.Key, w.Key)}权重", N(w.Value), true)));
        f.Add(new(Channel, "channel:countIn", "案件计入年度", c.CountIn == ChannelRates.AssignedYear ? "按交办年度" : "按办理期限所在年度", true));
        f.Add(new(Channel, "channel:overdueCap", "单件超期计算上限（工作日）", c.OverdueCapWorkingDays.ToString(CultureInfo.InvariantCulture), true));
        f.Add(new(Channel, "channel:partlyResolved", "部分解决计入解决率的比例", N(c.PartlyResolvedCredit), true));
        f.Add(new(Channel, "channel:minCases", "案件数少于此数时向同类平均值靠拢", c.MinCases.ToString(CultureInfo.InvariantCulture), true));
        f.Add(new(Channel, "channel:noCases", "无案件单位", c.NoCasesPolicy == ChannelRates.Exclude ? "不计直通车，其余来源按权重重新分配" : "计同类单位平均分", true));
        f.Add(new(Channel, "channel:unrated", "未评价的答复", $"{(c.UnratedPolicy == ChannelRates.Lowest ? "按最低评价计" : "按同类平均计")}（审核后 {c.UnratedAfterDays} 天未评价）", true));
        f.AddRange(d.Severities.Values.Select(s => new SchemeFigure(Inspection, $"severity:{s.Code}", $"{s.Label}每项扣", $"{N(s.Points)} 分", true)));
        f.Add(new(Deductions, "deductions:max", "累计扣分上限", $"{N(d.Deductions.MaxTotalPoints)} 分", true));
        f.AddRange(d.Deductions.Rules.Select(r => new SchemeFigure(Deductions, $"deduction:{r.Code}", r.Label, $"最多 {N(r.MaxPoints)} 分", true)));
        if (d.Deductions.FindingPunishedBy is { } punishedBy)
        {
            f.Add(new(Deductions, "deductions:findingPunishedBy", "同一问题不重复处罚",
                punishedBy == FindingPunishment.Inspection ? "明察暗访已按问题严重程度扣分的，针对该次明察暗访的扣分不计" : "针对明察暗访扣分的，该次明察暗访不再按问题严重程度扣分", true));
        }
        f.AddRange(d.Liaison.Select(g => new SchemeFigure(Lists, $"liaison:{g.Name}", g.Name,
            $"评议账号：{string.Join("、", g.Accounts)}；联系单位：{string.Join("、", g.Units)}", false)));
        if (d.TrackingList is { } t)
        {
            f.Add(new(Period, "trackingList:planDue", "重点跟踪对象整改方案报送期限", t.PlanDue.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), true));
            f.Add(new(Period, "trackingList:rectifiedDue", "重点跟踪对象整改完成期限", t.RectifiedDue.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), true));
            f.Add(new(Inspection, "trackingList:extraInspections", "重点跟踪对象至少明察暗访次数", t.ExtraInspections.ToString(CultureInfo.InvariantCulture), true));
        }
        f.Add(new(Survey, "survey:uncodedWeight", "无评价码答卷的权重", N(d.PublicSurvey.UncodedWeight), true));
        f.Add(new(Survey, "survey:codeValidDays", "评价码有效天数", d.PublicSurvey.CodeValidDays.ToString(CultureInfo.InvariantCulture), true));
        f.Add(new(Survey, "ratingForms:max", "每个账号对同一单位的评议表上限", d.RatingsPerAccountAndUnit.ToString(CultureInfo.InvariantCulture), true));
        return f;
    }

    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/>, figure by figure (the audit log's "what").</summary>
    public static IReadOnlyList<SchemeFigureChange> Changes(EvaluationRoundDefinition? before, EvaluationRoundDefinition after)
    {
        var old = before is null ? new Dictionary<string, SchemeFigure>() : Of(before).ToDictionary(x => x.Key);
        var now = Of(after).ToDictionary(x => x.Key);
        var changes = now.Values.Where(n => !old.TryGetValue(n.Key, out var o) || o.Value != n.Value)
            .Select(n => new SchemeFigureChange(n.Key, n.Label, old.GetValueOrDefault(n.Key)?.Value, n.Value)).ToList();
        changes.AddRange(old.Values.Where(o => !now.ContainsKey(o.Key)).Select(o => new SchemeFigureChange(o.Key, o.Label, o.Value, null)));
        return changes;
    }

    /// <summary>
    /// For each figure of the last of <paramref name="versions"/> (oldest first): the earliest version from which it has
    /// kept its value without a break — the version that set it.
    /// </summary>
    public static IReadOnlyDictionary<string, int> SetIn(IReadOnlyList<(int Version, EvaluationRoundDefinition Definition)> versions)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (versions.Count == 0)
        {
            return result;
        }
        var figures = versions.Select(v => Of(v.Definition).ToDictionary(x => x.Key, x => x.Value)).ToList();
        foreach (var (key, value) in figures[^1])
        {
            var i = figures.Count - 1;
            while (i > 0 && figures[i - 1].TryGetValue(key, out var earlier) && earlier == value)
            {
                i--;
            }
            result[key] = versions[i].Version;
        }
        return result;
    }

    /// <summary>
    /// The round file of <paramref name="year"/> made from <paramref name="json"/>, another year's: <c>year</c> replaced and
    /// every date (yyyy-MM-dd) moved by the difference in years (29 February becomes the 28th). The result is validated by
    /// the loader like any upload.
    /// </summary>
    public static string CopyForYear(string json, int year)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        var from = root["year"]!.GetValue<int>();
        root["year"] = year;
        if (root["title"]?.GetValue<string>() is { } title)
        {
            root["title"] = title.Replace(from.ToString(CultureInfo.InvariantCulture), year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        Shift(root, year - from);
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        });
    }

    private static void Shift(System.Text.Json.Nodes.JsonNode? node, int years)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (o[key] is System.Text.Json.Nodes.JsonValue v && ShiftDate(v, years) is { } shifted)
                    {
                        o[key] = shifted;
                    }
                    else
                    {
                        Shift(o[key], years);
                    }
                }
                break;
            case System.Text.Json.Nodes.JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is System.Text.Json.Nodes.JsonValue v && ShiftDate(v, years) is { } shifted)
                    {
                        a[i] = shifted;
                    }
                    else
                    {
                        Shift(a[i], years);
                    }
                }
                break;
        }
    }

    private static string? ShiftDate(System.Text.Json.Nodes.JsonValue value, int years) =>
        value.TryGetValue<string>(out var s) && s.Length == 10
        && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.AddYears(years).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;
}
