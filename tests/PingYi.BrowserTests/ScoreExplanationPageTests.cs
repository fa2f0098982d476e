using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PingYi.BrowserTests;

/// <summary>
/// 得分说明 on a 390 px phone (issue 22): a unit with every kind of line the page has — sources with their effective
/// weights and points, the channel's rates and handling rounds, an inspection whose severity points a deduction took
/// over, deductions citing an inspection and a complaint — and a unit with no score from any source. Nothing scrolls
/// sideways (the wide tables scroll inside their wrapper); the screens are saved to look at.
/// </summary>
public sealed class ScoreExplanationPageTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Password = "PingYi-Demo-2020";

    [Fact]
    public async Task A_units_score_explanation_reads_on_a_phone_without_scrolling_sideways()
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        async Task SignInAs(string email)
        {
            var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password })).Content.ReadFromJsonAsync<JsonObject>();
            http.DefaultRequestHeaders.Authorization = new("Bearer", login!["accessToken"]!.GetValue<string>());
        }
        async Task<JsonObject> Post(string path, object body)
        {
            var response = await http.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
            return JsonNode.Parse(text)!.AsObject();
        }

        await SignInAs("supervisor@pingyi.local");
        await Post("/api/v1/evaluations/2026/open", new { });
        // Two of jyt's cases in hand (the channel's rates and rounds), one of them cited by a deduction.
        var numbers = new List<string>();
        foreach (var title in new[] { "学校课后服务收费不透明，家长多次反映无人答复", "职称评审材料要求反复变更，教师多次往返" })
        {
            var lodged = await Post("/api/v1/complaints", new { unitCode = "jyt", category = "formalism", title, description = title + "，相关科室互相推诿，至今未解决。", anonymous = true });
            var number = lodged["trackingNumber"]!.GetValue<string>();
            await Post($"/api/v1/complaints/{number}/actions/assign", new { unitCode = "jyt" });
            numbers.Add(number);
        }
        fixture.Time.Advance(TimeSpan.FromHours(2));
        await SignInAs("deputies@pingyi.local");
        foreach (var rating in new[] { "satisfied", "basically-satisfied", "dissatisfied" })
        {
            var answers = new JsonObject { ["formalism"] = rating, ["eight-point-rules"] = rating, ["epidemic-response"] = rating, ["discipline"] = rating };
            await Post("/api/v1/evaluations/2026/ratings", new JsonObject { ["source"] = "deputies", ["unitCode"] = "jyt", ["rating"] = rating, ["answers"] = answers, ["formReference"] = Guid.NewGuid().ToString("N") });
        }
        await SignInAs("inspector@pingyi.local");
        var inspection = (await Post("/api/v1/evaluations/2026/inspections", new JsonObject
        {
            ["unitCode"] = "jyt", ["date"] = "2026-11-20", ["covert"] = true, ["rating"] = "basically-satisfied",
            ["findings"] = new JsonArray(
                new JsonObject { ["description"] = "政务服务窗口午间无人值守，群众等候超过四十分钟，值班表与实际在岗人员不符，现场未见一次性告知单", ["severity"] = "major" },
                new JsonObject { ["description"] = "办事指南未更新", ["severity"] = "minor" }),
        }))["id"]!.GetValue<long>();
        await SignInAs("supervisor@pingyi.local");
        await Post("/api/v1/evaluations/2026/deductions", new { unitCode = "jyt", points = 2, reason = "明察暗访发现窗口午间无人值守，值班制度形同虚设", rule = "inspection-finding", cites = "inspection", citesRef = inspection.ToString() });
        await Post("/api/v1/evaluations/2026/deductions", new { unitCode = "jyt", points = 0.5, reason = "受理群众投诉后长时间未与反映人联系", rule = "careless-handling", cites = "complaint", citesRef = numbers[0] });
        await SignInAs("admin@pingyi.local");
        await Post("/api/v1/admin/units", new
        {
            code = "kongbai", name = "无评议数据的测试单位", category = "government", duties = "负责测试。", supervisionPhone = "0431-88900000",
            contactEmails = new[] { "office@kongbai.example.cn" }, serviceHall = false, evaluationChannelUrl = "https://kongbai.example.cn/pingyi", active = true,
        });

        await using var phone = await fixture.NewPhoneContextAsync();
        var page = await phone.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync("supervisor@pingyi.local");
        await page.Locator("#password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();

        await page.GotoAsync("/staff/scoring/2026/units/jyt");
        await Expect(page.Locator("#unit-score")).ToBeVisibleAsync();
        await Expect(page.Locator("#channel-cases")).ToContainTextAsync(numbers[1]);
        await Expect(page.Locator("#inspections")).ToContainTextAsync("问题扣分 1.5 不计");
        await Expect(page.Locator("#deductions")).ToContainTextAsync($"处罚事项：直通车反映 {numbers[0]}");
        await PageChecks.AssertStylesheetLoadedAsync(page);
        await PageChecks.AssertNoHorizontalScrollAsync(page, "a unit's 得分说明 on a phone");
        await PageChecks.ScreenshotScreensAsync(page, output, "75-score-explanation-phone");

        await page.GotoAsync("/staff/scoring/2026/units/kongbai");
        await Expect(page.Locator("#unit-no-score")).ToHaveTextAsync("无综合得分，不参与排名");
        await Expect(page.Locator("#unit-no-score-reason")).ToBeVisibleAsync();
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the 得分说明 of a unit without any score on a phone");
        await PageChecks.ScreenshotAsync(page, output, "76-score-explanation-unscored-phone");
        Assert.Empty(problems);
    }
}
