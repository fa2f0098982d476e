using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Finding 8, in full: a supplement's body is not read — not buffered, not spooled, not stored — without the
/// access code (API) or the case opened on this device (the /track page), and a complaint's evidence is capped
/// in count and bytes (Attachments:*), refused whole with a 413 problem (API) or a Chinese message (page).
/// </summary>
public abstract partial class UploadCapTests(DatabaseProvider provider) : IDisposable
{
    private const long CapBytes = 2 * 1024 * 1024;

    private readonly AppFactory _app = AppFactory.Create(provider, new Dictionary<string, string?>
    {
        ["Attachments:MaxFilesPerComplaint"] = "3",
        ["Attachments:MaxBytesPerComplaint"] = CapBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private StaffApi Api => StaffApi.For(_app);

    [Fact]
    public async Task Api_wrong_code_with_a_large_body_is_refused_fast_without_reading_or_storing_it()
    {
        var (number, _) = await Api.LodgeAsync("上传上限-错误查询码");
        var body = new CountingMultipart(40 * 1024 * 1024);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements") { Content = body.Content() };
        request.Headers.Add("X-Access-Code", "WRONG-CODE-0000");
        var meter = Meter(request);

        var clock = Stopwatch.StartNew();
        var response = await _app.CreateClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var answeredIn = clock.Elapsed;

        await StaffApi.ExpectProblemAsync(response, HttpStatusCode.NotFound);
        // The app's own time: the test server's transport may still push the body it was given before the client sees the answer.
        Assert.True(RequestBodyMeter.AnsweredAfter(meter) < TimeSpan.FromSeconds(3), $"the app answered after {RequestBodyMeter.AnsweredAfter(meter)} (client: {answeredIn})");
        // Read, it would be 40 MB; refused first, the app took in none of it.
        Assert.Equal(0, RequestBodyMeter.BytesRead(meter));
        Assert.Equal((0, 0), await StoredAsync(number));
    }

    [Fact]
    public async Task Page_supplement_without_an_opened_case_is_refused_fast_without_reading_the_body()
    {
        var (number, _) = await Api.LodgeAsync("上传上限-页面未打开");
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var body = new CountingMultipart(40 * 1024 * 1024);
        var request = new HttpRequestMessage(HttpMethod.Post, "/track?handler=Supplement") { Content = body.Content() };
        var meter = Meter(request);

        var clock = Stopwatch.StartNew();
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var answeredIn = clock.Elapsed;

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/track", response.Headers.Location?.OriginalString);
        Assert.True(RequestBodyMeter.AnsweredAfter(meter) < TimeSpan.FromSeconds(3), $"the app answered after {RequestBodyMeter.AnsweredAfter(meter)} (client: {answeredIn})");
        Assert.Equal(0, RequestBodyMeter.BytesRead(meter));
        Assert.Equal((0, 0), await StoredAsync(number));
    }

    [Fact]
    public async Task Page_lookup_form_takes_no_large_body()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var request = new HttpRequestMessage(HttpMethod.Post, "/track") { Content = new CountingMultipart(20 * 1024 * 1024).Content() };
        var meter = Meter(request);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, RequestBodyMeter.BytesRead(meter));
    }

    [Fact]
    public async Task Api_count_cap_per_complaint_is_a_413_problem_and_stores_nothing()
    {
        var (number, code) = await Api.LodgeWithPngAsync(StaffApi.Complaint("上传上限-数量"));
        Assert.Equal((1, 0), await StoredAsync(number));

        // 1 + 3 > 3: refused whole, the supplement's text included.
        var refused = await SupplementAsync(number, code, Png, Png, Png);
        var problem = await StaffApi.ExpectProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge);
        var message = Assert.Single(StaffApi.Errors(problem, "attachments"));
        Assert.Contains("每件反映最多 3 个附件", message);
        Assert.Contains("本件还可上传 2 个", message);
        Assert.Equal((1, 0), await StoredAsync(number));

        Assert.Equal(HttpStatusCode.NoContent, (await SupplementAsync(number, code, Png, Png)).StatusCode);
        Assert.Equal((3, 1), await StoredAsync(number));
        await StaffApi.ExpectProblemAsync(await SupplementAsync(number, code, Png), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal((3, 1), await StoredAsync(number));
    }

