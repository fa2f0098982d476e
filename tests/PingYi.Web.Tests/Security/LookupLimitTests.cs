using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PingYi.Data;
using PingYi.Web.Tests.Handling;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Findings 4 and 5: the lookup limit counts signed-in callers too; X-Forwarded-For counts only from a known
/// proxy; IPv6 clients share a bucket per /64; a tracking number that collects 10 wrong codes answers 429 to everyone.
/// </summary>
public abstract partial class LookupLimitTests(DatabaseProvider provider) : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(provider, new Dictionary<string, string?>
    {
        ["RateLimits:LookupPerMinute"] = "3",
        ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.1",
    });

    [Fact]
    public async Task A_signed_in_staff_member_posting_access_codes_to_the_track_page_is_limited_like_anyone()
    {
        var api = StaffApi.For(_app);
        var (number, _) = await api.LodgeAsync("限流-工作人员查询码");
        var client = await api.NewSessionAsync(StaffApi.Supervisor);
        var token = AntiforgeryToken().Match(await client.GetStringAsync("/track")).Groups[1].Value;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["TrackingNumber"] = number,
                ["Code"] = $"WRONG-CODE-{i:0000}",
                ["__RequestVerificationToken"] = token,
            });
            statuses.Add((await client.PostAsync("/track", form)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], statuses);
        // The staff view of a case the supervisor may see stays unlimited.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/complaints/{number}")).StatusCode);
        }
    }

    [Fact]
    public async Task Forwarded_for_counts_only_from_a_known_proxy_and_ipv6_shares_a_bucket_per_64()
    {
        var client = _app.CreateClient();

        // Behind the known proxy, two citizens have a bucket each.
        Assert.Equal(HttpStatusCode.TooManyRequests, await ExhaustAsync(client, "10.0.0.1", "198.51.100.7"));
        Assert.Equal(HttpStatusCode.NotFound, await LookupAsync(client, "10.0.0.1", "198.51.100.8"));

        // A client that is not the proxy cannot choose its bucket by sending X-Forwarded-For.
        Assert.Equal(HttpStatusCode.TooManyRequests, await ExhaustAsync(client, "203.0.113.5", "198.51.100.9"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LookupAsync(client, "203.0.113.5", "198.51.100.10"));

        // One IPv6 host owns a /64: changing the low 64 bits does not give a new bucket; another /64 does.
        Assert.Equal(HttpStatusCode.TooManyRequests, await ExhaustAsync(client, "2001:db8:0:1::1", null));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LookupAsync(client, "2001:db8:0:1:ffff:1234:5678:9abc", null));
        Assert.Equal(HttpStatusCode.NotFound, await LookupAsync(client, "2001:db8:0:2::1", null));
    }

    [Fact]
    public async Task Ten_wrong_codes_for_one_number_lock_it_for_everyone_for_a_while()
    {
        var client = _app.CreateClient();
        var (number, code) = await LodgeAsync(client, Complaint("锁定受理编号"));
        var (other, otherCode) = await LodgeAsync(client, Complaint("另一个受理编号"));

        // Ten guesses from ten addresses: no single address reaches its own limit.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await LookupAsync(client, $"192.0.2.{i + 1}", null, number, $"GUESS-{i:0000}-XXXX"));
        }

        var owner = await LookupAsync(client, "192.0.2.100", null, number, code);
        Assert.Equal(HttpStatusCode.TooManyRequests, owner);
        Assert.Equal(HttpStatusCode.OK, await LookupAsync(client, "192.0.2.101", null, other, otherCode));

        _app.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.OK, await LookupAsync(client, "192.0.2.102", null, number, code));
    }

    private static async Task<HttpStatusCode> ExhaustAsync(HttpClient client, string peer, string? forwardedFor)
    {
        var last = HttpStatusCode.OK;
        for (var i = 0; i < 4; i++)
        {
            last = await LookupAsync(client, peer, forwardedFor);
        }
        return last;
    }

    private static async Task<HttpStatusCode> LookupAsync(HttpClient client, string peer, string? forwardedFor, string? number = null, string code = "ABCD-EFGH-JKLM")
    {
        // A fresh unknown number each time unless one is named, so that the per-number lock stays out of these counts.
        number ??= $"ZTC-2026-{Random.Shared.Next(100_000, 999_999)}";
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{number}");
        request.Headers.Add("X-Access-Code", code);
        request.Headers.Add("X-Test-Peer", peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return (await client.SendAsync(request)).StatusCode;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteLookupLimitTests() : LookupLimitTests(DatabaseProvider.Sqlite);

public sealed class PostgresLookupLimitTests() : LookupLimitTests(DatabaseProvider.Postgres);
