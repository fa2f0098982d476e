using System.Text.RegularExpressions;
using Microsoft.Playwright;
using UglyToad.PdfPig;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// The pages as people use them, each at 390 px (phone) and 1280 px (desktop): no second complaint on a
/// reload or a resent form, the status after 不满意, errors where the eye is, the progress line, the
/// confirmation of irreversible actions and the A4 print pages.
/// </summary>
public sealed partial class PagesTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Description = "省教育厅办事大厅窗口人员多次推诿，要求反复提交同一份材料，前后跑了四次。";

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task A_resent_form_or_a_reload_lodges_nothing_new_and_the_case_opens_without_the_code_in_a_URL(int width)
    {
        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        var urls = new List<string>();
        page.Request += (_, request) => urls.Add(request.Url);
        var title = $"窗口推诿（{width}）";

        await FillComplaintAsync(page, title);
        // The same form sent twice more (a double tap, a resend after a lost answer): each answer names one case.
        const string resend = """
            async () => {
              const form = document.querySelector('form[enctype="multipart/form-data"]');
              const html = await (await fetch(form.action, { method: 'POST', body: new FormData(form) })).text();
              return (html.match(/ZTC-\d{4}-\d{6}/) || [''])[0];
            }
            """;
        var first = await page.EvaluateAsync<string>(resend);
        var second = await page.EvaluateAsync<string>(resend);
        Assert.Matches(TrackingNumberPattern(), first);
        Assert.Equal(first, second);

        await page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/complaints/lodged$"));
        await Expect(page.Locator("#tracking-number")).ToHaveTextAsync(first);
        var code = (await page.Locator("#access-code").InnerTextAsync()).Trim();
        await PageChecks.ScreenshotAsync(page, output, $"20-lodged-{width}", fullPage: false);

        // A reload of the result lodges nothing and no longer shows the code.
        await page.ReloadAsync();
        await Expect(page.Locator("#shown-once")).ToBeVisibleAsync();
        await Expect(page.Locator("#access-code")).ToHaveCountAsync(0);

        // The next complaint gets the next number: nothing was lodged in between.
        await FillComplaintAsync(page, title + "（另一件）");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var next = (await page.Locator("#tracking-number").InnerTextAsync()).Trim();
        Assert.Equal(Sequence(first) + 1, Sequence(next));
        var nextCode = (await page.Locator("#access-code").InnerTextAsync()).Trim();

        // 去查询进度 opens the case itself: the progress line, the citizen's own words.
        await page.Locator("#open-case").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/track$"));
        await Expect(page.Locator("#complaint #tracking-number")).ToHaveTextAsync(next);
        await Expect(page.Locator("#progress li .step-label")).ToHaveTextAsync(["提交", "受理", "办理", "审核", "评价", "办结"]);
        await Expect(page.Locator("#progress li.current .step-label")).ToHaveTextAsync("受理");
        await Expect(page.Locator("#progress li.done .step-label")).ToHaveTextAsync(["提交"]);
        await Expect(page.Locator("#progress-note")).ToHaveTextAsync(new Regex(@"^受理期限 \d{4}-\d{2}-\d{2} 24:00，剩余 \d+ 个工作日(（含今天）)?。$"));
        await Expect(page.Locator("#own-description")).ToHaveTextAsync(Description);
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the tracking page with the progress line");
        await PageChecks.ScreenshotAsync(page, output, $"21-track-progress-{width}", fullPage: false);

        // A reload shows the case again (no resubmission prompt, no form).
        await page.ReloadAsync();
        await Expect(page.Locator("#complaint #tracking-number")).ToHaveTextAsync(next);

        // The codes never travelled in a URL.
        Assert.DoesNotContain(urls, u => u.Contains(code.Replace("-", ""), StringComparison.OrdinalIgnoreCase) || u.Contains(code, StringComparison.OrdinalIgnoreCase)
            || u.Contains(nextCode, StringComparison.OrdinalIgnoreCase));

        // The code field can be shown while typing, without JavaScript.
        await page.Locator("#forget").ClickAsync();
        await page.Locator("#code").FillAsync(nextCode);
        Assert.Equal("disc", await page.Locator("#code").EvaluateAsync<string>("e => getComputedStyle(e).webkitTextSecurity"));
        await page.Locator("#show-code").CheckAsync();
        Assert.Equal("none", await page.Locator("#code").EvaluateAsync<string>("e => getComputedStyle(e).webkitTextSecurity"));
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task Staff_errors_are_summarised_in_view_irreversible_actions_are_confirmed_and_a_dissatisfied_case_says_what_happens_next(int width)
    {
        await using var citizenContext = await fixture.NewContextAsync(width);
        await using var supervisorContext = await fixture.NewContextAsync(width);
        await using var handlerContext = await fixture.NewContextAsync(width);
        var citizen = await citizenContext.NewPageAsync();
        var supervisor = await supervisorContext.NewPageAsync();
        var handler = await handlerContext.NewPageAsync();
        var problems = new[] { citizen, supervisor, handler }.Select(p => PageChecks.WatchForProblems(p, output)).ToList();

        await FillComplaintAsync(citizen, $"证书补办拖延（{width}）");
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var number = (await citizen.Locator("#tracking-number").InnerTextAsync()).Trim();
        await citizen.Locator("#open-case").ClickAsync();
        var path = "/staff/complaints/" + number;

        await SignInAsync(supervisor, "supervisor@pingyi.local");
        // Staff see their own one-line header, without the citizens' links.
        await Expect(supervisor.Locator("header.site nav a")).ToHaveTextAsync(["工作台", "反映列表", "修改密码"]);
        Assert.True((await supervisor.Locator("header.site").BoundingBoxAsync())!.Height <= 60, "The staff header wraps onto a second line.");
        await supervisor.GotoAsync(path);
        await ActAsync(supervisor, "assign", "受理并交办", new() { ["note"] = "请核实并整改。" });

        // 交办单 on A4, with the case number in the PDF's text.
        await AssertPrintsAsync(supervisor, number, "assignment", "作风问题反映交办单", width);

        // The handler sends the report without the reply: the summary is at the top, in view and focused.
        await SignInAsync(handler, "jyt@pingyi.local");
        await handler.GotoAsync(path);
        await OpenActionAsync(handler, "respond");
        await handler.Locator("#respond-findings").FillAsync("经查属实。");
        await handler.Locator("#respond-measures").FillAsync("已整改。");
        await handler.Locator("#action-respond").GetByRole(AriaRole.Button, new() { Name = "办理情况报告" }).ClickAsync();
        await AssertSummaryInViewAsync(handler, "请填写答复意见。");
        await Expect(handler.Locator("#respond-findings")).ToHaveValueAsync("经查属实。");
        await Expect(handler.Locator("#respond-measures")).ToHaveValueAsync("已整改。");
        await PageChecks.ScreenshotAsync(handler, output, $"22-staff-error-summary-{width}", fullPage: false);
        // The summary's link takes the user to the field.
        await handler.Locator("#action-errors a").First.ClickAsync();
        await Expect(handler).ToHaveURLAsync(new Regex("#respond-publicReply$"));
        await handler.Locator("#respond-publicReply").FillAsync("已整改，感谢监督。");
        await handler.Locator("#action-respond").GetByRole(AriaRole.Button, new() { Name = "办理情况报告" }).ClickAsync();
        await Expect(handler.Locator("#done")).ToHaveTextAsync("已完成“办理情况报告”。");

        // The quality score says what each point means, from the workflow definition.
        await supervisor.GotoAsync(path);
        await OpenActionAsync(supervisor, "approve");
        await Expect(supervisor.Locator("#approve-qualityRating-scale dt")).ToHaveTextAsync(["5 分", "4 分", "3 分", "2 分", "1 分"]);
        await Expect(supervisor.Locator("#approve-qualityRating-scale")).ToContainTextAsync("优秀");
        await ActAsync(supervisor, "approve", "审核通过", new() { ["qualityRating"] = "2" });
        await AssertPrintsAsync(supervisor, number, "report", "作风问题反映办理情况报告", width);

        // The citizen rates 不满意: the status says what happens next, also after a reload.
        await citizen.GotoAsync("/track");
        await Expect(citizen.Locator("#progress li.current .step-label")).ToHaveTextAsync("评价");
        await Expect(citizen.Locator("#progress-note")).ToContainTextAsync("前评价");
        await citizen.Locator("#feedback").GetByLabel("不满意", new() { Exact = true }).CheckAsync();
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Expect(citizen.Locator("#status")).ToHaveTextAsync("不满意，待纪检监察工委处理");
        await citizen.ReloadAsync();
        await Expect(citizen.Locator("#status")).ToHaveTextAsync("不满意，待纪检监察工委处理");
        await Expect(citizen.Locator("#feedback")).ToHaveCountAsync(0);
        await PageChecks.ScreenshotAsync(citizen, output, $"23-track-dissatisfied-{width}", fullPage: false);

        await supervisor.GotoAsync("/staff");
        await Expect(supervisor.Locator("#dissatisfied li.case", new() { HasText = number }).Locator(".status")).ToHaveTextAsync("不满意，待纪检监察工委处理");

        // 重新交办 cannot be undone: without the tick it is refused and nothing changes.
        await supervisor.GotoAsync(path);
        await OpenActionAsync(supervisor, "reopen");
        await supervisor.Locator("#reopen-reason").FillAsync("请重新办理。");
        await supervisor.Locator("#action-reopen").GetByRole(AriaRole.Button, new() { Name = "重新交办" }).ClickAsync();
        await AssertSummaryInViewAsync(supervisor, "请先勾选");
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("不满意，待纪检监察工委处理");
        await Expect(supervisor.Locator("#reopen-reason")).ToHaveValueAsync("请重新办理。");
        await supervisor.Locator("#reopen-confirm").CheckAsync();
        await supervisor.Locator("#action-reopen").GetByRole(AriaRole.Button, new() { Name = "重新交办" }).ClickAsync();
        await Expect(supervisor.Locator("#done")).ToHaveTextAsync("已完成“重新交办”。");
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("办理中");

        Assert.Empty(problems.SelectMany(p => p));
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task Searching_units_keeps_what_was_typed(int width)
    {
        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await page.GotoAsync("/complaints/new");
        await page.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "formalism" });
        await page.Locator("#title").FillAsync("材料反复提交");
        await page.Locator("#description").FillAsync(Description);
        await page.Locator("#unitSearch").FillAsync("教育");
        await page.GetByRole(AriaRole.Button, new() { Name = "查找", Exact = true }).ClickAsync();

        await Expect(page.Locator("#unit-search-result")).ToContainTextAsync("找到 1 个单位");
        await Expect(page.Locator("#unit")).ToHaveValueAsync("jyt");
        await Expect(page.Locator("#title")).ToHaveValueAsync("材料反复提交");
        await Expect(page.Locator("#description")).ToHaveValueAsync(Description);
        await Expect(page.Locator("#category")).ToHaveValueAsync("formalism");
        await Expect(page.Locator("#form-errors")).ToHaveCountAsync(0);
        await PageChecks.ScreenshotAsync(page, output, $"24-unit-search-{width}", fullPage: false);

        // 提交 after 查找 lodges the complaint (the page's URL is ?handler=Search at this point).
        await page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/complaints/lodged$"));
        await Expect(page.Locator("#tracking-number")).ToBeVisibleAsync();
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_citizen_who_does_not_know_the_unit_gets_a_suggestion_from_the_text_and_chooses_themselves()
    {
        await using var context = await fixture.NewContextAsync(390);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await page.GotoAsync("/complaints/new");
        await page.Locator("#title").FillAsync("退休金迟迟领不到");
        await page.Locator("#description").FillAsync("到社保局办理退休审批三个月了，养老金一直领不到，窗口说档案有问题，让我再等等。");
        await page.Locator("#suggest-unit").ClickAsync();

        await Expect(page.Locator("#unit-hint")).ToContainTextAsync("您反映的问题可能涉及：省人力资源和社会保障厅");
        await Expect(page.Locator("#unit")).ToHaveValueAsync("");
        await Expect(page.Locator("#description")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^到社保局"));
        await PageChecks.ScreenshotAsync(page, output, "24-unit-hint-390", fullPage: false);
        await page.Locator("#unit").SelectOptionAsync("rst");
        await page.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "bureaucratism" });
        await page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(page.Locator("#tracking-number")).ToBeVisibleAsync();
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task Browsers_get_a_Chinese_404_page_and_every_citizen_page_has_a_description_and_44px_tap_targets(int width)
    {
        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/no-such-page");
        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "页面不存在" })).ToBeVisibleAsync();
        await Expect(page.Locator("header.site .brand")).ToBeVisibleAsync();
        var api = await context.APIRequest.GetAsync("/api/v1/no-such-route");
        Assert.Equal(404, api.Status);
        Assert.StartsWith("application/problem+json", api.Headers["content-type"], StringComparison.Ordinal);

        foreach (var path in new[] { "/", "/complaints/new", "/track", "/units", "/account/login" })
        {
            await page.GotoAsync(path);
            var description = await page.Locator("meta[name=description]").GetAttributeAsync("content");
            Assert.False(string.IsNullOrWhiteSpace(description), $"{path} has no meta description.");
            var small = await page.EvaluateAsync<string[]>(
                """
                () => [...document.querySelectorAll('main a, main button, main .choice, main summary, header a, header button')]
                  .filter(e => e.offsetParent !== null && !e.closest('p, li, dd, .hint, .field-error'))
                  .filter(e => e.getBoundingClientRect().height < 44)
                  .map(e => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 20)}" ${Math.round(e.getBoundingClientRect().height)}px`)
                """);
            Assert.True(small.Length == 0, $"{path} at {width} px has tap targets under 44 px: {string.Join("; ", small)}");
        }
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task The_staff_list_is_a_table_on_a_desktop_cards_on_a_phone_and_exports_to_xlsx(int width)
    {
        await using var citizenContext = await fixture.NewContextAsync(width);
        var citizen = await citizenContext.NewPageAsync();
        await FillComplaintAsync(citizen, $"导出检查（{width}）");
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var number = (await citizen.Locator("#tracking-number").InnerTextAsync()).Trim();

        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await SignInAsync(page, "supervisor@pingyi.local");
        await page.GotoAsync("/staff/complaints?status=submitted");
        var table = page.Locator("#results-table");
        var cards = page.Locator("#results");
        if (width >= 1024)
        {
            await Expect(table).ToBeVisibleAsync();
            await Expect(cards).ToBeHiddenAsync();
            // Sortable headers carry a hidden hint of what a tap does after their label; a supervisor also sees
            // 实名/匿名 (a unit handler never does).
            await Expect(table.Locator("thead th")).ToHaveTextAsync([
                new Regex("^受理编号$"), new Regex("^标题$"), new Regex("^被反映单位$"), new Regex("^状态$"), new Regex("^提交"),
                new Regex("^期限"), new Regex("^剩余/超期$"), new Regex("^升级"), new Regex("^实名/匿名$"), new Regex("^新补充$"),
            ]);
            await Expect(table.Locator("tr", new() { HasText = number })).ToContainTextAsync(new Regex(@"剩余 \d+ 个工作日"));
            // Sorting is a new GET on the server: the 期限 header becomes the sorted one, the others are not.
            await page.Locator("#sort-due").ClickAsync();
            await Expect(page.Locator("th:has(#sort-due)")).ToHaveAttributeAsync("aria-sort", "ascending");
            await Expect(page.Locator("th:has(#sort-submitted)")).ToHaveAttributeAsync("aria-sort", "none");
            await Expect(table.Locator("tr", new() { HasText = number })).ToBeVisibleAsync();
        }
        else
        {
            await Expect(cards).ToBeVisibleAsync();
            await Expect(table).ToBeHiddenAsync();
            await PageChecks.AssertNoHorizontalScrollAsync(page, "the staff list");
        }
        await PageChecks.ScreenshotAsync(page, output, $"26-staff-list-{width}", fullPage: false);

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export").ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename, StringComparison.Ordinal);
        await using var stream = await download.CreateReadStreamAsync();
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        copy.Position = 0;
        var rows = MiniExcelLibs.MiniExcel.Query(copy, useHeaderRow: true, excelType: MiniExcelLibs.ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>().ToList();
        var row = Assert.Single(rows, r => Equals(r["受理编号"], number));
        Assert.Equal("待受理", row["状态"]);
        Assert.All(rows, r => Assert.Equal("待受理", r["状态"]));
        Assert.Empty(problems);
    }

    private async Task AssertPrintsAsync(IPage page, string number, string kind, string heading, int width)
    {
        var link = page.Locator("#print-" + kind);
        await link.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading })).ToBeVisibleAsync();
        var pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = true });
        using var document = PdfDocument.Open(pdf);
        var first = document.GetPage(1);
        // A4 in points, as Chromium lays it out.
        Assert.InRange(first.Width, 594, 596);
        Assert.InRange(first.Height, 841, 843);
        var text = string.Concat(document.GetPages().Select(p => p.Text));
        Assert.Contains(number, text, StringComparison.Ordinal);
        await File.WriteAllBytesAsync(Path.Combine(PingYiBrowserFixture.ScreenshotDirectory, $"25-print-{kind}-{width}.pdf"), pdf);
        await page.GoBackAsync();
    }

    private static async Task AssertSummaryInViewAsync(IPage page, string message)
    {
        var summary = page.Locator("#action-errors");
        await Expect(summary).ToContainTextAsync(message);
        await Expect(summary).ToBeFocusedAsync();
        await Expect(summary).ToBeInViewportAsync();
    }

    private static async Task FillComplaintAsync(IPage page, string title)
    {
        await page.GotoAsync("/complaints/new");
        await page.Locator("#unit").SelectOptionAsync(new SelectOptionValue { Value = "jyt" });
        await page.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "bureaucratism" });
        await page.Locator("#title").FillAsync(title);
        await page.Locator("#description").FillAsync(Description);
    }

    private static int Sequence(string trackingNumber) => int.Parse(trackingNumber[^6..], System.Globalization.CultureInfo.InvariantCulture);

    private static async Task ActAsync(IPage page, string action, string label, Dictionary<string, string> fields)
    {
        await OpenActionAsync(page, action);
        foreach (var (name, value) in fields)
        {
            var field = page.Locator($"#{action}-{name}");
            if (await field.EvaluateAsync<string>("e => e.tagName") == "SELECT")
            {
                await field.SelectOptionAsync(new SelectOptionValue { Value = value });
            }
            else
            {
                await field.FillAsync(value);
            }
        }
        await page.Locator("#action-" + action).GetByRole(AriaRole.Button, new() { Name = label }).ClickAsync();
        await Expect(page.Locator("#done")).ToHaveTextAsync($"已完成“{label}”。");
    }

    private static async Task OpenActionAsync(IPage page, string action)
    {
        var details = page.Locator("#action-" + action);
        if (await details.GetAttributeAsync("open") is null)
        {
            await details.Locator("> summary").ClickAsync();
        }
        await Expect(details).ToHaveAttributeAsync("open", new Regex(".*"));
    }

    [GeneratedRegex(@"^ZTC-\d{4}-\d{6}$")]
    private static partial Regex TrackingNumberPattern();
}
