using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// The round's life on a 390 px phone: a supervisor creates next year's scheme from this year's, cannot approve their
/// own draft, an Admin approves it; the open round is closed and /staff/evaluation stays (read-only, the ledger and
/// deductions linked); reopening asks for a reason; the coverage page lists the missing sources. No page scrolls sideways.
/// </summary>
public sealed class RoundsJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    [Fact]
    public async Task A_scheme_is_approved_by_a_second_account_and_a_closed_round_stays_readable_on_a_phone()
    {
        await using var supervisorContext = await fixture.NewPhoneContextAsync();
        var supervisor = await supervisorContext.NewPageAsync();
        var supervisorProblems = PageChecks.WatchForProblems(supervisor, output);
        await SignInAsync(supervisor, "supervisor@pingyi.local");
        await supervisor.GotoAsync("/staff/evaluation/rounds");
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "评议年度", Exact = true })).ToBeVisibleAsync();
        await PageChecks.AssertStylesheetLoadedAsync(supervisor);
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the rounds page");
        var openRound = supervisor.Locator("section[id^='round-']").Filter(new() { HasText = "评议进行中" }).First;
        var year = int.Parse((await openRound.GetAttributeAsync("id"))!["round-".Length..], System.Globalization.CultureInfo.InvariantCulture);

        // Next year's draft from this year's scheme: the scheme page shows its figures and where each comes from.
        await supervisor.Locator("#copy-next").ClickAsync();
        await Expect(supervisor).ToHaveURLAsync(new Regex(@"/staff/evaluation/scheme\?year=\d{4}$"));
        await Expect(supervisor.Locator("#scheme-draft")).ToContainTextAsync("待审定");
        await Expect(supervisor.Locator("#scheme-figures tr[data-key='source:channel']")).ToContainTextAsync("建议值，通知未作规定");
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the scheme page");
        var schemeUrl = new Uri(supervisor.Url).PathAndQuery;
        await supervisor.Locator("#approve-scheme").ClickAsync();
        await Expect(supervisor.Locator("#scheme-problems")).ToContainTextAsync("不能审定自己上传的方案");

        await using var adminContext = await fixture.NewPhoneContextAsync();
        var admin = await adminContext.NewPageAsync();
        var adminProblems = PageChecks.WatchForProblems(admin, output);
        await SignInAsync(admin, "admin@pingyi.local");
        await admin.GotoAsync(schemeUrl);
        await admin.Locator("#approve-scheme").ClickAsync();
        await Expect(admin.Locator("#scheme-notice")).ToContainTextAsync("已审定");
        await Expect(admin.Locator("#scheme-status")).ToContainTextAsync("现行版本：第 1 版");

        // Coverage of the open round: the missing sources with the scheme's rule, the unit × source table inside its own scroller.
        await supervisor.GotoAsync($"/staff/evaluation/coverage?year={year}");
        await Expect(supervisor.Locator("#coverage-missing")).ToContainTextAsync("按权重比例重新分配");
        await Expect(supervisor.Locator("#coverage-table tbody tr").First).ToBeVisibleAsync();
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the coverage page");

        // Closing the open round: the evaluation page stays, read-only, with the ledger and deductions.
        await supervisor.GotoAsync("/staff/evaluation/rounds");
        await supervisor.Locator($"#close-{year}").ClickAsync();
        await Expect(supervisor.Locator("#rounds-notice")).ToContainTextAsync("已截止");
        await supervisor.GotoAsync("/staff/evaluation");
        await Expect(supervisor.Locator("#round-closed")).ToContainTextAsync("不再接收评议材料");
        await supervisor.GetByRole(AriaRole.Link, new() { Name = "整改台账" }).ClickAsync();
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "整改台账" })).ToBeVisibleAsync();

        // Reopening needs a reason.
        await supervisor.GotoAsync("/staff/evaluation/rounds");
        await supervisor.Locator($"#reopen-{year}").ClickAsync();
        await Expect(supervisor.Locator("#rounds-problems")).ToContainTextAsync("须说明理由");
        await supervisor.Locator($"#reason-{year}").FillAsync("补录省政务大厅纸质评议表");
        await supervisor.Locator($"#reopen-{year}").ClickAsync();
        await Expect(supervisor.Locator("#rounds-notice")).ToContainTextAsync("评议进行中");
        await Expect(supervisor.Locator($"#round-{year}")).ToContainTextAsync("补录省政务大厅纸质评议表");
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the rounds page after reopening");
        await PageChecks.ScreenshotAsync(supervisor, output, "60-rounds-390", fullPage: false);
        Assert.Empty(supervisorProblems);
        Assert.Empty(adminProblems);
    }
}
