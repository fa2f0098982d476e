using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// One case, one figure, as people see it at 390 and 1280 px: 提交成功 promises the workflow's accept days and
/// <c>/track</c> shows that many left; once assigned, <c>/track</c>, the staff list and the case page all read
/// 剩余 15 个工作日; past the deadline they, and the 督办台, read the same 超期 N 个工作日.
/// </summary>
public sealed partial class DeadlineFigureJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task The_citizen_and_the_staff_read_the_same_days_left_and_overdue(int width)
    {
        var title = $"期限天数一致（{width}）{Guid.NewGuid().ToString("N")[..6]}";
        await using var citizenContext = await fixture.NewContextAsync(width);
        var citizen = await citizenContext.NewPageAsync();
        var problems = PageChecks.WatchForProblems(citizen, output);

        await citizen.GotoAsync("/complaints/new");
        await citizen.Locator("#unit").SelectOptionAsync(new SelectOptionValue { Value = "jyt" });
        await citizen.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "formalism" });
        await citizen.Locator("#title").FillAsync(title);
        await citizen.Locator("#description").FillAsync("迎检材料层层加码，一周内要求报送三套纸质材料。");
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(citizen.Locator("#tracking-number")).ToBeVisibleAsync();
        var promised = (await citizen.Locator("#accept-days").InnerTextAsync()).Trim();
        Assert.Equal("2", promised); // acceptWorkingDays of workflows/complaint-handling.v4.json (the latest)
        var number = (await citizen.Locator("#tracking-number").InnerTextAsync()).Trim();
        var code = (await citizen.Locator("#access-code").InnerTextAsync()).Trim();
        await citizen.Locator("#open-case").ClickAsync();
        Assert.Equal([$"剩余 {promised} 个工作日"], Figures(await citizen.Locator("#progress-note").InnerTextAsync()));
        await PageChecks.ScreenshotAsync(citizen, output, $"60-track-accept-days-{width}", fullPage: false);

        await using var staffContext = await fixture.NewContextAsync(width);
        var staff = await staffContext.NewPageAsync();
        problems.AddRange(PageChecks.WatchForProblems(staff, output));
        await SignInAsync(staff, "supervisor@pingyi.local");
        Assert.Equal([$"剩余 {promised} 个工作日"], await ListFiguresAsync(staff, title));

        // Assigned today: 15 working days, 15 left on every page (not 16).
        await staff.GotoAsync("/staff/complaints/" + number);
        var assign = staff.Locator("#action-assign");
        await assign.Locator("> summary").ClickAsync();
        await staff.Locator("#assign-unitCode").SelectOptionAsync(new SelectOptionValue { Value = "jyt" });
        await assign.GetByRole(AriaRole.Button, new() { Name = "受理并交办" }).ClickAsync();
        await Expect(staff.Locator("#done")).ToHaveTextAsync("已完成“受理并交办”。");
        const string fifteen = "剩余 15 个工作日";
        Assert.Equal([fifteen], Figures(await staff.Locator("#due").InnerTextAsync()));
        Assert.Equal([fifteen], await ListFiguresAsync(staff, title));
        await TrackAsync(citizen, number, code);
        Assert.Equal([fifteen], Figures(await citizen.Locator("#progress-note").InnerTextAsync()));

        // A month on, the deadline long past: the same overdue count on /track, the list, the case page and the 督办台.
        fixture.Time.Advance(TimeSpan.FromDays(30));
        await fixture.SweepTimersAsync();
        await using var laterContext = await fixture.NewContextAsync(width);
        var later = await laterContext.NewPageAsync();
        problems.AddRange(PageChecks.WatchForProblems(later, output));
        await SignInAsync(later, "supervisor@pingyi.local");
        var listed = await ListFiguresAsync(later, title);
        var overdue = Assert.Single(listed);
        Assert.Matches(OverdueFigure(), overdue);
        await later.GotoAsync("/staff/complaints/" + number);
        Assert.Equal([overdue], Figures(await later.Locator("#due").InnerTextAsync()));
        await Expect(later.Locator("#overdue")).ToBeVisibleAsync();
        await later.GotoAsync("/staff/oversight");
        var item = later.Locator($"li[data-tracking='{number}']");
        await Expect(item.Locator(".standing")).ToContainTextAsync(overdue);
        await PageChecks.AssertNoHorizontalScrollAsync(later, "the 督办台");
        await PageChecks.ScreenshotAsync(later, output, $"61-oversight-overdue-{width}", fullPage: false);
        await using var citizenLater = await fixture.NewContextAsync(width);
        var citizenPage = await citizenLater.NewPageAsync();
        await TrackAsync(citizenPage, number, code);
        Assert.Equal([overdue], Figures(await citizenPage.Locator("#progress-note").InnerTextAsync()));
        await PageChecks.AssertNoHorizontalScrollAsync(citizenPage, "the tracking page");

        Assert.Empty(problems);
    }

    /// <summary>The figures the staff list shows for the case (what is visible at this width: table or cards).</summary>
    private static async Task<IReadOnlyList<string>> ListFiguresAsync(IPage page, string title)
    {
        await page.GotoAsync("/staff/complaints?q=" + Uri.EscapeDataString(title));
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the staff list");
        return Figures(await page.Locator("main").InnerTextAsync());
    }

    private static IReadOnlyList<string> Figures(string text) => Figure().Matches(text).Select(m => m.Value).Distinct().ToList();

    private static async Task TrackAsync(IPage page, string trackingNumber, string accessCode)
    {
        await page.GotoAsync("/track");
        if (await page.Locator("#forget").CountAsync() > 0)
        {
            await page.Locator("#forget").ClickAsync();
        }
        await page.Locator("#trackingNumber").FillAsync(trackingNumber);
        await page.Locator("#code").FillAsync(accessCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(page.Locator("#complaint")).ToBeVisibleAsync();
    }

    [GeneratedRegex(@"(?:剩余|超期) \d+ 个工作日|今天到期")]
    private static partial Regex Figure();

    [GeneratedRegex(@"^超期 \d+ 个工作日$")]
    private static partial Regex OverdueFigure();
}
