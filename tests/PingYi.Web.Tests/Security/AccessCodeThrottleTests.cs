using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Features.Complaints.Timers;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Review "Protect the whistleblower, second pass", item 3: the unit sees its cases' tracking numbers, so wrong access
/// codes must slow down the client that sends them, never lock the case. The right code always works from a client
/// that has not failed; staff accounts sending codes are refused and audited; a throttled case keeps its time to rate.
/// </summary>
public abstract class AccessCodeThrottleTests(DatabaseProvider provider) : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(provider, new Dictionary<string, string?>
    {
        ["RateLimits:AccessCodeFreeFailures"] = "5",
        ["RateLimits:AccessCodeFirstDelay"] = "00:01:00",
        ["RateLimits:TrackingNumberFailures"] = "10",
    });

    private StaffApi Api => StaffApi.For(_app);

    [Fact]
    public async Task Fifty_wrong_codes_from_a_handler_and_from_one_address_do_not_keep_the_complainant_out()
    {
        var (number, code) = await ApprovedCaseAsync("锁定攻击");
        var handlerEmail = Handler(DemoUnit);

        // The unit's handler, with a bearer token: refused outright, every time, with a Chinese problem.
        var handler = await Api.AsAsync(handlerEmail);
        for (var i = 0; i < 50; i++)
        {
            var response = await LookupAsync(handler, "198.51.100.20", number, $"WRNG-{i:0000}-ABCD");
            var problem = await ExpectProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.True(HasChinese(problem["title"]!.GetValue<string>()));
        }
        // ... and with the staff cookie on the /track page.
        var page = new PageBrowser(_app, "198.51.100.20");
        await page.SignInAsync(handlerEmail, Password);
        var form = await page.SubmitAsync("/track", new Dictionary<string, string> { ["TrackingNumber"] = number, ["Code"] = code });
        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
        Assert.Contains("工作人员不能使用查询码", await form.Content.ReadAsStringAsync());

        // The attempts are on the audit log with the account and the number.
        var admin = await Api.AsAsync(Admin);
        var audit = JsonNode.Parse(await ExpectAsync(await admin.GetAsync("/api/v1/admin/audit?kind=security.staff-access-code&limit=100"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.Equal(51, audit.Count);
        Assert.All(audit, r =>
        {
            Assert.Equal(handlerEmail, r!["actor"]!.GetValue<string>());
            Assert.Equal(number, r["target"]!.GetValue<string>());
        });

        // The supervisors see them; the handler does not.
        var seen = JsonNode.Parse(await ExpectAsync(await (await Api.AsAsync(Supervisor)).GetAsync("/api/v1/security/staff-access-code-attempts"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.Equal(51, seen.Count);
        Assert.Equal("/track", seen[0]!["path"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await handler.GetAsync("/api/v1/security/staff-access-code-attempts")).StatusCode);

        // Fifty wrong codes from one address: five answered, then that address waits.
        var anonymous = _app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 50; i++)
        {
            last = await LookupAsync(anonymous, "198.51.100.21", number, $"WRNG-{i:0000}-EFGH");
            statuses.Add(last.StatusCode);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.NotFound, 6).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 44)), statuses);
        Assert.NotNull(last.Headers.RetryAfter);
        // Even the right code waits from the failing address.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LookupAsync(anonymous, "198.51.100.21", number, code)).StatusCode);

        // The complainant, from anywhere else: the case opens and the rating is taken.
        var view = JsonNode.Parse(await ExpectAsync(await LookupAsync(anonymous, "198.51.100.22", number, code), HttpStatusCode.OK))!;
        Assert.True(view["canGiveFeedback"]!.GetValue<bool>());
        var rating = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/feedback") { Content = Json(new JsonObject { ["satisfaction"] = "satisfied" }) };
        rating.Headers.Add("X-Access-Code", code);
        rating.Headers.Add("X-Test-Peer", "198.51.100.22");
        Assert.Equal("closed", JsonNode.Parse(await ExpectAsync(await anonymous.SendAsync(rating), HttpStatusCode.OK))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_wait_grows_with_each_failure_and_an_ipv6_client_waits_for_its_whole_64()
    {
        var (number, code) = await Api.LodgeAsync("逐步延长等待");
        var client = _app.CreateClient();
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await LookupAsync(client, "203.0.113.9", number, $"WRNG-{i:0000}-JKLM")).StatusCode);
        }
        // The sixth failure costs one minute, the seventh two, the eighth four.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LookupAsync(client, "203.0.113.9", number, code)).StatusCode);
        _app.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.NotFound, (await LookupAsync(client, "203.0.113.9", number, "WRNG-0007-JKLM")).StatusCode);
        _app.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LookupAsync(client, "203.0.113.9", number, code)).StatusCode);
        _app.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await LookupAsync(client, "203.0.113.9", number, code)).StatusCode);

        // Any address of the same /64 waits with it; the next /64 does not.
        for (var i = 0; i < 6; i++)
        {
            await LookupAsync(client, $"2001:db8:7:1::{i + 1}", number, $"WRNG-{i:0000}-NPQR");
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LookupAsync(client, "2001:db8:7:1:ffff:1234:5678:9abc", number, code)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LookupAsync(client, "2001:db8:7:2::1", number, code)).StatusCode);
    }

    [Fact]
    public async Task A_case_whose_lookups_were_throttled_keeps_its_feedback_window()
    {
        var (throttled, throttledCode) = await ApprovedCaseAsync("查询被限流");
        var (spread, spreadCode) = await ApprovedCaseAsync("多地址猜测");
        var (quiet, quietCode) = await ApprovedCaseAsync("无人打扰");
        _app.Time.Advance(TimeSpan.FromDays(3));

        // One address runs into its wait while naming the case.
        var client = _app.CreateClient();
        for (var i = 0; i < 8; i++)
        {
            await LookupAsync(client, "192.0.2.77", throttled, $"WRNG-{i:0000}-STUV");
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LookupAsync(client, "192.0.2.77", throttled, throttledCode)).StatusCode);
        // Ten addresses, one wrong code each: none waits, but the case counts as under attack.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await LookupAsync(client, $"192.0.2.{100 + i}", spread, $"WRNG-{i:0000}-WXYZ")).StatusCode);
        }

        // The workflow's 7-day window has ended; the throttled cases have 7 days from the attack.
        _app.Time.Advance(TimeSpan.FromDays(4) + TimeSpan.FromMinutes(1));
        await SweepAsync();
        Assert.Equal("closed", await StatusAsync(quiet, quietCode));
        Assert.Equal("awaiting-feedback", await StatusAsync(throttled, throttledCode));
        Assert.Equal("awaiting-feedback", await StatusAsync(spread, spreadCode));
        Assert.Equal(HttpStatusCode.OK, (await Api.FeedbackAsync(throttled, throttledCode, "dissatisfied")).StatusCode);

        _app.Time.Advance(TimeSpan.FromDays(3));
        await SweepAsync();
        Assert.Equal("closed", await StatusAsync(spread, spreadCode));
    }

    private async Task<(string Number, string Code)> ApprovedCaseAsync(string title)
    {
        var (number, code) = await Api.LodgeAsync(title);
        await Api.DoAsync(Supervisor, number, "assign", new { unitCode = DemoUnit });
        await Api.DoAsync(Handler(DemoUnit), number, "respond", new { findings = "经查属实", measures = "已整改", publicReply = "您反映的问题已整改。" });
        await Api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
        return (number, code);
    }

    private static Task<HttpResponseMessage> LookupAsync(HttpClient client, string peer, string number, string code)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{number}");
        request.Headers.Add("X-Access-Code", code);
        request.Headers.Add("X-Test-Peer", peer);
        return client.SendAsync(request);
    }

    private async Task<string> StatusAsync(string number, string code) =>
        JsonNode.Parse(await ExpectAsync(await Api.PublicGetAsync(number, code), HttpStatusCode.OK))!["status"]!.GetValue<string>();

    private async Task<int> SweepAsync()
    {
        using var scope = _app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SweepTimers.Handler>().HandleAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteAccessCodeThrottleTests() : AccessCodeThrottleTests(DatabaseProvider.Sqlite);

public sealed class PostgresAccessCodeThrottleTests() : AccessCodeThrottleTests(DatabaseProvider.Postgres);
