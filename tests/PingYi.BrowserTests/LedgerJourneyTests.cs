using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// The rectification ledger (整改台账) on a 390 px phone: a supervisor puts a problem on a unit's ledger, the
/// unit's handler finds it in their list, uploads a photo as evidence and reports it done, and the
/// supervisor verifies it. No page scrolls sideways; what people typed is shown as text.
/// </summary>
public sealed class LedgerJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Problem = "窗口<b>推诿</b>扯皮，群众多次往返";

    [Fact]
    public async Task A_supervisor_puts_a_problem_on_the_ledger_and_the_unit_reports_it_done_on_a_phone()
    {
        await using var supervisorContext = await fixture.NewPhoneContextAsync();
        var supervisor = await supervisorContext.NewPageAsync();
        var supervisorProblems = PageChecks.WatchForProblems(supervisor, output);
        await SignInAsync(supervisor, "supervisor@pingyi.local");
        await supervisor.GotoAsync("/staff/evaluation/ledger");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "整改台账" })).ToBeVisibleAsync();
        await PageChecks.AssertStylesheetLoadedAsync(supervisor);
        await supervisor.Locator("#ledger-new").ClickAsync();

        // Submitting without a due date keeps what was typed and says what is missing.
        await supervisor.Locator("#unit").SelectOptionAsync("mzt");
        await supervisor.Locator("#source").SelectOptionAsync("prior-year");
        await supervisor.Locator("#problem").FillAsync(Problem);
        await supervisor.Locator("#measures").FillAsync("推行首问负责制和一次性告知，每月通报办理情况。");
        await supervisor.Locator("#owner").FillAsync("办公室主任 王某");
        await supervisor.Locator("#ledger-submit").ClickAsync();
        await Expect(supervisor.Locator(".field-error").First).ToContainTextAsync("请填写整改时限");
        await Expect(supervisor.Locator("#problem")).ToHaveValueAsync(Problem);
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "ledger form");
        await supervisor.Locator("#due").FillAsync("2026-12-20");
        await supervisor.Locator("#ledger-submit").ClickAsync();
        await Expect(supervisor.Locator("#ledger-notice")).ToContainTextAsync("整改事项已登记");
        var itemUrl = new Uri(supervisor.Url).PathAndQuery;

        await using var unitContext = await fixture.NewPhoneContextAsync();
        var unit = await unitContext.NewPageAsync();
        var unitProblems = PageChecks.WatchForProblems(unit, output);
        await SignInAsync(unit, "mzt@pingyi.local");
        await unit.GotoAsync("/staff/evaluation");
        await unit.GetByRole(AriaRole.Link, new() { Name = "本单位整改台账" }).ClickAsync();
        var item = unit.Locator("li.ledger-item").Filter(new() { HasText = "推诿" });
        await Expect(item.Locator(".ledger-problem")).ToHaveTextAsync(Problem);
        Assert.Equal(0, await item.Locator(".ledger-problem b").CountAsync());
        await PageChecks.AssertNoHorizontalScrollAsync(unit, "ledger list");
        await PageChecks.ScreenshotAsync(unit, output, "ledger-list");
        await item.GetByRole(AriaRole.Link, new() { Name = "查看、报告进展" }).ClickAsync();

        // Reporting it done before any evidence is refused with the reason; then a photo, then done.
        await unit.Locator("#note").FillAsync("已召开专题会议，制定整改方案。");
        await unit.Locator("#completed").CheckAsync();
        await unit.Locator("#progress-submit").ClickAsync();
        await Expect(unit.Locator(".field-error").First).ToContainTextAsync("请先上传整改完成的佐证材料");
        await unit.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "整改现场.png", MimeType = "image/png", Buffer = TestPng.Create() });
        await unit.Locator("#evidence-submit").ClickAsync();
        await Expect(unit.Locator("#ledger-notice")).ToContainTextAsync("佐证材料已上传");
        await Expect(unit.Locator("#ledger-evidence")).ToContainTextAsync("整改现场.png");
        await unit.Locator("#note").FillAsync("首问负责制已上墙，窗口人员完成培训。");
        await unit.Locator("#completed").CheckAsync();
        await unit.Locator("#progress-submit").ClickAsync();
        await Expect(unit.Locator("#ledger-status")).ToHaveTextAsync("已完成待核验");
        await PageChecks.AssertNoHorizontalScrollAsync(unit, "ledger item");
        await PageChecks.ScreenshotAsync(unit, output, "ledger-item");

        await supervisor.GotoAsync(itemUrl);
        await Expect(supervisor.Locator("#ledger-progress")).ToContainTextAsync("报告整改完成");
        await supervisor.Locator("#verify-submit").ClickAsync();
        await Expect(supervisor.Locator("#ledger-status")).ToHaveTextAsync("已核验销号");
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "ledger item (verified)");

        Assert.Empty(supervisorProblems);
        Assert.Empty(unitProblems);
    }
}
