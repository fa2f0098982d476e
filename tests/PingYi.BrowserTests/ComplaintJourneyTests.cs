using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PingYi.BrowserTests;

/// <summary>A citizen on a phone lodges a complaint, follows it and adds information.</summary>
public sealed partial class ComplaintJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Title = "<b>粗体</b>标题：办事窗口推诿扯皮";
    private const string Description = "今年十一月在省教育厅办事大厅办理资格认定，窗口人员多次推诿，要求反复提交同一材料。<script>alert(1)</script><b>加粗</b>";
    private const string Supplement = "<script>window.__xss=1</script>补充说明：第二次去办理时仍被要求补交材料。";

    [Fact]
    public async Task Phone_user_lodges_a_complaint_tracks_it_and_adds_a_supplement_and_sees_text_not_markup()
    {
        var watch = Stopwatch.StartNew();
        await using var context = await fixture.NewPhoneContextAsync();
        var page = await context.NewPageAsync();
        var problems = WatchForProblems(page);

        // The form.
        await page.GotoAsync("/complaints/new");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "我要反映问题" })).ToBeVisibleAsync();
        await AssertStylesheetLoadedAsync(page);
        await AssertNoHorizontalScrollAsync(page, "the complaint form");

        // As a newcomer does it: 查找 first (the page is then at ?handler=Search), choose the unit, fill in,
        // attach, 提交. The submit must reach the lodging handler, not search again.
        await page.Locator("#unitSearch").FillAsync("教育");
        await page.GetByRole(AriaRole.Button, new() { Name = "查找", Exact = true }).ClickAsync();
        await Expect(page.Locator("#unit-search-result")).ToContainTextAsync("找到 1 个单位");
        var selected = await page.Locator("#unit").SelectOptionAsync(new SelectOptionValue { Value = "jyt" });
        Assert.Equal(["jyt"], selected);
        Assert.Equal("省教育厅", (await page.Locator("#unit option:checked").InnerTextAsync()).Trim());
        await page.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "bureaucratism" });
        await page.Locator("#title").FillAsync(Title);
        await page.Locator("#description").FillAsync(Description);
        await Expect(page.Locator("input[name='Input.Anonymous'][value='true']")).ToBeCheckedAsync();
        await page.Locator("#attachments").SetInputFilesAsync(new FilePayload
        {
            Name = "证据截图.png",
            MimeType = "image/png",
            Buffer = TestPng.Create(),
        });
        await ScreenshotAsync(page, "01-form-filled");
        await page.Locator("#attachments").ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "01b-form-attachment-in-view", fullPage: false);

        await page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/complaints/lodged$"));

        // Shown once: the tracking number and the access code.
        await Expect(page.Locator("#tracking-number")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "提交成功" })).ToBeVisibleAsync();
        var trackingNumber = (await page.Locator("#tracking-number").InnerTextAsync()).Trim();
        var accessCode = (await page.Locator("#access-code").InnerTextAsync()).Trim();
        Assert.Matches(TrackingNumberPattern(), trackingNumber);
        Assert.StartsWith("ZTC-" + PingYiBrowserFixture.Start.Year + "-", trackingNumber, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(accessCode), "The access code should be shown.");
        await AssertNoHorizontalScrollAsync(page, "the success page");
        await ScreenshotAsync(page, "02-lodged");

        // Follow it.
        await page.GotoAsync("/track");
        await AssertNoHorizontalScrollAsync(page, "the empty tracking form");
        await page.Locator("#trackingNumber").FillAsync(trackingNumber);
        await page.Locator("#code").FillAsync(accessCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync("待受理");
        await Expect(page.Locator("#complaint #tracking-number")).ToHaveTextAsync(trackingNumber);
        var facts = await page.Locator("#complaint").InnerTextAsync();
        Assert.Contains("省教育厅", facts, StringComparison.Ordinal);
        // The app reads the fake clock (02:00 UTC is 10:00 in China), not the machine's.
        Assert.Contains("2026-11-25 10:00", facts, StringComparison.Ordinal);
        // (a) The title's HTML is shown as text, not turned into elements.
        Assert.Contains(Title, facts, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#complaint b").CountAsync());
        // The photo attached after 查找 arrived with the complaint.
        await Expect(page.Locator("#own-files li")).ToHaveCountAsync(1);
        await AssertNoHorizontalScrollAsync(page, "the tracking page");
        await ScreenshotAsync(page, "03-tracking");

        // (b) A supplement with a script in it is shown literally in the timeline and never runs.
        await page.Locator("#supplementText").FillAsync(Supplement);
        await page.GetByRole(AriaRole.Button, new() { Name = "提交补充材料", Exact = true }).ClickAsync();
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("补充材料已提交。");
        await Expect(page.Locator("#timeline")).ToContainTextAsync(Supplement);
        Assert.Equal(0, await page.Locator("#timeline script").CountAsync());
        Assert.Equal(0, await page.Locator("main script").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"), "window.__xss was set: the supplement ran as a script.");
        await Expect(page.Locator("#status")).ToHaveTextAsync("待受理");
        await AssertNoHorizontalScrollAsync(page, "the tracking page after a supplement");
        await ScreenshotAsync(page, "04-tracking-with-supplement");

        Assert.Empty(problems);
        output.WriteLine($"Journey took {watch.Elapsed.TotalSeconds:F1} s; screenshots in {PingYiBrowserFixture.ScreenshotDirectory}");
    }

    [Fact]
    public async Task A_too_short_description_shows_the_Chinese_field_error_and_keeps_what_was_typed()
    {
        await using var context = await fixture.NewPhoneContextAsync();
        var page = await context.NewPageAsync();
        var problems = WatchForProblems(page);
        const string title = "窗口工作人员态度生硬";
        const string shortDescription = "态度很差";

        await page.GotoAsync("/complaints/new");
        await AssertStylesheetLoadedAsync(page);
        await page.Locator("#unit").SelectOptionAsync(new SelectOptionValue { Value = "jyt" });
        await page.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "discipline" });
        await page.Locator("#title").FillAsync(title);
        await page.Locator("#description").FillAsync(shortDescription);
        await page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();

        await Expect(page.Locator("#form-errors")).ToBeVisibleAsync();
        await Expect(page.Locator("#description ~ .field-error")).ToHaveTextAsync("问题描述至少 10 个字，请写清楚时间、地点、经过。");
        await Expect(page.Locator("#description")).ToHaveClassAsync(new Regex(@"\binput-error\b"));
        await Expect(page.Locator("#tracking-number")).ToHaveCountAsync(0);

        // Nothing the citizen typed or chose is lost.
        await Expect(page.Locator("#title")).ToHaveValueAsync(title);
        await Expect(page.Locator("#description")).ToHaveValueAsync(shortDescription);
        await Expect(page.Locator("#unit")).ToHaveValueAsync("jyt");
        await Expect(page.Locator("#category")).ToHaveValueAsync("discipline");
        await Expect(page.Locator("input[name='Input.Anonymous'][value='true']")).ToBeCheckedAsync();
        await AssertNoHorizontalScrollAsync(page, "the form with errors");
        await ScreenshotAsync(page, "05-form-error");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await ScreenshotAsync(page, "05b-form-error-first-screen", fullPage: false);
        await page.Locator("#description").ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "05c-form-error-at-field", fullPage: false);

        Assert.Empty(problems);
    }

    private List<string> WatchForProblems(IPage page) => PageChecks.WatchForProblems(page, output);

    private static Task AssertStylesheetLoadedAsync(IPage page) => PageChecks.AssertStylesheetLoadedAsync(page);

    private static Task AssertNoHorizontalScrollAsync(IPage page, string where) => PageChecks.AssertNoHorizontalScrollAsync(page, where);

    private Task ScreenshotAsync(IPage page, string name, bool fullPage = true) => PageChecks.ScreenshotAsync(page, output, name, fullPage);

    [GeneratedRegex(@"^ZTC-\d{4}-\d{6}$")]
    private static partial Regex TrackingNumberPattern();
}
