using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// No personal data in any log: a named complaint is lodged, tracked, handled, given feedback, and its mail to the
/// complainant delivered, with every log entry of the app captured at every level (message and structured values);
/// none holds the contact, the access code or the complainant's text. And with Logging:Json the real process
/// writes one JSON object per line, request lines carrying the trace id.
/// </summary>
public sealed class LogPrivacyTests
{
    private const string Title = "迎检台账重复报送问题隐私标记";
    private const string Description = "街道要求社区每周报送三份内容相同的台账，隐私标记正文七一九。";
    private const string Comment = "整改及时，隐私标记评价八二六。";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Lodge_track_handle_feedback_and_delivery_log_no_contact_access_code_or_complaint_text(DatabaseProvider provider)
    {
        using var app = AppFactory.Create(provider, new Dictionary<string, string?> { ["Logging:Json"] = "true" }).WithLogCapture();
        var api = StaffApi.For(app);
        var who = Complainant.Distinct();
        var body = Named(StaffApi.Complaint(Title), who);
        body["description"] = Description;
        var (number, code) = await api.LodgeAsync(body);

        Assert.Contains(Title, await api.PublicViewTextAsync(number, code));
        await api.DoAsync(Supervisor, number, "assign", new { unitCode = DemoUnit });
        await api.DoAsync(Handler(DemoUnit), number, "respond", new { findings = "情况属实。", measures = "已取消重复报送。", publicReply = "已整改，感谢监督。" });
        await api.DoAsync(Supervisor, number, "approve", new { qualityRating = 5 });
        await ExpectAsync(await api.FeedbackAsync(number, code, "satisfied", Comment), HttpStatusCode.OK);
        // A wrong code is logged as a failed lookup: without the code that was tried.
        Assert.NotEqual(HttpStatusCode.OK, (await api.PublicGetAsync(number, "ZZZZ-ZZZZ-ZZZZ")).StatusCode);
        var delivered = await ExpectAsync(await (await api.AsAsync(Admin)).PostAsync("/api/v1/admin/jobs/outbox/run", null), HttpStatusCode.OK);
        Assert.Contains("\"sent\"", delivered, StringComparison.OrdinalIgnoreCase);

        var logs = string.Join("\n", app.Logs.Entries);
        Assert.Contains(number, logs);
        foreach (var secret in who.Secrets.Concat([code, code.Replace("-", ""), Title, Description, Comment]))
        {
            var at = logs.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
            Assert.True(at < 0, $"the log holds “{secret}”: …{(at < 0 ? "" : logs[Math.Max(0, at - 200)..Math.Min(logs.Length, at + 100)])}…");
        }
    }

    [Fact]
    public async Task With_Logging_Json_the_process_writes_one_JSON_object_per_line_with_the_trace_id()
    {
        var who = Complainant.Distinct();
        using var node = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "",
            ["Logging__Json"] = "true",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            ["Demo__Seed"] = "true",
            ["ConnectionStrings__PingYi"] = $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("pingyi-json-").FullName, "pingyi.db")}",
        }, TimeSpan.FromSeconds(300));
        Assert.True(node.Address is not null, "the app did not start:\n" + node.Output);
        using var http = new HttpClient { BaseAddress = node.Address };
        var lodged = await http.PostAsync("/api/v1/complaints", Json(Named(StaffApi.Complaint(Title), who)));
        var json = JsonNode.Parse(await ExpectAsync(lodged, HttpStatusCode.Created))!;
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{json["trackingNumber"]}");
        request.Headers.Add("X-Access-Code", json["accessCode"]!.GetValue<string>());
        await ExpectAsync(await http.SendAsync(request), HttpStatusCode.OK);
        node.Process.Kill(entireProcessTree: true);
        await node.Process.WaitForExitAsync();

        var lines = node.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var requestLines = entries.Where(e => e.GetProperty("Message").GetString()!.StartsWith("Request starting", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(requestLines);
        Assert.All(requestLines, e => Assert.Contains(e.GetProperty("Scopes").EnumerateArray(),
            s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out var id) && id.GetString()!.Length == 32));
        // The JSON writer escapes non-ASCII text (the name, the title): compare with the decoded output.
        var decoded = System.Text.RegularExpressions.Regex.Unescape(node.Output);
        foreach (var secret in who.Secrets.Append(json["accessCode"]!.GetValue<string>()).Append(Title))
        {
            Assert.DoesNotContain(secret, decoded);
        }
    }
}
