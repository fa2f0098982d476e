using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// The staff forms a new user tripped over, at 390 and 1280 px: two inspections with findings in a row, a rating
/// and an identity view that a reload does not repeat (Post/Redirect/Get), a menu that links only to pages the
/// role can use, and the public results reached from the home page with 重点跟踪 in view on a phone.
/// </summary>
public sealed class StaffFormsJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private async Task<JsonObject> InputsAsync(string unit)
    {
        using var api = await ApiAsync(fixture.BaseAddress, "supervisor@pingyi.local");
        return (await api.GetFromJsonAsync<JsonObject>($"/api/v1/evaluations/2020/inputs?unit={unit}"))!;
    }

    [Theory]
    [InlineData(390, "fl", "gat")]
    [InlineData(1280, "jyt", "mzt")]
    public async Task An_inspector_records_two_inspections_with_findings_in_a_row(int width, string first, string second)
    {
        var before = ((await InputsAsync(first))["inspections"]!.AsArray().Count, (await InputsAsync(second))["inspections"]!.AsArray().Count);
        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await SignInAsync(page, "inspector@pingyi.local");
        await page.GotoAsync("/staff/evaluation");
        await page.GetByRole(AriaRole.Link, new() { Name = "录入明察暗访检查" }).ClickAsync();

        async Task RecordAsync(string unit, params string[] findings)
        {
            // Every time, the form offers its three 发现的问题 blocks.
            await Expect(page.Locator("fieldset legend", new() { HasText = "发现的问题" })).ToHaveCountAsync(3);
            await page.Locator("#unit").SelectOptionAsync(unit);
            await page.Locator("#date").FillAsync("2020-11-03");
            for (var i = 0; i < findings.Length; i++)
            {
                await page.Locator($"textarea[name='Findings[{i}].Description']").FillAsync(findings[i]);
                await page.Locator($"select[name='Findings[{i}].Severity']").SelectOptionAsync("serious");
            }
            await page.Locator("input[name=Rating][value=dissatisfied]").CheckAsync();
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"the inspection form at {width} px");
            await page.Locator("#inspect-submit").ClickAsync();
            await Expect(page.Locator("#inspect-saved")).ToContainTextAsync($"检查记录已保存（{findings.Length} 个问题，0 张照片）");
        }

        await RecordAsync(first, "服务窗口无人值守");
        await RecordAsync(second, "工作时间玩手机", "群众排队无人引导");
        await PageChecks.ScreenshotAsync(page, output, $"80-inspection-second-saved-{width}");
        // The page after a save is a GET: a reload records nothing and the notice is gone.
        await page.ReloadAsync();
        await Expect(page.Locator("#inspect-saved")).ToHaveCountAsync(0);
        await Expect(page.Locator("fieldset legend", new() { HasText = "发现的问题" })).ToHaveCountAsync(3);

        var firstInputs = (await InputsAsync(first))["inspections"]!.AsArray();
        var secondInputs = (await InputsAsync(second))["inspections"]!.AsArray();
        Assert.Equal((before.Item1 + 1, before.Item2 + 1), (firstInputs.Count, secondInputs.Count));
        Assert.Equal(2, secondInputs.Last()!["findings"]!.AsArray().Count);
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(390, "swj")]
    [InlineData(1280, "hg")]
    public async Task A_reload_after_a_rating_or_an_identity_view_repeats_nothing(int width, string unit)
    {
        var before = (await InputsAsync(unit))["sources"]!["deputies"]!["count"]!.GetValue<int>();
        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await SignInAsync(page, "deputies@pingyi.local");
        await page.GotoAsync($"/staff/evaluation/rate/{unit}");
        await page.Locator("#form-reference").FillAsync($"PRG-{width}-{unit}");
        await page.Locator("input[name=Rating][value=satisfied]").CheckAsync();
        foreach (var item in new[] { "formalism", "eight-point-rules", "epidemic-response", "discipline" })
        {
            await page.Locator($"input[name='Answers[{item}]'][value=satisfied]").CheckAsync();
        }
        await page.Locator("#rate-submit").ClickAsync();
        await Expect(page.GetByText("评议已保存")).ToBeVisibleAsync();
        await PageChecks.AssertNoHorizontalScrollAsync(page, $"the saved rating at {width} px");
        await page.ReloadAsync();
        await Expect(page.GetByText("评议已保存")).ToHaveCountAsync(0);
        Assert.Equal(before + 1, (await InputsAsync(unit))["sources"]!["deputies"]!["count"]!.GetValue<int>());

        // The identity view: one entry in the timeline, with its reason, after a reload too.
        using var anonymous = new HttpClient { BaseAddress = fixture.BaseAddress };
        var response = await anonymous.PostAsJsonAsync("/api/v1/complaints", new JsonObject
        {
            ["unitCode"] = "jyt", ["category"] = "formalism", ["title"] = $"实名反映窗口推诿 {width}",
            ["description"] = "区教育局要求学校在一周内提交同一检查的三套纸质材料，教师连续加班整理台账。",
            ["anonymous"] = false, ["complainant"] = new JsonObject { ["name"] = "王小兰", ["phone"] = "13900001234", ["email"] = "wxl@example.cn" },
        });
        var lodged = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, lodged?.ToJsonString());
        var number = lodged!["trackingNumber"]!.GetValue<string>();
        await using var supervisorContext = await fixture.NewContextAsync(width);
        var supervisor = await supervisorContext.NewPageAsync();
        problems.AddRange(PageChecks.WatchForProblems(supervisor, output));
        await SignInAsync(supervisor, "supervisor@pingyi.local");
        await supervisor.GotoAsync($"/staff/complaints/{number}");
        await supervisor.Locator("#contact-reason").FillAsync("回访前核实联系方式");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "查看反映人信息" }).ClickAsync();
        await Expect(supervisor.Locator("#contact-phone")).ToHaveTextAsync("13900001234");
        await supervisor.ReloadAsync();
        await Expect(supervisor.Locator("#contact-phone")).ToHaveCountAsync(0);
        var views = supervisor.Locator("#timeline li", new() { HasText = "查看反映人信息" });
        await Expect(views).ToHaveCountAsync(1);
        await Expect(views.Locator(".view-reason")).ToContainTextAsync("回访前核实联系方式");
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, $"the case page at {width} px");
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task The_menu_links_only_to_pages_the_role_can_use(int width)
    {
        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await SignInAsync(page, "evaluator@pingyi.local");
        await Expect(page.Locator("header.site a[href='/staff/complaints']")).ToHaveCountAsync(0);
        await Expect(page.Locator("main a[href='/staff/complaints']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#scoring-link")).ToHaveCountAsync(0);
        await Expect(page.Locator("#evaluation-link")).ToBeVisibleAsync();
        await PageChecks.AssertNoHorizontalScrollAsync(page, $"an evaluator's workbench at {width} px");
        await PageChecks.ScreenshotAsync(page, output, $"81-evaluator-workbench-{width}");
        // Typed in anyway: the refusal, and no filter form.
        await page.GotoAsync("/staff/complaints");
        await Expect(page.Locator("#list-denied")).ToContainTextAsync("无权查看反映列表");
        await Expect(page.Locator("form[role=search]")).ToHaveCountAsync(0);

        await using var supervisorContext = await fixture.NewContextAsync(width);
        var supervisor = await supervisorContext.NewPageAsync();
        problems.AddRange(PageChecks.WatchForProblems(supervisor, output));
        await SignInAsync(supervisor, "supervisor@pingyi.local");
        await supervisor.Locator("#nav-complaints").ClickAsync();
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "反映列表" })).ToBeVisibleAsync();
        if (width < 1024)
        {
            // A phone folds the filters under 筛选.
            await supervisor.Locator("#list-filters > summary").ClickAsync();
        }
        await Expect(supervisor.Locator("form[role=search]")).ToBeVisibleAsync();
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, $"the supervisor's list at {width} px");
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task The_public_results_are_reached_from_the_home_page_with_their_notes_in_view(int width)
    {
        await PublishAsync();
        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await page.GotoAsync("/");
        await Expect(page.Locator("#nav-results")).ToBeVisibleAsync();
        await page.Locator("#home-results").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "2026 年度机关作风评议结果" })).ToBeVisibleAsync();
        var last = page.Locator("#public-party-mass table tbody tr").Last;
        var remark = last.Locator("td.remark");
        await Expect(remark).ToHaveTextAsync("重点跟踪");
        // In view without scrolling the table sideways.
        var box = await remark.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X + box.Width <= width, $"重点跟踪 ends at {box.X + box.Width} px, past the {width} px screen");
        await PageChecks.AssertNoHorizontalScrollAsync(page, $"the public results at {width} px");
        await PageChecks.ScreenshotAsync(page, output, $"82-results-public-{width}", fullPage: false);
        Assert.Empty(problems);
    }

    /// <summary>Rates three units of 2026, approves and publishes the round (once per fixture).</summary>
    private async Task PublishAsync()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.BaseAddress };
        if ((await anonymous.GetAsync("/api/v1/evaluations/2026/rankings")).IsSuccessStatusCode)
        {
            return;
        }
        using var supervisor = await ApiAsync(fixture.BaseAddress, "supervisor@pingyi.local");
        Assert.True((await supervisor.PostAsJsonAsync("/api/v1/evaluations/2026/open", new { })).IsSuccessStatusCode);
        using var deputies = await ApiAsync(fixture.BaseAddress, "deputies@pingyi.local");
        foreach (var (unit, rating) in new[] { ("xcb", "satisfied"), ("tzb", "dissatisfied"), ("zfw", "basically-satisfied") })
        {
            var answers = new JsonObject { ["formalism"] = rating, ["eight-point-rules"] = rating, ["epidemic-response"] = rating, ["discipline"] = rating };
            var rated = await deputies.PostAsJsonAsync("/api/v1/evaluations/2026/ratings", new JsonObject { ["source"] = "deputies", ["unitCode"] = unit, ["rating"] = rating, ["answers"] = answers, ["formReference"] = $"RESULTS-{unit}" });
            Assert.True(rated.IsSuccessStatusCode, await rated.Content.ReadAsStringAsync());
        }
        Assert.True((await supervisor.PostAsJsonAsync("/api/v1/evaluations/2026/close", new { })).IsSuccessStatusCode);
        Assert.True((await supervisor.PostAsJsonAsync("/api/v1/evaluations/2026/approve", new { confirmCoverage = true })).IsSuccessStatusCode);
        Assert.True((await supervisor.PostAsJsonAsync("/api/v1/evaluations/2026/publication", new { published = true })).IsSuccessStatusCode);
    }
}
