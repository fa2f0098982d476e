using System.Net;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Statistics;

/// <summary>
/// GET /api/v1/statistics, the /staff/statistics page with its xlsx, and the yearly totals on /results, as one walk
/// (one app per provider, shared with nothing else: the walk moves the clock). Every case is for 交通运输厅 (jtt) or
/// 财政厅 (czt), which have no demo case, lodged on the app's first day (2026-11-25, China time).
/// </summary>
public abstract partial class StatisticsTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private const string Day = "from=2026-11-25&to=2026-11-25";

    private async Task<JsonArray> RowsAsync(string email, string query) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, "/api/v1/statistics?" + query), HttpStatusCode.OK))!["rows"]!.AsArray();

    private static JsonNode Row(JsonArray rows, string key) => rows.Single(r => r!["key"]!.GetValue<string>() == key)!;

    private static double? Rate(JsonNode row, string name) => row[name]?.GetValue<double>();

    private async Task<string> AnsweredAsync(string title, string unit, string category, string satisfaction, string resolved)
    {
        var (number, code) = await _api.LodgeAsync(Complaint(title, unit, category));
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = unit });
        await _api.DoAsync(Handler(unit), number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" });
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
        await ExpectAsync(await _api.FeedbackAsync(number, code, satisfaction, resolved: resolved), HttpStatusCode.OK);
        return number;
    }

    [Fact]
    public async Task The_figures_group_the_cases_lodged_in_the_period_and_count_by_the_domain_rules()
    {
        var token = Token("统计");
        var content = await AnsweredAsync($"{token} 满意", "jtt", "formalism", "satisfied", "resolved");
        var discontent = await AnsweredAsync($"{token} 不满意", "jtt", "bureaucratism", "dissatisfied", "unresolved");
        var late = await _api.AssignedAsync($"{token} 超期", "czt", "formalism");
        var closedJtt = 0;
        foreach (var n in new[] { content, discontent })
        {
            closedJtt += (await _api.StaffViewAsync(Supervisor, n))["status"]!.GetValue<string>() == "closed" ? 1 : 0;
        }
        Assert.True(closedJtt >= 1);

        // Two months on: czt's case is overdue (its deadline still running), which the on-time rate counts as missed.
        fixture.App.Time.SetUtcNow(new DateTimeOffset(2027, 1, 26, 2, 0, 0, TimeSpan.Zero));
        var byUnit = await RowsAsync(Supervisor, Day + "&groupBy=unit");
        var jtt = Row(byUnit, "jtt");
        Assert.Equal((2, closedJtt), (jtt["lodged"]!.GetValue<int>(), jtt["closed"]!.GetValue<int>()));
        Assert.Equal(((double?)1.0, (double?)0.5, (double?)0.5), (Rate(jtt, "onTimeRate"), Rate(jtt, "resolvedRate"), Rate(jtt, "satisfiedRate")));
        var czt = Row(byUnit, "czt");
        Assert.Equal((1, 0), (czt["lodged"]!.GetValue<int>(), czt["closed"]!.GetValue<int>()));
        Assert.Equal(0.0, Rate(czt, "onTimeRate"));
        Assert.Null(Rate(czt, "satisfiedRate"));
        Assert.Equal(["key", "lodged", "closed", "onTimeRate", "resolvedRate", "satisfiedRate"], jtt.AsObject().Select(p => p.Key));
        Assert.Contains(byUnit, r => r!["key"]!.GetValue<string>() == "hg" && r["lodged"]!.GetValue<int>() == 0);   // every active unit, zeros too

        // Every grouping counts the same cases.
        var total = byUnit.Sum(r => r!["lodged"]!.GetValue<int>());
        foreach (var groupBy in new[] { "category", "channel", "month" })
        {
            Assert.Equal(total, (await RowsAsync(Supervisor, $"{Day}&groupBy={groupBy}")).Sum(r => r!["lodged"]!.GetValue<int>()));
        }
        var months = await RowsAsync(Supervisor, "from=2026-10-15&to=2027-01-26&groupBy=month");
        Assert.Equal(["2026-10", "2026-11", "2026-12", "2027-01"], months.Select(m => m!["key"]!.GetValue<string>()));
        Assert.True(Row(months, "2026-11")["lodged"]!.GetValue<int>() >= 3);

        // A unit's handler sees its own unit only, whatever the grouping.
        var own = await RowsAsync(Handler("jtt"), Day + "&groupBy=unit");
        Assert.Equal("jtt", Assert.Single(own)!["key"]!.GetValue<string>());
        var ownCategories = await RowsAsync(Handler("jtt"), Day + "&groupBy=category");
        Assert.Equal((1, 1), (Row(ownCategories, "formalism")["lodged"]!.GetValue<int>(), Row(ownCategories, "bureaucratism")["lodged"]!.GetValue<int>()));
        await ExpectProblemAsync(await _api.GetAsync(Evaluator, "/api/v1/statistics"), HttpStatusCode.Forbidden);
        await ExpectAsync(await _api.Anonymous.GetAsync("/api/v1/statistics"), HttpStatusCode.Unauthorized);

        // Refusals, each on its field.
        Assert.NotEmpty(Errors(await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/statistics?from=2026-13-01"), HttpStatusCode.BadRequest), "from"));
        Assert.NotEmpty(Errors(await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/statistics?from=2026-11-25&to=2026-11-01"), HttpStatusCode.BadRequest), "to"));
        Assert.NotEmpty(Errors(await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/statistics?groupBy=street"), HttpStatusCode.BadRequest), "groupBy"));
        Assert.NotEmpty(Errors(await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/statistics?from=2025-01-01&to=2026-12-31"), HttpStatusCode.BadRequest), "to"));

        // The page shows the same figures, the charts, and the same table as xlsx.
        var page = await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/statistics?" + Day + "&groupBy=unit"), HttpStatusCode.OK);
        Assert.Contains("<tr data-key=\"jtt\"><th scope=\"row\">省交通运输厅</th><td class=\"lodged\">2</td>", page);
        Assert.Contains("<td class=\"on-time\">100%</td><td class=\"resolved\">50%</td><td class=\"satisfied\">50%</td>", page);
        Assert.Contains("id=\"chart-counts\" src=\"data:image/svg", page);
        Assert.Contains("id=\"chart-rates\" src=\"data:image/svg", page);
        var xlsx = await _api.GetAsync(Supervisor, "/staff/statistics?" + Day + "&groupBy=unit&handler=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using (var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()))
        {
            var sheet = stream.Query(useHeaderRow: true, sheetName: "统计").Cast<IDictionary<string, object>>().ToList();
            var line = sheet.Single(r => (string)r["代码"] == "jtt");
            Assert.Equal(2.0, Convert.ToDouble(line["受理件数"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(0.5, Convert.ToDouble(line["满意率"], System.Globalization.CultureInfo.InvariantCulture));
        }
        var bad = await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/statistics?groupBy=street"), HttpStatusCode.OK);
        Assert.Contains("分组方式应为", bad);
        var denied = await _api.GetAsync(Evaluator, "/staff/statistics");
        Assert.True(denied.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"an evaluator opened the statistics page: {(int)denied.StatusCode}");

        // 每月一题: November's complaints by category and unit; the question is the most frequent category.
        var topics = await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/statistics/topics?month=2026-11"), HttpStatusCode.OK);
        Assert.Contains("<tr data-category=\"bureaucratism\"><th scope=\"row\">官僚主义</th>", topics);
        Assert.Matches("<tr data-category=\"formalism\"><th scope=\"row\">形式主义</th><td class=\"count\">[2-9]</td><td>[^<]*省财政厅 1、省交通运输厅 1", topics);
        Assert.Contains("本月反映最多的问题：<strong>形式主义</strong>", topics);
        Assert.Contains("月份格式应为", await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/statistics/topics?month=2026-13"), HttpStatusCode.OK));

        // The public results page: the year's totals, numbers only.
        var results = await ExpectAsync(await _api.Anonymous.GetAsync("/results"), HttpStatusCode.OK);
        Assert.Contains("2027 年受理办理情况", results);
        Assert.Contains("id=\"totals-lodged\">0 件", results);
        Assert.DoesNotContain(token, results);
    }
}

public sealed class SqliteStatisticsTests(SqliteApp fixture) : StatisticsTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresStatisticsTests(PostgresApp fixture) : StatisticsTests(fixture), IClassFixture<PostgresApp>;
