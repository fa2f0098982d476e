using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PingYi.BrowserTests;

/// <summary>
/// The service-hall questionnaire on a 390 px phone: a supervisor prints the QR page, a citizen follows the
/// link the code carries, answers without signing in, sees their words back as text, and cannot answer
/// the same unit twice the same day.
/// </summary>
public sealed class SurveyJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Suggestion = "<b>窗口</b>排队太久<script>document.title='x'</script>";

    [Fact]
    public async Task A_citizen_reaches_the_survey_through_the_printed_QR_link_and_answers_once_a_day()
    {
        await using var staffContext = await fixture.NewPhoneContextAsync();
        var staff = await staffContext.NewPageAsync();
        var staffProblems = PageChecks.WatchForProblems(staff, output);
        await staff.GotoAsync("/account/login");
        await staff.Locator("#email").FillAsync("supervisor@pingyi.local");
        await staff.Locator("#password").FillAsync("PingYi-Demo-2020");
        await staff.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();
        await staff.GotoAsync("/staff/evaluation/qr");
        var gat = staff.Locator("figure.qr").Filter(new() { HasText = "省公安厅" });
        await Expect(gat.Locator("svg")).ToBeVisibleAsync();
        var link = await gat.Locator("a.qr-link").GetAttributeAsync("href");
        Assert.Equal("/survey/2020/service-hall/gat", link);
        await PageChecks.AssertNoHorizontalScrollAsync(staff, "QR page");

        await using var citizenContext = await fixture.NewPhoneContextAsync();
        var citizen = await citizenContext.NewPageAsync();
        var problems = PageChecks.WatchForProblems(citizen, output);
        await citizen.GotoAsync(link!);
        await Expect(citizen.Locator("#survey-unit")).ToContainTextAsync("省公安厅");
        await PageChecks.AssertNoHorizontalScrollAsync(citizen, "survey");

        // Submitting without the overall rating keeps the answers and says what is missing.
        await citizen.Locator("input[name='Answers[attitude]'][value='5']").CheckAsync();
        await citizen.Locator("#survey-submit").ClickAsync();
        await Expect(citizen.Locator(".field-error").First).ToContainTextAsync("请选择总体评价");
        await Expect(citizen.Locator("input[name='Answers[attitude]'][value='5']")).ToBeCheckedAsync();

        await citizen.Locator("input[name='Rating'][value='basically-satisfied']").CheckAsync();
        await citizen.Locator("input[name='Answers[efficiency]'][value='3']").CheckAsync();
        await citizen.Locator("input[name='Answers[one-visit]'][value='yes']").CheckAsync();
        await citizen.Locator("#a-suggestion").FillAsync(Suggestion);
        await citizen.Locator("#survey-submit").ClickAsync();
        await Expect(citizen.Locator("#survey-thanks")).ToContainTextAsync("感谢您的评价");
        await Expect(citizen.Locator("#survey-thanks .survey-text")).ToHaveTextAsync(Suggestion);
        Assert.Equal(0, await citizen.Locator("#survey-thanks b").CountAsync());
        Assert.NotEqual("x", await citizen.TitleAsync());
        await PageChecks.AssertNoHorizontalScrollAsync(citizen, "thanks");
        await PageChecks.ScreenshotAsync(citizen, output, "survey-thanks");

        // The same phone, the same unit, the same day: refused.
        await citizen.GotoAsync(link!);
        await citizen.Locator("input[name='Rating'][value='satisfied']").CheckAsync();
        await citizen.Locator("input[name='Answers[attitude]'][value='5']").CheckAsync();
        await citizen.Locator("input[name='Answers[efficiency]'][value='5']").CheckAsync();
        await citizen.Locator("input[name='Answers[one-visit]'][value='no']").CheckAsync();
        await citizen.Locator("#survey-submit").ClickAsync();
        await Expect(citizen.Locator("#survey-refused")).ToContainTextAsync("今天已经评价过");

        Assert.Empty(problems);
        Assert.Empty(staffProblems);
    }

    /// <summary>
    /// 一事一评 on a phone: a unit's handler makes a batch of twelve codes, the slips fit the 390 px screen and in
    /// print stand three to a row within an A4 page's width; a citizen follows one slip's link, answers with the code
    /// filled in, and the same link afterwards says the code is spent.
    /// </summary>
    [Fact]
    public async Task A_handler_prints_one_time_codes_and_a_citizen_answers_once_with_one()
    {
        await using var staffContext = await fixture.NewPhoneContextAsync();
        var staff = await staffContext.NewPageAsync();
        var staffProblems = PageChecks.WatchForProblems(staff, output);
        await staff.GotoAsync("/account/login");
        await staff.Locator("#email").FillAsync("scj@pingyi.local");
        await staff.Locator("#password").FillAsync("PingYi-Demo-2020");
        await staff.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();
        await staff.GotoAsync("/staff/evaluation/codes");
        await staff.Locator("#codes-count").FillAsync("12");
        await staff.Locator("#codes-submit").ClickAsync();
        await Expect(staff.Locator("#codes-once")).ToContainTextAsync("只在本页显示这一次");
        var slips = staff.Locator(".code-slip");
        await Expect(slips).ToHaveCountAsync(12);
        await Expect(slips.First.Locator("svg")).ToBeVisibleAsync();
        await PageChecks.AssertNoHorizontalScrollAsync(staff, "code sheet");
        await PageChecks.ScreenshotAsync(staff, output, "survey-codes-phone");

        // Print: A4 is 210 mm wide; three slips to a row, none wider than the printable width.
        await staff.SetViewportSizeAsync(794, 1123);
        await staff.EmulateMediaAsync(new() { Media = Media.Print });
        var boxes = new List<LocatorBoundingBoxResult>();
        for (var i = 0; i < 4; i++)
        {
            boxes.Add((await slips.Nth(i).BoundingBoxAsync())!);
        }
        Assert.Equal(boxes[0].Y, boxes[2].Y, 1);
        Assert.True(boxes[3].Y > boxes[0].Y, "the fourth slip starts the second row");
        Assert.True(boxes[2].X + boxes[2].Width <= 794, "the third slip fits the A4 width");
        Assert.False(await staff.Locator("#codes-once").IsVisibleAsync(), "the notice is not printed");
        var pdf = await staff.PdfAsync(new() { Format = "A4" });
        Assert.True(pdf.Length > 1000);
        await staff.EmulateMediaAsync(new() { Media = Media.Screen });

        var href = await slips.First.Locator("a").GetAttributeAsync("href");
        var path = new Uri(href!).PathAndQuery;
        Assert.StartsWith("/survey/2020/service-hall/scj?code=", path);

        await using var citizenContext = await fixture.NewPhoneContextAsync();
        var citizen = await citizenContext.NewPageAsync();
        var problems = PageChecks.WatchForProblems(citizen, output);
        await citizen.GotoAsync(path);
        await Expect(citizen.Locator("#survey-code")).Not.ToBeEmptyAsync();
        await citizen.Locator("input[name='Rating'][value='satisfied']").CheckAsync();
        await citizen.Locator("input[name='Answers[attitude]'][value='5']").CheckAsync();
        await citizen.Locator("input[name='Answers[efficiency]'][value='5']").CheckAsync();
        await citizen.Locator("input[name='Answers[one-visit]'][value='yes']").CheckAsync();
        await citizen.Locator("#survey-submit").ClickAsync();
        await Expect(citizen.Locator("#survey-thanks")).ToContainTextAsync("感谢您的评价");
        await citizen.GotoAsync(path);
        await Expect(citizen.Locator("#survey-refused")).ToContainTextAsync("已经评价过");

        Assert.Empty(problems);
        Assert.Empty(staffProblems);
    }
}
