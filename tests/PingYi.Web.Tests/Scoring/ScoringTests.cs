using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using PingYi.Data;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Scoring;

/// <summary>
/// The results of a round through HTTP on both databases: the rankings API's fixed shape and who may read it, the
/// formula against inputs entered through the API, the prior-rank import (all or nothing) and the two-year rule,
/// the approval snapshot that later changes do not move, publication, the explanation page and API, the 问责 flag
/// on the audit log, and the xlsx exports read back with MiniExcel. Each test uses its own units (2020 round, open
/// in the demo data) or the 2026 round, so that the tests of a class can share one app.
/// </summary>
public abstract partial class ScoringTests(AppFixture fixture)
{
    private const string Deputies = "deputies@pingyi.local";
    private const string Prefectures = "prefectures@pingyi.local";

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private static readonly string[] UnitKeys = ["unitCode", "name", "rank", "score", "sources", "deductions", "trackingList", "publicNotice", "ranked"];
    private static readonly string[] SourceKeys = ["deputies", "service-hall", "prefectures", "inspectors", "liaison", "channel"];
    private static readonly Dictionary<string, double> Weights2020 = new()
    {
        ["deputies"] = 0.2, ["service-hall"] = 0.15, ["prefectures"] = 0.15, ["inspectors"] = 0.15, ["liaison"] = 0.1, ["channel"] = 0.25,
    };

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    private async Task<HttpResponseMessage> PostAsync(string email, string path, JsonNode body) =>
        await (await _api.AsAsync(email)).PostAsync(path, TestData.Json(body));

    private async Task RateAsync(string email, string source, string unit, string rating, int year = 2020)
    {
        var body = new JsonObject
        {
            ["source"] = source, ["unitCode"] = unit, ["rating"] = rating, ["formReference"] = PingYi.Web.Tests.Infrastructure.StaffApi.Token("表"),
            ["answers"] = new JsonObject { ["formalism"] = rating, ["eight-point-rules"] = rating, ["epidemic-response"] = rating, ["discipline"] = rating },
        };
        await ExpectAsync(await PostAsync(email, $"/api/v1/evaluations/{year}/ratings", body), HttpStatusCode.Created);
    }

