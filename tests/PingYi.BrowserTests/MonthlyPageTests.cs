using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PingYi.BrowserTests;

/// <summary>
/// 月度通报 on a 390 px phone (issue 23 §5): a supervisor takes November's snapshot by hand, the clock moves to the first
/// working day of December and a second one is taken; the page shows December's ranking per category as cards, the
/// units that moved, a unit's trend (table and chart); a unit's handler sees only its own line. Nothing scrolls
/// sideways; the 督办台 shows the warned units. The screens are saved to look at.
/// </summary>
public sealed class MonthlyPageTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Password = "PingYi-Demo-2020";

    [Fact]
    public async Task The_monthly_report_reads_on_a_phone_without_scrolling_sideways()
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
        // jyt signs for its case in time, gat never does: by December gat is last of the two in its category (预警).
        var lodged = await Post("/api/v1/complaints", new { unitCode = "jyt", category = "formalism", title = "学校课后服务收费不透明，家长多次反映无人答复", description = "相关科室互相推诿，至今未解决。", anonymous = true });
        var jytCase = lodged["trackingNumber"]!.GetValue<string>();
        await Post($"/api/v1/complaints/{jytCase}/actions/assign", new { unitCode = "jyt" });
        var gatCase = (await Post("/api/v1/complaints", new { unitCode = "gat", category = "bureaucratism", title = "户籍迁移材料反复要求补交，窗口推诿", description = "三次前往派出所均被要求补充不同材料。", anonymous = true }))["trackingNumber"]!.GetValue<string>();
        await Post($"/api/v1/complaints/{gatCase}/actions/assign", new { unitCode = "gat" });
        await SignInAs("jyt@pingyi.local");
        await Post($"/api/v1/complaints/{jytCase}/actions/sign", new { });
        await SignInAs("supervisor@pingyi.local");
        var november = await Post("/api/v1/evaluations/2026/monthly", new { });
        Assert.Equal(11, november["month"]!.GetValue<int>());
        // Tuesday 1 December 2026, 09:00 China: the first working day of December.
        fixture.Time.SetUtcNow(new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero));
        await fixture.SweepTimersAsync();
        await SignInAs("supervisor@pingyi.local");
        var december = await Post("/api/v1/evaluations/2026/monthly", new { });
        Assert.Equal(12, december["month"]!.GetValue<int>());

        await using var phone = await fixture.NewPhoneContextAsync();
        var page = await phone.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        async Task SignInPage(string email)
        {
            await page.GotoAsync("/account/login");
            await page.Locator("#email").FillAsync(email);
            await page.Locator("#password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();
        }
        await SignInPage("supervisor@pingyi.local");

        await page.GotoAsync("/staff/scoring/2026/monthly?unit=jyt");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "2026 年度月度通报" })).ToBeVisibleAsync();
        await Expect(page.Locator("#previous-month")).ToHaveTextAsync("11 月通报");
        await Expect(page.Locator("tr[data-unit='jyt']").First).ToBeVisibleAsync();
        await Expect(page.Locator("#trend-table")).ToContainTextAsync("12月");
        await Expect(page.Locator("#trend img.chart")).ToHaveCountAsync(1);
        await PageChecks.AssertStylesheetLoadedAsync(page);
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the monthly report on a phone");
        await PageChecks.ScreenshotScreensAsync(page, output, "80-monthly-report-phone");

        // The trend of another unit, chosen with the form (a GET: the page stays a URL).
        await page.Locator("#trend-unit").SelectOptionAsync("gat");
        await page.GetByRole(AriaRole.Button, new() { Name = "查看走势" }).ClickAsync();
        await Expect(page.Locator("#trend-title")).ToBeVisibleAsync();
        Assert.Contains("unit=gat", page.Url);

        await page.GotoAsync("/staff/oversight");
        await Expect(page.Locator("#warning-gat")).ToContainTextAsync("列后两位");
        await Expect(page.Locator("#warning-gat")).ToContainTextAsync("及时签收率 0.0%");
        await Expect(page.Locator("#warning-jyt")).ToHaveCountAsync(0);
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the 督办台 with its early warnings on a phone");
        await PageChecks.ScreenshotAsync(page, output, "81-oversight-warnings-phone");

        // A unit's handler: its own line, no other unit's rank.
        await using var handlerPhone = await fixture.NewPhoneContextAsync();
        page = await handlerPhone.NewPageAsync();
        problems.AddRange(PageChecks.WatchForProblems(page, output));
        await SignInPage("jyt@pingyi.local");
        await page.GotoAsync("/staff/scoring/2026/monthly");
        await Expect(page.Locator("tr[data-unit='jyt']")).ToHaveCountAsync(1);
        await Expect(page.Locator("tr[data-unit]")).ToHaveCountAsync(1);
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the monthly report of a unit's handler on a phone");
        await PageChecks.ScreenshotAsync(page, output, "82-monthly-report-unit-phone");
        Assert.Empty(problems);
    }
}
