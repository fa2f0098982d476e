using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// 督办台 in Chromium on a 390 px phone and a 1280 px desktop: an overdue case under its unit with working days
/// overdue and level, a submitted case past its 受理期限, the chart (a table of counts on the phone; ScottPlot SVG in
/// the page on the desktop, which the board fills, and PNG to download), 督办 from the board, the printable
/// notice, and the handler's inbox putting the open notice first.
/// </summary>
public sealed partial class SupervisionDeskBoardTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Password = "PingYi-Demo-2020";

    [Fact]
    public async Task Supervisors_chase_overdue_cases_from_the_board_on_phone_and_desktop()
    {
        var title = "学校迎检台账层层加码" + Guid.NewGuid().ToString("N")[..6];
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        var lodged = await (await http.PostAsJsonAsync("/api/v1/complaints", new
        {
            unitCode = "jyt", category = "formalism", title, anonymous = true,
            description = "区教育局要求学校在一周内提交同一检查的三套纸质材料，教师连续加班整理台账。",
        })).Content.ReadFromJsonAsync<JsonObject>();
        var number = lodged!["trackingNumber"]!.GetValue<string>();
        var unaccepted = await (await http.PostAsJsonAsync("/api/v1/complaints", new
        {
            unitCode = "jyt", category = "formalism", title = "未按期受理的反映" + Guid.NewGuid().ToString("N")[..6], anonymous = true,
            description = "反映提交后超过受理期限仍未受理，督办台应列出，提醒纪检监察工委及时受理。",
        })).Content.ReadFromJsonAsync<JsonObject>();
        var unacceptedNumber = unaccepted!["trackingNumber"]!.GetValue<string>();
        var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email = "supervisor@pingyi.local", password = Password })).Content.ReadFromJsonAsync<JsonObject>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", login!["accessToken"]!.GetValue<string>());
        Assert.True((await http.PostAsJsonAsync($"/api/v1/complaints/{number}/actions/assign", new { unitCode = "jyt" })).IsSuccessStatusCode);

        // Due at the end of Wed 12-16; on Tue 12-22 three working days have passed: level 2.
        fixture.Time.SetUtcNow(new DateTimeOffset(2026, 12, 22, 2, 0, 0, TimeSpan.Zero));
        await fixture.SweepTimersAsync();

        await using var phone = await fixture.NewPhoneContextAsync();
        var page = await phone.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await SignInAsync(page, "supervisor@pingyi.local");
        await page.Locator("#oversight-link").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "督办台", Exact = true })).ToBeVisibleAsync();
        var item = page.Locator($"#unit-jyt li[data-tracking='{number}']");
        await Expect(item).ToContainTextAsync("超期 4 个工作日 · 督办 2 级");
        // Lodged on 11-25 and never accepted: its 受理期限 passed long ago.
        await Expect(page.Locator($"#unit-jyt li[data-tracking='{unacceptedNumber}']")).ToContainTextAsync(new Regex(@"超过受理期限 \d+ 个工作日 · 待受理"));
        await Expect(page.Locator("#accept-late-count")).Not.ToHaveTextAsync("0 件");
        // On a phone the chart is a table of counts; the drawn chart is for wide screens.
        await Expect(page.Locator("#chart img.chart")).ToBeHiddenAsync();
        await Expect(page.Locator("#chart-table tr", new() { HasText = "省教育厅" })).ToContainTextAsync(new Regex(@"省教育厅\s*\d+ 件"));
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the 督办台 on a phone");
        await PageChecks.ScreenshotScreensAsync(page, output, "60-oversight-phone");

        // 督办 from the board: the form posts to the complaint page's action path.
        await item.Locator("details.quick-actions > summary").ClickAsync();
        await item.Locator($"#supervise-{number}").FillAsync("超期未报告，请说明原因并限期办结");
        await item.GetByRole(AriaRole.Button, new() { Name = "发督办通知" }).ClickAsync();
        await Expect(page.Locator("#done")).ToHaveTextAsync("已完成“督办”。");
        await page.GotoAsync("/staff/oversight");
        var notice = page.Locator($"#unit-jyt li[data-tracking='{number}'] a.tag");
        await Expect(notice).ToContainTextAsync(DbNumber());
        await notice.ClickAsync();
        await Expect(page.Locator("#notice-number")).ToHaveTextAsync(DbNumber());
        await Expect(page.Locator("#notice-unit")).ToHaveTextAsync("省教育厅");
        await Expect(page.Locator("#notice-reason")).ToHaveTextAsync("超期未报告，请说明原因并限期办结");
        // Three working days after Tue 12-22: Wed, Thu, Fri 12-25.
        await Expect(page.Locator("#notice-due")).ToHaveTextAsync("2026-12-25 24:00");
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the 督办通知单 on a phone");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator("p.back")).ToBeHiddenAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        // The desktop: sorting and the PNG download.
        await using var desktop = await fixture.Browser.NewContextAsync(new()
        {
            BaseURL = fixture.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai", AcceptDownloads = true,
        });
        var wide = await desktop.NewPageAsync();
        problems.AddRange(PageChecks.WatchForProblems(wide, output));
        await SignInAsync(wide, "supervisor@pingyi.local");
        await wide.GotoAsync("/staff/oversight");
        await wide.Locator("#sort-level").ClickAsync();
        await Expect(wide).ToHaveURLAsync(new Regex("sort=level"));
        await Expect(wide.Locator($"#unit-jyt li[data-tracking='{number}']")).ToContainTextAsync("督办 2 级");
        await PageChecks.AssertNoHorizontalScrollAsync(wide, "the 督办台 on a desktop");
        var chart = wide.Locator("#chart img.chart");
        await Expect(chart).ToBeVisibleAsync();
        await Expect(wide.Locator("#chart-table")).ToBeHiddenAsync();
        Assert.True(await chart.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the chart SVG did not decode");
        Assert.Contains("省教育厅", await chart.GetAttributeAsync("alt"));
        // The board uses the desktop's width (not a 46rem column): units side by side.
        var board = await wide.Locator(".oversight-board").BoundingBoxAsync();
        Assert.True(board!.Width >= 1100, $"the board is {board.Width} px wide on a 1280 px screen");
        await PageChecks.ScreenshotAsync(wide, output, "61-oversight-desktop");
        var download = await wide.RunAndWaitForDownloadAsync(() => wide.Locator("#chart-png").ClickAsync());
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path!);
        Assert.True(bytes.Length > 1000 && bytes[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "the download is not a PNG");

        // The unit's handler sees the open notice first in the inbox and answers it on the complaint page.
        await using var handlerPhone = await fixture.NewPhoneContextAsync();
        var handler = await handlerPhone.NewPageAsync();
        problems.AddRange(PageChecks.WatchForProblems(handler, output));
        await SignInAsync(handler, "jyt@pingyi.local");
        var first = handler.Locator("section.inbox").First;
        await Expect(first).ToHaveAttributeAsync("id", "unit-supervision");
        await Expect(first).ToContainTextAsync(number);
        await first.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        var answer = handler.Locator("#action-answer-supervision");
        await answer.Locator("> summary").ClickAsync();
        await handler.Locator("#answer-supervision-answer").FillAsync("已约谈相关责任人，三日内报送办理情况。");
        await answer.GetByRole(AriaRole.Button, new() { Name = "答复督办" }).ClickAsync();
        await Expect(handler.Locator("#done")).ToHaveTextAsync("已完成“答复督办”。");
        await handler.GotoAsync("/staff");
        await Expect(handler.Locator("#unit-supervision")).Not.ToContainTextAsync(number);

        Assert.Empty(problems);
    }

    [GeneratedRegex(@"DB-2026-\d{4}")]
    private static partial Regex DbNumber();
}
