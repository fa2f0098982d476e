using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using MiniExcelLibs;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Scoring;

/// <summary>
/// Issue 22 item 5 and the unscored unit, through HTTP on both databases (the 2026 round, opened here; the clock
/// starts in November 2026, so the cases assigned here count in it): a deduction cites what it punishes — a complaint,
/// an inspection or a ledger item of the unit in the round — and is refused with a Chinese message otherwise; the
/// citation is shown in the inputs, the breakdown and the 得分说明; one finding is punished once, by whichever the
/// round's scheme names (the shipped file: the deduction; an approved version 2: the inspection), the same records
/// counting once either way. A unit with no score from any source has no composite: null in the breakdown, a sentence
/// on the page, an empty cell in the export.
/// </summary>
public abstract partial class DeductionScoringTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgery();

    private async Task<HttpResponseMessage> PostAsync(string email, string path, JsonNode body) =>
        await (await _api.AsAsync(email)).PostAsync(path, TestData.Json(body));

    private async Task OpenAsync()
    {
        var opened = await PostAsync(Supervisor, "/api/v1/evaluations/2026/open", new JsonObject());
        Assert.True(opened.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, await opened.Content.ReadAsStringAsync());
    }

    private async Task<long> InspectionAsync(string unit, string severity = "major")
    {
        var body = new JsonObject
        {
            ["unitCode"] = unit, ["date"] = "2026-11-20", ["covert"] = false, ["rating"] = "satisfied",
            ["findings"] = new JsonArray(new JsonObject { ["description"] = "窗口工作人员擅离岗位", ["severity"] = severity }),
        };
        return JsonNode.Parse(await ExpectAsync(await PostAsync(Inspector, "/api/v1/evaluations/2026/inspections", body), HttpStatusCode.Created))!["id"]!.GetValue<long>();
    }

    private async Task<JsonObject> DeductAsync(string unit, double points, string cites, string citesRef, string rule = "inspection-finding") =>
        JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/deductions", new JsonObject
        {
            ["unitCode"] = unit, ["points"] = points, ["reason"] = "明察暗访发现窗口工作人员擅离岗位", ["rule"] = rule, ["cites"] = cites, ["citesRef"] = citesRef,
        }), HttpStatusCode.Created))!.AsObject();

    private async Task<JsonObject> BreakdownAsync(string unit) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, $"/api/v1/evaluations/2026/units/{unit}/breakdown"), HttpStatusCode.OK))!.AsObject();

    private static double? SourceScore(JsonObject breakdown, string source) =>
        breakdown["sources"]!.AsArray().Single(s => s!["source"]!.GetValue<string>() == source)!["score"]?.GetValue<double>();

    private async Task<HttpClient> SignInAsync(string email)
    {
        var browser = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await ExpectAsync(await browser.GetAsync("/account/login"), HttpStatusCode.OK);
        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiForgery().Match(form).Groups[1].Value, ["Email"] = email, ["Password"] = Password, ["ReturnUrl"] = "/staff",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    [Fact]
    public async Task A_deduction_must_cite_a_complaint_inspection_or_ledger_item_of_the_unit_and_round_and_shows_what_it_cites()
    {
        await OpenAsync();
        var number = await _api.AssignedAsync(Token("扣分引用"), "gat");
        var othersCase = await _api.AssignedAsync(Token("他单位反映"), "jyt");
        var othersInspection = await InspectionAsync("jyt", "minor");
        var lastRoundsItem = await _api.LedgerItemAsync(2020, "gat");
        var refused = new (string? Cites, string? Ref, string Field)[]
        {
            (null, null, "cites"),
            ("photo", "1", "cites"),
            ("complaint", null, "citesRef"),
            ("complaint", othersCase, "citesRef"),            // another unit's case
            ("complaint", "ZTC-2026-999999", "citesRef"),     // no such case
            ("inspection", othersInspection.ToString(), "citesRef"),
            ("inspection", "第三次", "citesRef"),
            ("ledger-item", lastRoundsItem, "citesRef"),      // the unit's, but another round's
        };
        foreach (var (cites, reference, field) in refused)
        {
            var body = new JsonObject { ["unitCode"] = "gat", ["points"] = 1, ["reason"] = "答复敷衍", ["rule"] = "careless-handling", ["cites"] = cites, ["citesRef"] = reference };
            var problem = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/deductions", body), HttpStatusCode.BadRequest);
            Assert.True(HasChinese(Errors(problem, field)[0]), $"{cites} {reference}: {field}");
        }

        // The tracking number is read whatever its case; the answer names what was cited.
        var saved = await DeductAsync("gat", 1, "complaint", number.ToLowerInvariant(), "careless-handling");
        Assert.Equal(("complaint", number), (saved["cites"]!.GetValue<string>(), saved["citesRef"]!.GetValue<string>()));

        var inputs = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/inputs?unit=gat"), HttpStatusCode.OK))!;
        var listed = Assert.Single(inputs["deductions"]!.AsArray())!;
        Assert.Equal(("complaint", number), (listed["cites"]!["kind"]!.GetValue<string>(), listed["cites"]!["ref"]!.GetValue<string>()));

        var breakdown = await BreakdownAsync("gat");
        var line = Assert.Single(breakdown["deductions"]!.AsArray())!;
        Assert.Equal($"直通车反映 {number}", line["cites"]!["label"]!.GetValue<string>());
        Assert.True(line["counted"]!.GetValue<bool>());
        Assert.Null(line["note"]);
        Assert.Equal(1, breakdown["result"]!["deductions"]!.GetValue<double>());

        var page = await ExpectAsync(await (await SignInAsync(Supervisor)).GetAsync("/staff/scoring/2026/units/gat"), HttpStatusCode.OK);
        Assert.Contains($"处罚事项：直通车反映 {number}", page);
        var deductionsPage = await ExpectAsync(await (await SignInAsync(Supervisor)).GetAsync("/staff/evaluation/deductions?year=2026&unit=gat"), HttpStatusCode.OK);
        Assert.Contains($"直通车反映 {number}</a>", deductionsPage);
    }

    [Fact]
    public async Task A_record_is_punished_by_one_deduction_only()
    {
        await OpenAsync();
        var number = await _api.AssignedAsync(Token("重复扣分"), "czt");
        var other = await _api.AssignedAsync(Token("另一件反映"), "czt");
        var first = (await DeductAsync("czt", 1, "complaint", number, "careless-handling"))["id"]!.GetValue<long>();

        var body = new JsonObject { ["unitCode"] = "czt", ["points"] = 2, ["reason"] = "同一件事再扣", ["rule"] = "careless-handling", ["cites"] = "complaint", ["citesRef"] = number };
        var problem = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/deductions", body), HttpStatusCode.Conflict);
        var message = Errors(problem, "citesRef")[0];
        Assert.True(HasChinese(message) && message.Contains(first.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), message);

        // Another case of the same unit is another problem; the unit's total is the two deductions that stand.
        await DeductAsync("czt", 2, "complaint", other, "careless-handling");
        Assert.Equal(3, (await BreakdownAsync("czt"))["result"]!["deductions"]!.GetValue<double>());
    }

    /// <summary>
    /// mzt: an inspection rated 满意 (100) with a 较重问题 (1 point), and a deduction of 2 citing that inspection. Under the
    /// shipped 2026 file (findingPunishedBy: deduction) the inspection scores 100 and the 2 points are taken off; after
    /// version 2 (findingPunishedBy: inspection) is approved, the same records give 99 and nothing taken off. Never both:
    /// 99 and −2 together would be the one finding punished twice.
    /// </summary>
    [Fact]
    public async Task One_finding_is_punished_once_by_whichever_the_rounds_scheme_names()
    {
        await OpenAsync();
        var inspection = await InspectionAsync("mzt");
        Assert.Equal(99, SourceScore(await BreakdownAsync("mzt"), "inspectors"));      // 100 − 1 before any deduction
        var deduction = (await DeductAsync("mzt", 2, "inspection", inspection.ToString()))["id"]!.GetValue<long>();

        var byDeduction = await BreakdownAsync("mzt");
        var visit = byDeduction["inspections"]!.AsArray().Single()!;
        Assert.Equal((100.0, 1.0, 100.0), (visit["ratingScore"]!.GetValue<double>(), visit["severityPoints"]!.GetValue<double>(), visit["score"]!.GetValue<double>()));
        Assert.Equal(deduction, visit["severityWaivedBy"]!.GetValue<long>());
        Assert.Equal(100, SourceScore(byDeduction, "inspectors"));
        Assert.Equal((2.0, 2.0), (byDeduction["result"]!["recordedDeductions"]!.GetValue<double>(), byDeduction["result"]!["deductions"]!.GetValue<double>()));
        Assert.True(byDeduction["deductions"]!.AsArray().Single()!["counted"]!.GetValue<bool>());
        AddsUp(byDeduction);
        var page = await ExpectAsync(await (await SignInAsync(Supervisor)).GetAsync("/staff/scoring/2026/units/mzt"), HttpStatusCode.OK);
        Assert.Contains($"问题扣分 1 不计：同一问题已由<a href=\"#deduction-{deduction}\">扣分记录 {deduction}</a>处罚", page);

        // A file that would let both punish it is refused; version 2 names the inspection and is approved.
        var scheme = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "workflows", "evaluation", "2026.json")))!.AsObject();
        scheme.Remove("$schema");
        scheme["deductions"]!["findingPunishedBy"] = "both";
        var both = await ExpectProblemAsync(await PostAsync(Admin, "/api/v1/evaluations/2026/scheme", new JsonObject { ["scheme"] = scheme.DeepClone(), ["reason"] = "试验" }), HttpStatusCode.BadRequest);
        Assert.Contains("同一问题只能处罚一次", Errors(both, "scheme.deductions.findingPunishedBy")[0]);
        scheme["deductions"]!["findingPunishedBy"] = "inspection";
        var proposed = JsonNode.Parse(await ExpectAsync(await PostAsync(Admin, "/api/v1/evaluations/2026/scheme",
            new JsonObject { ["scheme"] = scheme, ["reason"] = "委员会决定同一问题按明察暗访扣分" }), HttpStatusCode.Created))!;
        var version = proposed["version"]!.GetValue<int>();
        await ExpectAsync(await PostAsync(Supervisor, $"/api/v1/evaluations/2026/scheme/versions/{version}/approve", new JsonObject()), HttpStatusCode.OK);

        var byInspection = await BreakdownAsync("mzt");
        Assert.Equal(99, SourceScore(byInspection, "inspectors"));
        Assert.Null(byInspection["inspections"]!.AsArray().Single()!["severityWaivedBy"]);
        var line = byInspection["deductions"]!.AsArray().Single()!;
        Assert.False(line["counted"]!.GetValue<bool>());
        Assert.True(HasChinese(line["note"]!.GetValue<string>()));
        Assert.Equal((2.0, 0.0), (byInspection["result"]!["recordedDeductions"]!.GetValue<double>(), byInspection["result"]!["deductions"]!.GetValue<double>()));
        AddsUp(byInspection);

        // A deduction citing a ledger item made from that inspection is the same finding: not counted either.
        var item = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/ledger", new JsonObject
        {
            ["unitCode"] = "mzt", ["source"] = "inspection", ["sourceRef"] = inspection.ToString(), ["problem"] = "窗口工作人员擅离岗位",
            ["measures"] = "落实首问负责和离岗报备。", ["owner"] = "办公室主任", ["dueOn"] = "2026-12-31",
        }), HttpStatusCode.Created))!["id"]!.GetValue<long>();
        await DeductAsync("mzt", 1, "ledger-item", item.ToString(), "other");
        var viaLedger = await BreakdownAsync("mzt");
        Assert.Equal((3.0, 0.0), (viaLedger["result"]!["recordedDeductions"]!.GetValue<double>(), viaLedger["result"]!["deductions"]!.GetValue<double>()));
        Assert.All(viaLedger["deductions"]!.AsArray(), d => Assert.False(d!["counted"]!.GetValue<bool>()));
        var rankings = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/rankings"), HttpStatusCode.OK))!;
        var ranked = rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Single(u => u!["unitCode"]!.GetValue<string>() == "mzt")!;
        Assert.Equal(0, ranked["deductions"]!.GetValue<double>());
        Assert.Equal(viaLedger["result"]!["score"]!.GetValue<double>(), ranked["score"]!.GetValue<double>());
    }

    /// <summary>The points of the explanation add up to the weighted score, and less the deductions counted to the composite.</summary>
    private static void AddsUp(JsonObject breakdown)
    {
        var weighted = breakdown["result"]!["weighted"]!.GetValue<double>();
        Assert.Equal(weighted, Math.Round(breakdown["sources"]!.AsArray().Sum(s => s!["points"]?.GetValue<double>() ?? 0), 2));
        Assert.Equal(breakdown["result"]!["score"]!.GetValue<double>(), Math.Round(Math.Max(0, weighted - breakdown["result"]!["deductions"]!.GetValue<double>()), 2));
    }

    [Fact]
    public async Task A_unit_with_no_score_from_any_source_has_no_composite_in_the_breakdown_the_page_or_the_export()
    {
        await OpenAsync();
        // A new unit: no questionnaire, inspection or case anywhere. A deduction alone is no score.
        await ExpectAsync(await PostAsync(Admin, "/api/v1/admin/units", PingYi.Web.Tests.Administration.AdminApi.Unit("kongbai", "无数据测试单位")), HttpStatusCode.Created);
        await DeductAsync("kongbai", 1, "ledger-item", await _api.LedgerItemAsync(2026, "kongbai"), "other");

        var breakdown = await BreakdownAsync("kongbai");
        var result = breakdown["result"]!;
        Assert.False(result["ranked"]!.GetValue<bool>());
        Assert.Null(result["score"]);
        Assert.Null(result["weighted"]);
        Assert.Null(result["rank"]);
        Assert.Equal(1, result["recordedDeductions"]!.GetValue<double>());
        Assert.All(breakdown["sources"]!.AsArray(), s => Assert.Null(s!["points"]));
        var rankings = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/rankings"), HttpStatusCode.OK))!;
        var row = rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Single(u => u!["unitCode"]!.GetValue<string>() == "kongbai")!;
        Assert.Equal((false, null, null), (row["ranked"]!.GetValue<bool>(), row["score"]?.GetValue<double>(), row["rank"]?.GetValue<int>()));

        var page = await ExpectAsync(await (await SignInAsync(Supervisor)).GetAsync("/staff/scoring/2026/units/kongbai"), HttpStatusCode.OK);
        Assert.Contains("<dd id=\"unit-no-score\">无综合得分，不参与排名</dd>", page);
        Assert.Contains("没有任何来源的评议数据", page);
        Assert.DoesNotContain("id=\"unit-score\"", page);
        Assert.DoesNotContain("0.00", page);

        using var xlsx = new MemoryStream(await (await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/units/kongbai/breakdown.xlsx")).Content.ReadAsByteArrayAsync());
        var composite = xlsx.Query(useHeaderRow: true, sheetName: "得分").Cast<IDictionary<string, object?>>().Single(r => (string?)r["来源"] == "综合得分");
        Assert.Null(composite["折合分"]);
        Assert.Contains("没有综合得分", (string)composite["说明"]!);

        // A scored unit beside it still shows its composite.
        await ExpectAsync(await PostAsync(Inspector, "/api/v1/evaluations/2026/inspections", new JsonObject
        {
            ["unitCode"] = "kongbai", ["date"] = "2026-11-20", ["covert"] = true, ["rating"] = "basically-satisfied", ["findings"] = new JsonArray(),
        }), HttpStatusCode.Created);
        var scored = await BreakdownAsync("kongbai");
        Assert.True(scored["result"]!["ranked"]!.GetValue<bool>());
        Assert.Equal(79, scored["result"]!["score"]!.GetValue<double>());     // 基本满意 80 − 1
    }
}

public sealed class SqliteDeductionScoringTests(SqliteApp fixture) : DeductionScoringTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresDeductionScoringTests(PostgresApp fixture) : DeductionScoringTests(fixture), IClassFixture<PostgresApp>;