    [Fact]
    public async Task Api_byte_cap_per_complaint_is_checked_before_the_files_are_read()
    {
        var (number, code) = await Api.LodgeAsync("上传上限-大小");
        // Not even an image: over the cap, the content is never looked at (a 415 would mean it was).
        var big = new byte[(int)(CapBytes + CapBytes / 4)];
        var problem = await StaffApi.ExpectProblemAsync(await SupplementAsync(number, code, big), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("合计 2 MB", Assert.Single(StaffApi.Errors(problem, "attachments")));

        // Far over: refused on the declared length, before the body is read at all.
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements") { Content = new CountingMultipart(30 * 1024 * 1024).Content() };
        request.Headers.Add("X-Access-Code", code);
        var meter = Meter(request);
        var response = await _app.CreateClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        problem = await StaffApi.ExpectProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("本次提交未保存", Assert.Single(StaffApi.Errors(problem, "attachments")));
        Assert.Equal(0, RequestBodyMeter.BytesRead(meter));
        Assert.Equal((0, 0), await StoredAsync(number));
    }

    [Fact]
    public async Task Page_over_the_cap_shows_a_chinese_message_and_stores_nothing()
    {
        var (number, code) = await Api.LodgeWithPngAsync(StaffApi.Complaint("上传上限-页面"));
        var client = _app.CreateClient();
        var token = AntiforgeryToken().Match(await client.GetStringAsync("/track")).Groups[1].Value;
        var opened = await client.PostAsync("/track", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TrackingNumber"] = number, ["Code"] = code, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);

        using var form = new MultipartFormDataContent
        {
            { new StringContent("再补充三张照片"), "SupplementText" },
            { new StringContent(token), "__RequestVerificationToken" },
        };
        for (var i = 0; i < 3; i++)
        {
            var file = new ByteArrayContent(Png);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "SupplementFiles", $"照片{i}.png");
        }
        var response = await client.PostAsync("/track?handler=Supplement", form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("每件反映最多 3 个附件", html);
        Assert.Contains("再补充三张照片", html);
        Assert.Equal((1, 0), await StoredAsync(number));
    }

    private static string Meter(HttpRequestMessage request)
    {
        var meter = Guid.NewGuid().ToString("N");
        request.Headers.Add(RequestBodyMeter.Header, meter);
        return meter;
    }

    private async Task<HttpResponseMessage> SupplementAsync(string number, string code, params byte[][] files)
    {
        using var form = new MultipartFormDataContent { { new StringContent("补充照片"), "text" } };
        var i = 0;
        foreach (var bytes in files)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "attachments", $"补充{++i}.png");
        }
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements") { Content = form };
        request.Headers.Add("X-Access-Code", code);
        return await _app.CreateClient().SendAsync(request);
    }

    /// <summary>The evidence rows and supplement events the database holds for the case.</summary>
    private async Task<(int Files, int Supplements)> StoredAsync(string number)
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var id = await db.Complaints.Where(c => c.TrackingNumber == number).Select(c => c.Id).SingleAsync();
        return (await db.Attachments.CountAsync(a => a.ComplaintId == id),
            await db.ComplaintEvents.CountAsync(e => e.ComplaintId == id && e.Action == "supplement"));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A multipart body of one large file, produced as it is read (never held in memory).</summary>
    private sealed class CountingMultipart(long fileBytes)
    {
        private const string Boundary = "pingyi-upload-cap";
        private static readonly byte[] Head = Encoding.UTF8.GetBytes(
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n补充\r\n"
            + $"--{Boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n");
        private static readonly byte[] Tail = Encoding.UTF8.GetBytes($"\r\n--{Boundary}--\r\n");

        private long _pulled;

        public long Pulled => Interlocked.Read(ref _pulled);

        public HttpContent Content()
        {
            var content = new StreamContent(new Body(this, Head.Length + fileBytes + Tail.Length));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
            content.Headers.ContentLength = Head.Length + fileBytes + Tail.Length;
            return content;
        }

        private sealed class Body(CountingMultipart owner, long length) : Stream
        {
            private long _position;

            public override int Read(byte[] buffer, int offset, int count)
            {
                var n = (int)Math.Min(count, length - _position);
                for (var i = 0; i < n; i++)
                {
                    var at = _position + i;
                    buffer[offset + i] = at < Head.Length ? Head[at]
                        : at >= length - Tail.Length ? Tail[at - (length - Tail.Length)]
                        : (byte)'A';
                }
                _position += n;
                Interlocked.Add(ref owner._pulled, n);
                return n;
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => length;
            public override long Position { get => _position; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}

public sealed class SqliteUploadCapTests() : UploadCapTests(DatabaseProvider.Sqlite);

public sealed class PostgresUploadCapTests() : UploadCapTests(DatabaseProvider.Postgres);