    private async Task<JsonObject> RankingsAsync(string email = Supervisor, int year = 2020) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, $"/api/v1/evaluations/{year}/rankings"), HttpStatusCode.OK))!.AsObject();

    private static JsonObject UnitOf(JsonObject rankings, string code) =>
        rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Single(u => u!["unitCode"]!.GetValue<string>() == code)!.AsObject();

    private static double? Source(JsonObject unit, string source) => unit["sources"]![source]?.GetValue<double>();

    private async Task<HttpClient> SignInAsync(string email)
    {
        var browser = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await ExpectAsync(await browser.GetAsync("/account/login"), HttpStatusCode.OK);
        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value, ["Email"] = email, ["Password"] = Password, ["ReturnUrl"] = "/staff",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    /// <summary>Passes every call to the app's channel score and counts the whole-round computations.</summary>
    private sealed class CountingChannelScores(IChannelScores inner) : IChannelScores
    {
        public int Rounds { get; private set; }

        public Task<IReadOnlyDictionary<string, ChannelUnitScore>> ForRoundAsync(PingYi.Domain.Evaluation.EvaluationRoundDefinition round, DateTime cutoffUtc, CancellationToken ct)
        {
            Rounds++;
            return inner.ForRoundAsync(round, cutoffUtc, ct);
        }

        public Task<IReadOnlyList<ChannelCaseLine>> CasesAsync(PingYi.Domain.Evaluation.EvaluationRoundDefinition round, DateTime cutoffUtc, string unitCode, CancellationToken ct) =>
            inner.CasesAsync(round, cutoffUtc, unitCode, ct);

        public Task<IReadOnlyList<ChannelOverdueSpan>> OverdueSpansAsync(PingYi.Domain.Evaluation.EvaluationRoundDefinition round, DateTime cutoffUtc, CancellationToken ct) =>
            inner.OverdueSpansAsync(round, cutoffUtc, ct);
    }

    /// <summary>The breakdown handler over the app's own services and database, as a Supervisor, with the round computations counted.</summary>
    private async Task<(GetBreakdown.Breakdown Breakdown, int Computations)> BreakdownCountedAsync(int year, string unitCode)
    {
        using var scope = fixture.App.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PingYiDbContext>();
        var channel = new CountingChannelScores(services.GetRequiredService<IChannelScores>());
        var handler = new GetBreakdown.Handler(db, services.GetRequiredService<Rounds>(), new ScoringResults(db, channel, services.GetRequiredService<TimeProvider>(), new LiveResults(services.GetRequiredService<TimeProvider>())),
            channel, services.GetRequiredService<IAuthorizationService>());
        var supervisor = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, "Supervisor")], "test"));
        var result = await handler.HandleAsync(year, unitCode, supervisor, CancellationToken.None);
        Assert.True(result.Succeeded, result.Failure?.ToString());
        return (result.Value!, channel.Rounds);
    }

    [Fact]
    public async Task The_rankings_have_the_fixed_shape_and_before_publication_are_for_supervisors_and_admins_only()
    {
        var body = await RankingsAsync();
        Assert.Equal(["year", "approved", "categories", "fingerprint"], body.Select(p => p.Key));
        // The fingerprint comes with approval (issue 23 §4; RoundDocumentsTests).
        Assert.Null(body["fingerprint"]);
        Assert.Equal(2020, body["year"]!.GetValue<int>());
        Assert.False(body["approved"]!.GetValue<bool>());
        var categories = body["categories"]!.AsArray();
        Assert.Equal(["party-mass", "government", "enterprise-institution", "central"], categories.Select(c => c!["category"]!.GetValue<string>()));
        foreach (var category in categories)
        {
            Assert.Equal(["category", "units"], category!.AsObject().Select(p => p.Key));
            var ranks = new List<int>();
            foreach (var unit in category["units"]!.AsArray())
            {
                Assert.Equal(UnitKeys, unit!.AsObject().Select(p => p.Key));
                Assert.Equal(SourceKeys.Order(), unit["sources"]!.AsObject().Select(p => p.Key).Order());
                // A unit with no score from any source is listed without a score or a rank.
                if (!unit["ranked"]!.GetValue<bool>())
                {
                    Assert.Null(unit["score"]);
                    Assert.Null(unit["rank"]);
                    continue;
                }
                ranks.Add(unit["rank"]!.GetValue<int>());
            }
            Assert.Equal(ranks.Order(), ranks);
        }
        // fgw is not resident in the service hall: it has no score from it, whatever else it has.
        Assert.Null(UnitOf(body, "fgw")["sources"]!["service-hall"]);
        Assert.Equal(26, categories.Sum(c => c!["units"]!.AsArray().Count));

        await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/evaluations/2020/rankings"), HttpStatusCode.OK);
        foreach (var who in new[] { Handler("jyt"), Evaluator, Inspector, Deputies })
        {
            var problem = await ExpectProblemAsync(await _api.GetAsync(who, "/api/v1/evaluations/2020/rankings"), HttpStatusCode.Forbidden);
            Assert.True(HasChinese(Errors(problem, "year")[0]));
            await ExpectProblemAsync(await _api.GetAsync(who, "/api/v1/evaluations/2020/rankings.xlsx"), HttpStatusCode.Forbidden);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Anonymous.GetAsync("/api/v1/evaluations/2020/rankings")).StatusCode);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2019/rankings"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Ratings_and_deductions_entered_through_the_api_move_a_score_by_the_formula()
    {
        var before = UnitOf(await RankingsAsync(), "nky");
        Assert.Null(Source(before, "deputies"));
        await RateAsync(Deputies, "deputies", "nky", "basically-satisfied");
        await RateAsync(Deputies, "deputies", "nky", "satisfied");
        await RateAsync(Prefectures, "prefectures", "nky", "dissatisfied");
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/deductions",
            await _api.CitingAsync(2020, new JsonObject { ["unitCode"] = "nky", ["points"] = 1.5, ["reason"] = "受理群众投诉敷衍了事", ["rule"] = "careless-handling" })), HttpStatusCode.Created);

        var after = UnitOf(await RankingsAsync(), "nky");
        Assert.Equal(90, Source(after, "deputies"));   // (80 + 100) / 2
        Assert.Equal(0, Source(after, "prefectures"));
        Assert.Null(Source(after, "service-hall"));     // nky is not in the hall
        Assert.Equal(1.5, after["deductions"]!.GetValue<double>());
        // Re-weighted over the sources nky has, less the deduction.
        var present = SourceKeys.Where(s => Source(after, s) is not null).ToList();
        var expected = present.Sum(s => Weights2020[s] * Source(after, s)!.Value) / present.Sum(s => Weights2020[s]) - 1.5;
        Assert.Equal(Math.Round(expected, 2), after["score"]!.GetValue<double>(), 2);
    }

    [Fact]
    public async Task Prior_ranks_import_all_or_nothing_and_two_years_in_the_bottom_two_put_a_unit_on_the_public_notice_list()
    {
        // The four central units: swj and hg tie at the top, rh third, tjj last → rh and tjj are this round's bottom two.
        await RateAsync(Deputies, "deputies", "swj", "satisfied");
        await RateAsync(Deputies, "deputies", "hg", "satisfied");
        await RateAsync(Deputies, "deputies", "rh", "basically-satisfied");
        await RateAsync(Deputies, "deputies", "tjj", "dissatisfied");
        var now = await RankingsAsync();
        Assert.True(UnitOf(now, "tjj")["trackingList"]!.GetValue<bool>());
        Assert.True(UnitOf(now, "rh")["trackingList"]!.GetValue<bool>());
        Assert.False(UnitOf(now, "swj")["trackingList"]!.GetValue<bool>());
        Assert.False(UnitOf(now, "tjj")["publicNotice"]!.GetValue<bool>());

        // One bad row (an unknown unit, a rank that is no number): nothing is imported, each row is reported.
        var bad = "单位代码,类别,排名,重点跟踪对象\nswj,中直单位,1,否\nnosuch,中直单位,2,否\nhg,central,x,否\ntjj,中直单位,4,是\n";
        var refused = await ExpectProblemAsync(await UploadPriorAsync(Supervisor, 2019, Encoding.UTF8.GetBytes(bad), "prior.csv"), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(refused, "rows[3].unitCode")[0]));
        Assert.True(HasChinese(Errors(refused, "rows[4].rank")[0]));
        Assert.False(UnitOf(await RankingsAsync(), "tjj")["publicNotice"]!.GetValue<bool>());

        // The same table as xlsx, corrected: tjj was in the bottom two last round too → 通报; rh only now → tracking only.
        var rows = new List<Dictionary<string, object>>
        {
            new() { ["单位代码"] = "swj", ["类别"] = "中直单位", ["排名"] = 1, ["重点跟踪对象"] = "否" },
            new() { ["单位代码"] = "hg", ["类别"] = "central", ["排名"] = 2, ["重点跟踪对象"] = "否" },
            new() { ["单位代码"] = "rh", ["类别"] = "中直单位", ["排名"] = 3, ["重点跟踪对象"] = "否" },
            new() { ["单位代码"] = "tjj", ["类别"] = "中直单位", ["排名"] = 4, ["重点跟踪对象"] = "是" },
        };
        using var xlsx = new MemoryStream();
        xlsx.SaveAs(rows);
        // Two rounds back is not "two years running": the year before 2020 has no record yet, so no 通报.
        await ExpectAsync(await UploadPriorAsync(Supervisor, 2018, xlsx.ToArray(), "prior.xlsx"), HttpStatusCode.OK);
        var gap = await RankingsAsync();
        Assert.False(UnitOf(gap, "tjj")["publicNotice"]!.GetValue<bool>());
        Assert.Contains("系统中没有 2019 年度的评议结果", await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/scoring/2020"), HttpStatusCode.OK));

        var imported = JsonNode.Parse(await ExpectAsync(await UploadPriorAsync(Supervisor, 2019, xlsx.ToArray(), "prior.xlsx"), HttpStatusCode.OK))!;
        Assert.Equal(4, imported["imported"]!.GetValue<int>());
        var after = await RankingsAsync();
        Assert.Contains("2019 年度（用于“连续两年后两位”通报）", await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/scoring/2020"), HttpStatusCode.OK));
        Assert.True(UnitOf(after, "tjj")["publicNotice"]!.GetValue<bool>());
        Assert.False(UnitOf(after, "rh")["publicNotice"]!.GetValue<bool>());
        Assert.True(UnitOf(after, "rh")["trackingList"]!.GetValue<bool>());

        await ExpectProblemAsync(await UploadPriorAsync(Handler("tjj"), 2019, xlsx.ToArray(), "prior.xlsx"), HttpStatusCode.Forbidden);
        var audit = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/audit?kind=evaluation.prior-ranks"), HttpStatusCode.OK))!;
        Assert.Contains(audit["items"]!.AsArray(), r => r!["target"]!.GetValue<string>() == "2019");
    }

    private async Task<HttpResponseMessage> UploadPriorAsync(string email, int year, byte[] content, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        return await (await _api.AsAsync(email)).PostAsync($"/api/v1/evaluations/{year}/prior-ranks", form);
    }

    [Fact]
    public async Task Approval_freezes_a_snapshot_later_changes_do_not_move_it_and_publication_opens_the_results()
    {
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/open", new JsonObject()), HttpStatusCode.OK);
        await RateAsync(Deputies, "deputies", "xcb", "satisfied", 2026);
        await RateAsync(Deputies, "deputies", "tzb", "dissatisfied", 2026);
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/publication", new JsonObject { ["published"] = true }), HttpStatusCode.Conflict);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/close", new JsonObject()), HttpStatusCode.OK);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject { ["confirmCoverage"] = true }), HttpStatusCode.OK);

        var approved = await RankingsAsync(Supervisor, 2026);
        Assert.True(approved["approved"]!.GetValue<bool>());
        var tzb = UnitOf(approved, "tzb");
        var partyMass = approved["categories"]!.AsArray().Single(c => c!["category"]!.GetValue<string>() == "party-mass")!["units"]!.AsArray();
        Assert.Contains(partyMass, u => u!["unitCode"]!.GetValue<string>() == "tzb");

        // A later change: tzb moves to another category. The approved result does not move; the page shows the difference.
        var units = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/units"), HttpStatusCode.OK))!.AsArray();
        var unit = units.Single(u => u!["code"]!.GetValue<string>() == "tzb")!.AsObject();
        var body = new JsonObject
        {
            ["name"] = unit["name"]!.GetValue<string>(), ["category"] = "enterprise-institution", ["duties"] = unit["duties"]!.GetValue<string>(),
            ["supervisionPhone"] = unit["supervisionPhone"]!.GetValue<string>(), ["contactEmails"] = unit["contactEmails"]!.DeepClone(),
            ["serviceHall"] = unit["serviceHall"]!.GetValue<bool>(), ["evaluationChannelUrl"] = unit["evaluationChannelUrl"]?.DeepClone(), ["active"] = true,
        };
        await ExpectAsync(await (await _api.AsAsync(Admin)).PutAsync("/api/v1/admin/units/tzb", TestData.Json(body)), HttpStatusCode.OK);
        var frozen = await RankingsAsync(Supervisor, 2026);
        Assert.Equal(tzb.ToJsonString(), UnitOf(frozen, "tzb").ToJsonString());
        Assert.Contains(frozen["categories"]!.AsArray().Single(c => c!["category"]!.GetValue<string>() == "party-mass")!["units"]!.AsArray(),
            u => u!["unitCode"]!.GetValue<string>() == "tzb");
        var supervisor = await SignInAsync(Supervisor);
        var page = await ExpectAsync(await supervisor.GetAsync("/staff/scoring/2026"), HttpStatusCode.OK);
        Assert.Contains("与审定结果的差异", page);
        Assert.Matches("<tr data-unit=\"tzb\"><td>[^<]+</td><td>" + tzb["rank"]!.GetValue<int>(), page);

        // Publication: before it the public sees nothing; after it, the API and the public page show the tables.
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Anonymous.GetAsync("/api/v1/evaluations/2026/rankings")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Anonymous.GetAsync("/results/2026")).StatusCode);
        await ExpectProblemAsync(await PostAsync(Handler("xcb"), "/api/v1/evaluations/2026/publication", new JsonObject { ["published"] = true }), HttpStatusCode.Forbidden);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/publication", new JsonObject { ["published"] = true }), HttpStatusCode.OK);
        var published = JsonNode.Parse(await ExpectAsync(await _api.Anonymous.GetAsync("/api/v1/evaluations/2026/rankings"), HttpStatusCode.OK))!.AsObject();
        Assert.Equal(tzb.ToJsonString(), UnitOf(published, "tzb").ToJsonString());
        var publicPage = await ExpectAsync(await _api.Anonymous.GetAsync("/results/2026"), HttpStatusCode.OK);
        Assert.Contains("省委宣传部", publicPage);
        Assert.Contains("党群工作部门", publicPage);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Anonymous.GetAsync("/results/2020")).StatusCode);
        // A handler still sees only their own unit's breakdown.
        await ExpectProblemAsync(await _api.GetAsync(Handler("xcb"), "/api/v1/evaluations/2026/units/tzb/breakdown"), HttpStatusCode.Forbidden);

        // The breakdown of an approved round: the snapshot's rank in the category tzb had when it was approved, and
        // the round computed once (for the difference and today's inputs), not once for each.
        var (frozenBreakdown, computations) = await BreakdownCountedAsync(2026, "tzb");
        Assert.Equal(1, computations);
        Assert.True(frozenBreakdown.Approved);
        Assert.Equal((tzb["rank"]!.GetValue<int>(), tzb["score"]!.GetValue<double>()), (frozenBreakdown.Result.Rank, frozenBreakdown.Result.Score));
        Assert.Equal("party-mass", frozenBreakdown.Category);
        // The size is the ranked units of that category (units without data are listed, not ranked).
        Assert.Equal(partyMass.Count(u => u!["ranked"]!.GetValue<bool>()), frozenBreakdown.CategorySize);
    }

    [Fact]
    public async Task A_unit_reads_its_own_breakdown_with_the_inputs_behind_each_score_and_no_other_units()
    {
        var inspection = new JsonObject
        {
            ["unitCode"] = "sky", ["date"] = "2020-10-14", ["covert"] = true, ["rating"] = "satisfied",
            ["findings"] = new JsonArray(new JsonObject { ["description"] = "办事窗口午间无人值守", ["severity"] = "minor" }),
        };
        await ExpectAsync(await PostAsync(Inspector, "/api/v1/evaluations/2020/inspections", inspection), HttpStatusCode.Created);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/deductions",
            await _api.CitingAsync(2020, new JsonObject { ["unitCode"] = "sky", ["points"] = 1, ["reason"] = "未按规定程序办理转办件", ["rule"] = "procedure" })), HttpStatusCode.Created);

        var breakdown = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("sky"), "/api/v1/evaluations/2020/units/sky/breakdown"), HttpStatusCode.OK))!;
        Assert.Equal("sky", breakdown["unitCode"]!.GetValue<string>());
        var inspections = breakdown["inspections"]!.AsArray();
        Assert.Single(inspections);
        Assert.Equal(99.5, inspections[0]!["score"]!.GetValue<double>());   // 满意 100 − 一般问题 0.5
        Assert.Equal(99.5, breakdown["sources"]!.AsArray().Single(s => s!["source"]!.GetValue<string>() == "inspectors")!["score"]!.GetValue<double>());
        Assert.Equal("未按规定程序办理转办件", breakdown["deductions"]!.AsArray().Single()!["reason"]!.GetValue<string>());
        Assert.Equal(1, breakdown["result"]!["deductions"]!.GetValue<double>());

        var handler = await SignInAsync(Handler("sky"));
        var page = await ExpectAsync(await handler.GetAsync("/staff/scoring/2020/units/sky"), HttpStatusCode.OK);
        Assert.Contains("办事窗口午间无人值守", page);
        Assert.Contains("未按规定程序办理转办件", page);
        Assert.Contains("直通车平台", page);
        Assert.Contains("义务监督员明察暗访评议", page);
        // Another unit's page and breakdown, and the rankings before publication, are closed to a handler.
        Assert.NotEqual(HttpStatusCode.OK, (await handler.GetAsync("/staff/scoring/2020/units/nky")).StatusCode);
        Assert.Contains("/account/denied", (await handler.GetAsync("/staff/scoring/2020/units/nky")).Headers.Location?.ToString() ?? "/account/denied");
        await ExpectProblemAsync(await _api.GetAsync(Handler("sky"), "/api/v1/evaluations/2020/units/nky/breakdown"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await _api.GetAsync(Handler("sky"), "/api/v1/evaluations/2020/units/nky/breakdown.xlsx"), HttpStatusCode.Forbidden);
        // The rankings page sends a handler to their own breakdown.
        var redirect = await handler.GetAsync("/staff/scoring/2020");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/staff/scoring/2020/units/sky", redirect.Headers.Location!.ToString());
        // A supervisor reads every unit's.
        await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/units/sky/breakdown"), HttpStatusCode.OK);

        // One computation of the round per request, and the same result as the rankings.
        var (counted, computations) = await BreakdownCountedAsync(2020, "sky");
        Assert.Equal(1, computations);
        var ranked = UnitOf(await RankingsAsync(), "sky");
        Assert.Equal((ranked["rank"]!.GetValue<int>(), ranked["score"]!.GetValue<double>()), (counted.Result.Rank, counted.Result.Score));
        Assert.Equal(99.5, counted.Sources.Single(x => x.Source == "inspectors").Score);
    }

    [Fact]
    public async Task The_xlsx_exports_of_the_whole_result_and_of_a_units_breakdown_read_back()
    {
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/deductions",
            await _api.CitingAsync(2020, new JsonObject { ["unitCode"] = "rbs", ["points"] = 0.5, ["reason"] = "答复内容与反映问题不对应", ["rule"] = "careless-handling" })), HttpStatusCode.Created);
        var rankings = await RankingsAsync();
        var response = await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/rankings.xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        using var whole = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = whole.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(rankings["categories"]!.AsArray().Sum(c => c!["units"]!.AsArray().Count), rows.Count);
        var rbs = rows.Single(r => (string?)r["单位代码"] == "rbs");
        var api = UnitOf(rankings, "rbs");
        if (api["ranked"]!.GetValue<bool>())
        {
            Assert.Equal(api["score"]!.GetValue<double>(), Convert.ToDouble(rbs["综合得分"], System.Globalization.CultureInfo.InvariantCulture), 2);
            Assert.Equal(api["rank"]!.GetValue<int>(), Convert.ToInt32(rbs["排名"], System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            // No score from any source: the export leaves score and rank empty, as the API leaves them null.
            Assert.Null(rbs["综合得分"]);
            Assert.Null(rbs["排名"]);
        }
        Assert.Equal("企事业单位", rbs["类别"]);
        Assert.Equal(0.5, Convert.ToDouble(rbs["扣分"], System.Globalization.CultureInfo.InvariantCulture));

        var unit = await _api.GetAsync(Handler("rbs"), "/api/v1/evaluations/2020/units/rbs/breakdown.xlsx");
        using var breakdown = new MemoryStream(await ExpectBytesAsync(unit));
        Assert.Equal(["得分", "评议", "明察暗访", "扣分", "直通车比率", "直通车"], breakdown.GetSheetNames());
        var summary = breakdown.Query(useHeaderRow: true, sheetName: "得分").Cast<IDictionary<string, object?>>().ToList();
        // The unit's own breakdown leaves the composite empty, as the rankings do, for a unit with no score from any source.
        var composite = summary.Single(r => (string?)r["来源"] == "综合得分")["折合分"];
        if (api["score"] is { } score)
        {
            Assert.Equal(score.GetValue<double>(), Convert.ToDouble(composite, System.Globalization.CultureInfo.InvariantCulture), 2);
        }
        else
        {
            Assert.Null(composite);
        }
        var deductions = breakdown.Query(useHeaderRow: true, sheetName: "扣分").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal("答复内容与反映问题不对应", deductions.Single()["理由"]);
    }

    /// <summary>
    /// Issue 22: one rounding for the whole scoring area. For every unit of the 2020 round (with ratings that give
    /// thirds, an inspection and a deduction entered here, on top of what the other tests of the class entered) the
    /// rankings API, the rankings xlsx, the breakdown API, the breakdown xlsx and the 得分说明 page show the same
    /// composite to the last digit, and the breakdown's points per source add up to it.
    /// </summary>
    [Fact]
    public async Task Page_api_xlsx_and_rankings_agree_to_the_last_digit_for_every_unit_and_the_points_add_up()
    {
        // 满意 ×2 + 基本满意 → 93.333…; 基本满意 ×2 + 不满意 → 53.333…; an inspection 100 − 0.5 − 1; a deduction of 0.25.
        await RateAsync(Deputies, "deputies", "fl", "satisfied");
        await RateAsync(Deputies, "deputies", "fl", "satisfied");
        await RateAsync(Deputies, "deputies", "fl", "basically-satisfied");
        await RateAsync(Prefectures, "prefectures", "fl", "basically-satisfied");
        await RateAsync(Prefectures, "prefectures", "fl", "basically-satisfied");
        await RateAsync(Prefectures, "prefectures", "fl", "dissatisfied");
        var inspection = new JsonObject
        {
            ["unitCode"] = "gy", ["date"] = "2020-10-15", ["covert"] = false, ["rating"] = "satisfied",
            ["findings"] = new JsonArray(new JsonObject { ["description"] = "窗口指引不清", ["severity"] = "minor" },
                new JsonObject { ["description"] = "值班记录缺失", ["severity"] = "major" }),
        };
        await ExpectAsync(await PostAsync(Inspector, "/api/v1/evaluations/2020/inspections", inspection), HttpStatusCode.Created);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/deductions",
            await _api.CitingAsync(2020, new JsonObject { ["unitCode"] = "fl", ["points"] = 0.25, ["reason"] = "未按期报送材料", ["rule"] = "procedure" })), HttpStatusCode.Created);

        var rankings = await RankingsAsync();
        using var whole = new MemoryStream(await ExpectBytesAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/rankings.xlsx")));
        var rows = whole.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToDictionary(r => (string)r["单位代码"]!);
        var browser = await SignInAsync(Supervisor);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var units = rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Select(u => u!.AsObject()).ToList();
        Assert.True(units.Count >= 20);
        foreach (var unit in units)
        {
            var code = unit["unitCode"]!.GetValue<string>();
            if (!unit["ranked"]!.GetValue<bool>())
            {
                Assert.Null(rows[code]["综合得分"]);
                continue;
            }
            var score = unit["score"]!.GetValue<double>();
            Assert.Equal((code, score), (code, Convert.ToDouble(rows[code]["综合得分"], inv)));

            var b = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, $"/api/v1/evaluations/2020/units/{code}/breakdown"), HttpStatusCode.OK))!;
            Assert.Equal((code, score), (code, b["result"]!["score"]!.GetValue<double>()));
            var sources = b["sources"]!.AsArray();
            foreach (var source in sources)
            {
                var key = source!["source"]!.GetValue<string>();
                Assert.Equal((code, key, Source(unit, key)), (code, key, source["score"]?.GetValue<double>()));
            }
            // Points (effective weight × score) add up to the weighted score; less the deductions, to the composite.
            var points = sources.Sum(x => x!["points"]?.GetValue<double>() ?? 0);
            var weighted = b["result"]!["weighted"]!.GetValue<double>();
            Assert.Equal((code, weighted), (code, Math.Round(points, 2)));
            Assert.Equal((code, score), (code, Math.Round(Math.Max(0, weighted - b["result"]!["deductions"]!.GetValue<double>()), 2)));
            var present = sources.Where(x => x!["points"] is not null).ToList();
            if (present.Count > 0)
            {
                Assert.Equal(1, present.Sum(x => x!["effectiveWeight"]!.GetValue<double>()), 9);
            }

            using var xlsx = new MemoryStream(await ExpectBytesAsync(await _api.GetAsync(Supervisor, $"/api/v1/evaluations/2020/units/{code}/breakdown.xlsx")));
            var summary = xlsx.Query(useHeaderRow: true, sheetName: "得分").Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal((code, score), (code, Convert.ToDouble(summary.Single(r => (string?)r["来源"] == "综合得分")["折合分"], inv)));

            var page = await ExpectAsync(await browser.GetAsync($"/staff/scoring/2020/units/{code}"), HttpStatusCode.OK);
            Assert.Contains($"<dd id=\"unit-score\">{score.ToString("0.00", inv)}</dd>", page);
            Assert.Contains($"<td id=\"unit-weighted\">{weighted.ToString("0.00", inv)}</td>", page);
            Assert.Contains("id=\"advice\"", page);
        }
        var fl = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/units/fl/breakdown"), HttpStatusCode.OK))!;
        Assert.Equal(93.33, fl["sources"]!.AsArray().Single(x => x!["source"]!.GetValue<string>() == "deputies")!["score"]!.GetValue<double>());
        Assert.Equal(53.33, fl["sources"]!.AsArray().Single(x => x!["source"]!.GetValue<string>() == "prefectures")!["score"]!.GetValue<double>());
        var gy = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/units/gy/breakdown"), HttpStatusCode.OK))!;
        var visit = gy["inspections"]!.AsArray().Single()!;
        Assert.Equal((100.0, 1.5, 98.5), (visit["ratingScore"]!.GetValue<double>(), visit["severityPoints"]!.GetValue<double>(), visit["score"]!.GetValue<double>()));
        Assert.Equal(["satisfied", "basically-satisfied", "dissatisfied"], gy["ratingScale"]!.AsArray().Select(x => x!["code"]!.GetValue<string>()));
        Assert.Equal(80, gy["ratingScale"]!.AsArray()[1]!["score"]!.GetValue<double>());
    }

    private static async Task<byte[]> ExpectBytesAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task A_supervisor_flags_a_unit_for_accountability_with_a_reason_and_it_is_audited()
    {
        var missing = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/accountability",
            new JsonObject { ["unitCode"] = "zgh", ["flagged"] = true }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(missing, "reason")[0]));
        // Only Supervisors (the demo admin is one too): an evaluator or a handler is refused.
        await ExpectProblemAsync(await PostAsync(Evaluator, "/api/v1/evaluations/2020/accountability",
            new JsonObject { ["unitCode"] = "zgh", ["flagged"] = true, ["reason"] = "x" }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await PostAsync(Handler("zgh"), "/api/v1/evaluations/2020/accountability",
            new JsonObject { ["unitCode"] = "zgh", ["flagged"] = false, ["reason"] = "x" }), HttpStatusCode.Forbidden);

        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/accountability",
            new JsonObject { ["unitCode"] = "zgh", ["flagged"] = true, ["reason"] = "多次超期且拒不整改" }), HttpStatusCode.OK);
        var breakdown = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/units/zgh/breakdown"), HttpStatusCode.OK))!;
        Assert.Equal("多次超期且拒不整改", breakdown["accountabilityReason"]!.GetValue<string>());
        Assert.True(breakdown["result"]!["accountability"]!.GetValue<bool>());
        var audit = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/audit?kind=evaluation.accountability"), HttpStatusCode.OK))!;
        var record = audit["items"]!.AsArray().First(r => r!["target"]!.GetValue<string>() == "2020/zgh")!;
        Assert.Equal("多次超期且拒不整改", record["after"]!["reason"]!.GetValue<string>());
        Assert.Equal(Supervisor, record["actor"]!.GetValue<string>());
    }
}

public sealed class SqliteScoringTests(SqliteApp fixture) : ScoringTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresScoringTests(PostgresApp fixture) : ScoringTests(fixture), IClassFixture<PostgresApp>;
