using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// The unit's signed reply letter (答复函), on phones (390 px): the handler attaches a PDF with 办理情况报告, and
/// whoever may see it downloads the stored letter from the page (the upload gate copies a PDF's pages into a
/// new file without its metadata, so the bytes differ from the upload; the text on the page is the unit's) — the handler and the supervisor from the case page,
/// the citizen from /track once the response is approved (not before). Another unit's handler gets nothing.
/// </summary>
public sealed class ReplyLetterJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Password = "PingYi-Demo-2020";
    private const string SupervisorEmail = "supervisor@pingyi.local";
    private const string HandlerEmail = "jyt@pingyi.local";
    private const string OtherHandlerEmail = "gat@pingyi.local";

    [Fact]
    public async Task The_signed_reply_letter_is_downloaded_on_a_phone_by_those_who_may_see_it()
    {
        var title = "答复函下载" + Guid.NewGuid().ToString("N")[..6];
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        var lodged = await (await http.PostAsJsonAsync("/api/v1/complaints", new
        {
            unitCode = "jyt", category = "bureaucratism", title, anonymous = true,
            description = "窗口要求群众反复提交同一份证明材料，往返三次仍未办结。",
        })).Content.ReadFromJsonAsync<JsonObject>();
        var number = lodged!["trackingNumber"]!.GetValue<string>();
        var accessCode = lodged["accessCode"]!.GetValue<string>();
        var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email = SupervisorEmail, password = Password })).Content.ReadFromJsonAsync<JsonObject>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", login!["accessToken"]!.GetValue<string>());
        Assert.True((await http.PostAsJsonAsync($"/api/v1/complaints/{number}/actions/assign", new { unitCode = "jyt" })).IsSuccessStatusCode);
        fixture.Time.Advance(TimeSpan.FromHours(1));
        // The letter names the case, so the file that comes back can be told from any other PDF.
        var letter = Letter($"Reply letter for {number}");

        await using var handlerContext = await fixture.NewPhoneContextAsync();
        await using var supervisorContext = await fixture.NewPhoneContextAsync();
        await using var citizenContext = await fixture.NewPhoneContextAsync();
        await using var otherContext = await fixture.NewPhoneContextAsync();
        var handler = await handlerContext.NewPageAsync();
        var supervisor = await supervisorContext.NewPageAsync();
        var citizen = await citizenContext.NewPageAsync();
        var other = await otherContext.NewPageAsync();
        var problems = new[] { handler, supervisor, citizen, other }.Select(p => PageChecks.WatchForProblems(p, output)).ToList();

        // 1. The unit's handler answers with the signed letter attached, and finds it on the case page.
        await SignInAsync(handler, HandlerEmail);
        await handler.GotoAsync("/staff/complaints/" + number);
        await OpenActionAsync(handler, "respond");
        await handler.Locator("#respond-findings").FillAsync("经查，窗口要求重复提交材料属实。");
        await handler.Locator("#respond-measures").FillAsync("已清理重复证明事项，对窗口人员批评教育。");
        await handler.Locator("#respond-publicReply").FillAsync("您反映的问题属实，我厅已整改，答复函见附件。");
        await handler.Locator("#respond-replyLetter").SetInputFilesAsync(new FilePayload { Name = "签章答复函.pdf", MimeType = "application/pdf", Buffer = letter });
        await handler.Locator("#action-respond").GetByRole(AriaRole.Button, new() { Name = "办理情况报告" }).ClickAsync();
        await Expect(handler.Locator("#done")).ToHaveTextAsync("已完成“办理情况报告”。");
        var handlerLink = LetterLink(handler);
        await Expect(handlerLink).ToBeVisibleAsync();
        await PageChecks.AssertNoHorizontalScrollAsync(handler, "the handler's case page with the reply letter");
        var stored = await DownloadAsync(handler, handlerLink);
        AssertIsTheLetter(stored, number);
        var letterUrl = await handlerLink.GetAttributeAsync("href");
        Assert.NotNull(letterUrl);

        // 2. Another unit's handler cannot fetch it, even with the address.
        await SignInAsync(other, OtherHandlerEmail);
        var foreign = await other.Context.APIRequest.GetAsync(letterUrl!);
        Assert.Equal(404, foreign.Status);

        // 3. Before the supervisor approves, the citizen sees no letter.
        await citizen.GotoAsync("/track");
        await citizen.Locator("#trackingNumber").FillAsync(number);
        await citizen.Locator("#code").FillAsync(accessCode);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(citizen.Locator("#status")).ToHaveTextAsync("审核中");
        await Expect(citizen.Locator("#reply-letter")).ToHaveCountAsync(0);
        // Asking for it anyway (the button's address) only leads back to the page.
        var early = await citizen.Context.APIRequest.GetAsync("/track?handler=ReplyLetter", new() { MaxRedirects = 0 });
        Assert.Equal(302, early.Status);

        // 4. The supervisor downloads the letter from the case page, then approves the response.
        await SignInAsync(supervisor, SupervisorEmail);
        await supervisor.GotoAsync("/staff/complaints/" + number);
        Assert.Equal(stored, await DownloadAsync(supervisor, LetterLink(supervisor)));
        await OpenActionAsync(supervisor, "approve");
        await supervisor.Locator("#approve-qualityRating").SelectOptionAsync(new SelectOptionValue { Value = "4" });
        await supervisor.Locator("#action-approve").GetByRole(AriaRole.Button, new() { Name = "审核通过" }).ClickAsync();
        await Expect(supervisor.Locator("#done")).ToHaveTextAsync("已完成“审核通过”。");
        fixture.Time.Advance(TimeSpan.FromHours(1));

        // 5. The citizen, back on /track, taps 下载答复函 and gets the unit's file, named after the case.
        await citizen.GotoAsync("/track");
        await citizen.Locator("#trackingNumber").FillAsync(number);
        await citizen.Locator("#code").FillAsync(accessCode);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(citizen.Locator("#status")).ToHaveTextAsync("待评价");
        var button = citizen.Locator("#reply-letter");
        // Stored under a neutral name (the upload gate drops the original one).
        await Expect(button).ToHaveTextAsync("下载答复函（答复函.pdf）");
        await button.ScrollIntoViewIfNeededAsync();
        var box = await button.BoundingBoxAsync();
        Assert.True(box is { Height: >= 44 } && box.X >= 0 && box.X + box.Width <= 390, $"the download button is {box?.Width}×{box?.Height} at x {box?.X}");
        await PageChecks.AssertNoHorizontalScrollAsync(citizen, "/track with the reply letter");
        await PageChecks.ScreenshotAsync(citizen, output, "70-track-reply-letter", fullPage: false);
        var download = await citizen.RunAndWaitForDownloadAsync(() => button.ClickAsync());
        Assert.Equal($"答复函-{number}.pdf", download.SuggestedFilename);
        Assert.Equal(stored, await ReadAsync(download));

        Assert.Empty(problems.SelectMany(p => p));
    }

    /// <summary>A one-page PDF whose page says it answers case <paramref name="number"/>.</summary>
    private static void AssertIsTheLetter(byte[] file, string number)
    {
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(file);
        Assert.Equal(1, pdf.NumberOfPages);
        Assert.Contains(number, pdf.GetPage(1).Text, StringComparison.Ordinal);
    }

    /// <summary>The case page's link to the reply letter (the attachment tagged 单位答复函).</summary>
    private static ILocator LetterLink(IPage page) =>
        page.Locator("#attachments li", new() { Has = page.Locator(".tag", new() { HasText = "单位答复函" }) }).Locator("a").First;

    private static async Task<byte[]> DownloadAsync(IPage page, ILocator link)
    {
        await link.ScrollIntoViewIfNeededAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.EndsWith(".pdf", download.SuggestedFilename, StringComparison.Ordinal);
        return await ReadAsync(download);
    }

    private static async Task<byte[]> ReadAsync(IDownload download)
    {
        await using var stream = await download.CreateReadStreamAsync();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>A one-page A4 PDF with <paramref name="text"/> on it (Helvetica: the text is ASCII).</summary>
    private static byte[] Letter(string text)
    {
        var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        var font = builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        page.AddText(text, 14, new UglyToad.PdfPig.Core.PdfPoint(72, 720), font);
        return builder.Build();
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

}
