using System.Net;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Findings 4 and 5: X-Forwarded-For counts only from a known proxy; IPv6 clients share a bucket per /64. (The
/// access-code throttle, which replaced the per-number lock, is in <see cref="AccessCodeThrottleTests"/>.)
/// </summary>
public abstract class LookupLimitTests(DatabaseProvider provider) : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(provider, new Dictionary<string, string?>
    {
        ["RateLimits:LookupPerMinute"] = "3",
        ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.1",
        // These tests count requests, not failures.
        ["RateLimits:AccessCodeFreeFailures"] = "100000",
    });

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
        // A fresh unknown number each time unless one is named.
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

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteLookupLimitTests() : LookupLimitTests(DatabaseProvider.Sqlite);

public sealed class PostgresLookupLimitTests() : LookupLimitTests(DatabaseProvider.Postgres);
