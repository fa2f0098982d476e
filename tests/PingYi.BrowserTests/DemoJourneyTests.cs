using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PingYi.BrowserTests;

/// <summary>The app as <c>dotnet run</c> starts it: demo data with its past months (<c>Demo:History</c>).</summary>
public sealed class DemoHistoryBrowserFixture : PingYiBrowserFixture
{
    protected override void ConfigureApp(IWebHostBuilder builder) => builder.UseSetting("Demo:History", "true");
}

/// <summary>
/// What a new user sees right after starting the demo, at 390 and 1280 px: the 督办台 with overdue, escalated and
/// supervised cases, the current year's ranking with scores that differ between units, 省教育厅's 得分说明 listing
/// its cases, and the 2020 results published.
/// </summary>
public sealed partial class DemoJourneyTests(DemoHistoryBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<DemoHistoryBrowserFixture>
{
    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task The_demo_shows_overdue_escalated_cases_and_a_ranking_that_differs(int width)
    {
        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync("supervisor@pingyi.local");
        await page.Locator("#password").FillAsync("PingYi-Demo-2020");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();

        await page.GotoAsync("/staff/oversight");
        var board = await page.Locator("main").InnerTextAsync();
        Assert.Matches(EscalatedTag(), board);
        Assert.Matches(NoticeNumber(), board);
        Assert.True(int.Parse(OverdueCount().Match(board).Groups[1].Value, CultureInfo.InvariantCulture) >= 2, board);
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the 督办台 of the demo");
        await PageChecks.ScreenshotAsync(page, output, $"70-demo-oversight-{width}", fullPage: false);

        var year = PingYiBrowserFixture.Start.Year;
        await page.GotoAsync($"/staff/scoring/{year}");
        var scores = (await page.Locator("table.ranking-table td.score").AllInnerTextsAsync()).Select(s => s.Trim()).Distinct().ToList();
        Assert.True(scores.Count > 1, "every unit scores the same: " + string.Join(", ", scores));
        await PageChecks.ScreenshotAsync(page, output, $"71-demo-ranking-{width}", fullPage: false);

        await page.GotoAsync($"/staff/scoring/{year}/units/jyt");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("本评议期内无交办本单位的反映");
        Assert.True(await page.Locator("tr[data-tracking]").CountAsync() >= 3, "省教育厅's 得分说明 lists its cases");
        await PageChecks.AssertNoHorizontalScrollAsync(page, "省教育厅's 得分说明");

        await page.GotoAsync("/results");
        await Expect(page.Locator("main")).ToContainTextAsync("2020");
        await Expect(page.Locator("#results-empty")).ToHaveCountAsync(0);

        Assert.Empty(problems);
    }

    [GeneratedRegex(@"督办 [23] 级")]
    private static partial Regex EscalatedTag();

    [GeneratedRegex(@"DB-\d{4}-\d{4}")]
    private static partial Regex NoticeNumber();

    [GeneratedRegex(@"超期反映\s*(\d+)\s*件")]
    private static partial Regex OverdueCount();
}
