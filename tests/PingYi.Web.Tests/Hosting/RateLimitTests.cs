using System.Net;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Hosting;

public abstract class RateLimitTests(DatabaseProvider provider) : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(provider, new Dictionary<string, string?>
    {
        ["RateLimits:IntakePerMinute"] = "3",
        ["RateLimits:LookupPerMinute"] = "2",
    });

    [Fact]
    public async Task Intake_over_the_limit_is_429_with_retry_after_and_problem_details()
    {
        var client = _app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await LodgeAsync(client);
        }

        var response = await client.PostAsync("/api/v1/complaints", Json(Complaint()));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.True(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds >= 1);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadObjectAsync();
        Assert.Equal(429, problem["status"]!.GetValue<int>());
        Assert.Contains("请求过于频繁", problem["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tracking_lookups_have_their_own_stricter_limit()
    {
        var client = _app.CreateClient();
        var (number, code) = await LodgeAsync(client);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{number}");
            request.Headers.Add("X-Access-Code", code);
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        // Browsing the unit list is not limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/complaints/new")).StatusCode);
    }

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteRateLimitTests() : RateLimitTests(DatabaseProvider.Sqlite);

public sealed class PostgresRateLimitTests() : RateLimitTests(DatabaseProvider.Postgres);
