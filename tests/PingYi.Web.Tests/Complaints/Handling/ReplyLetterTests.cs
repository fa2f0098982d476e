using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// 答复函: the unit's signed reply letter goes with 办理情况报告 through the evidence pipeline (checked by
/// content, size-limited, metadata stripped) and reaches the complainant on /track only once a supervisor approves.
/// </summary>
public abstract partial class ReplyLetterTests(AppFixture fixture)
{
    private readonly StaffApi _api = For(fixture.App);
    private static readonly string JytHandler = Handler("jyt");

    private async Task<(string Number, string Code)> AssignedWithCodeAsync(string title)
    {
        var (number, code) = await _api.LodgeAsync(title);
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        return (number, code);
    }

    private async Task<HttpResponseMessage> RespondAsync(string number, byte[]? letter, string contentType = "application/pdf", string action = "respond")
    {
        using var form = new MultipartFormDataContent();
        if (action == "respond")
        {
            form.Add(new StringContent("经核实，情况属实。"), "findings");
            form.Add(new StringContent("已责令整改。"), "measures");
            form.Add(new StringContent("您反映的问题已整改，详见答复函。"), "publicReply");
        }
        else
        {
            form.Add(new StringContent("材料不全"), "reason");
        }
        if (letter is not null)
        {
            var file = new ByteArrayContent(letter);
            file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(file, "replyLetter", "签章答复函.pdf");
        }
        var client = await _api.AsAsync(action == "respond" ? JytHandler : Supervisor);
        return await client.PostAsync($"/api/v1/complaints/{number}/actions/{action}", form);
    }

    private Task<HttpResponseMessage> CitizenLetterAsync(string number, string code)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{number}/reply-letter");
        request.Headers.Add("X-Access-Code", code);
        return _api.Anonymous.SendAsync(request);
    }

    [Fact]
    public async Task The_letter_reaches_the_complainant_after_approval_only()
    {
        var (number, code) = await AssignedWithCodeAsync("答复函-审核后可下载");
        var responded = JsonNode.Parse(await ExpectAsync(await RespondAsync(number, Pdf), HttpStatusCode.OK))!;
        Assert.Equal("under-review", responded["status"]!.GetValue<string>());
        var letter = responded["attachments"]!.AsArray().Single(a => a!["purpose"]!.GetValue<string>() == "reply-letter")!;
        Assert.Equal("答复函.pdf", letter["fileName"]!.GetValue<string>());

        // Under review: not yet the complainant's, and it is not one of their own files either.
        await ExpectProblemAsync(await CitizenLetterAsync(number, code), HttpStatusCode.NotFound);
        Assert.Null((await (await _api.PublicGetAsync(number, code)).ReadObjectAsync())["replyLetter"]);

        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
        var download = await CitizenLetterAsync(number, code);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"答复函-{number}.pdf", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await download.Content.ReadAsByteArrayAsync())[..5]));
        Assert.Equal("答复函.pdf", (await (await _api.PublicGetAsync(number, code)).ReadObjectAsync())["replyLetter"]!.GetValue<string>());

        // A wrong code learns nothing.
        await ExpectProblemAsync(await CitizenLetterAsync(number, "WRONG-CODE-0000"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_track_page_offers_the_download_to_the_device_that_opened_the_case()
    {
        var (number, code) = await AssignedWithCodeAsync("答复函-页面下载");
        await ExpectAsync(await RespondAsync(number, Pdf), HttpStatusCode.OK);
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 5 });

        var client = fixture.App.CreateClient();
        // Without an opened case the link leads back to the lookup form.
        var stranger = await client.GetAsync("/track?handler=ReplyLetter");
        Assert.Equal("text/html", stranger.Content.Headers.ContentType?.MediaType);

        var token = AntiforgeryToken().Match(await client.GetStringAsync("/track")).Groups[1].Value;
        var page = await client.PostAsync("/track", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TrackingNumber"] = number, ["Code"] = code, ["__RequestVerificationToken"] = token,
        }));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"reply-letter\"", html);
        Assert.Contains("下载答复函（答复函.pdf）", html);

        var download = await client.GetAsync("/track?handler=ReplyLetter");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_complainant_downloads_their_own_files_on_track_the_same_cleaned_bytes_the_unit_gets()
    {
        var (number, code) = await _api.LodgeWithPngAsync(StaffApi.Complaint(Token("自己的材料")));
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        var fileId = (await _api.StaffViewAsync(JytHandler, number))["attachments"]!.AsArray()[0]!["id"]!.GetValue<string>();
        var unitBytes = await (await _api.GetAsync(JytHandler, $"/api/v1/complaints/{number}/attachments/{fileId}")).Content.ReadAsByteArrayAsync();

        var client = fixture.App.CreateClient();
        // A device that has not opened the case gets the lookup form, not the file.
        var stranger = await client.GetAsync($"/track?handler=File&id={fileId}");
        Assert.Equal("text/html", stranger.Content.Headers.ContentType?.MediaType);

        var token = AntiforgeryToken().Match(await client.GetStringAsync("/track")).Groups[1].Value;
        var page = await client.PostAsync("/track", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TrackingNumber"] = number, ["Code"] = code, ["__RequestVerificationToken"] = token,
        }));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"<a href=\"/track?handler=File&amp;id={fileId}\" download>", html);

        var download = await client.GetAsync($"/track?handler=File&id={fileId}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(unitBytes, await download.Content.ReadAsByteArrayAsync());
        // Another case's file is not reachable through this case.
        var (other, _) = await _api.LodgeWithPngAsync(StaffApi.Complaint(Token("别人的材料")));
        await _api.DoAsync(Supervisor, other, "assign", new { unitCode = "jyt" });
        var otherId = (await _api.StaffViewAsync(JytHandler, other))["attachments"]!.AsArray()[0]!["id"]!.GetValue<string>();
        Assert.Equal("text/html", (await client.GetAsync($"/track?handler=File&id={otherId}")).Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_letter_that_is_not_a_pdf_docx_or_jpg_is_refused_and_nothing_is_applied()
    {
        var (number, _) = await AssignedWithCodeAsync("答复函-类型");
        var png = await ExpectProblemAsync(await RespondAsync(number, Png, "application/pdf"), HttpStatusCode.UnsupportedMediaType);
        Assert.True(HasChinese(Errors(png, "replyLetter")[0]));
        var fake = await ExpectProblemAsync(await RespondAsync(number, "%PDF-1.7 not really a pdf"u8.ToArray()), HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(Errors(fake, "replyLetter"));
        var tooBig = new byte[10 * 1024 * 1024 + 1];
        "%PDF-"u8.CopyTo(tooBig);
        await ExpectProblemAsync(await RespondAsync(number, tooBig), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("assigned", (await _api.StaffViewAsync(JytHandler, number))["status"]!.GetValue<string>());
        Assert.Empty((await _api.StaffViewAsync(Supervisor, number))["attachments"]!.AsArray());
    }

    [Fact]
    public async Task Only_the_response_carries_a_letter()
    {
        var (number, _) = await AssignedWithCodeAsync("答复函-其他操作");
        await ExpectAsync(await RespondAsync(number, null), HttpStatusCode.OK);
        var problem = await ExpectProblemAsync(await RespondAsync(number, Pdf, action: "send-back"), HttpStatusCode.BadRequest);
        Assert.NotEmpty(Errors(problem, "replyLetter"));
        Assert.Equal("under-review", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

public sealed class SqliteReplyLetterTests(SqliteApp fixture) : ReplyLetterTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresReplyLetterTests(PostgresApp fixture) : ReplyLetterTests(fixture), IClassFixture<PostgresApp>;
