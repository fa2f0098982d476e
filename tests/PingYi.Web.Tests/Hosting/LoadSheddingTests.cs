using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Infrastructure;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// Overload protection (LoadShedding): with one request in progress and one waiting (the limits set that low here),
/// the next is refused at once with 503 and Retry-After — problem details for the API, a Chinese page for a page —
/// the waiting one is refused when its wait runs out on the app's clock, /healthz still answers, and once the request
/// in progress ends the next waiting one is served. The middleware runs before anything touches a database, so one
/// provider shows it.
/// </summary>
public sealed class LoadSheddingTests : IDisposable
{
    private const string HeldPath = "/test-held-request";

    // A request to HeldPath has passed the whole pipeline, the limiter included, and is held until released.
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AppFactory _app;

    public LoadSheddingTests()
    {
        _app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["LoadShedding:MaxConcurrentRequests"] = "1",
            ["LoadShedding:QueueLimit"] = "1",
            ["LoadShedding:QueueTimeout"] = "00:00:10",
            ["LoadShedding:RetryAfterSeconds"] = "7",
        }, services: s => s.AddSingleton<IStartupFilter>(new HoldAfterThePipeline(_release.Task)));
    }

    [Fact]
    public async Task Beyond_the_requests_in_progress_and_waiting_the_server_answers_503_at_once_and_serves_the_rest_when_it_can()
    {
        var client = _app.CreateClient();
        var limiter = _app.Services.GetRequiredService<LoadShedding.Gate>().Limiter;

        // A slow request holds the one turn.
        var held = client.GetAsync(HeldPath);
        await UntilAsync(() => limiter.GetStatistics()!.CurrentAvailablePermits == 0);

        // The next request waits for a turn …
        var waiting = client.GetAsync("/api/v1/units");
        await UntilAsync(() => limiter.GetStatistics()!.CurrentQueuedCount == 1);
        Assert.False(waiting.IsCompleted);

        // … and the one after that finds the queue full: refused at once, in Chinese, with when to come back.
        var page = await client.GetAsync("/complaints/new");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), page.Headers.RetryAfter?.Delta);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("服务繁忙", html);
        Assert.Contains("您填写的内容未提交", html);

        // A busy node is not a dead one.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        // The waiting request is refused when its wait runs out on the app's clock: problem details under /api.
        _app.Time.Advance(TimeSpan.FromSeconds(10));
        var timedOut = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        var problem = await ExpectProblemAsync(timedOut, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("服务繁忙", problem["title"]!.GetValue<string>());
        Assert.Contains("7 秒后重试", problem["detail"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(7), timedOut.Headers.RetryAfter?.Delta);

        // A request that waits while the one in progress ends gets its turn.
        var next = client.PostAsync("/api/v1/complaints", Json(Complaint("排队后受理的反映")));
        await UntilAsync(() => limiter.GetStatistics()!.CurrentQueuedCount == 1);
        _release.SetResult();
        Assert.Equal(HttpStatusCode.NoContent, (await held.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await next.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        Assert.Equal(1, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the limiter did not reach the expected state in 30 s");
            await Task.Delay(10);
        }
    }

    /// <summary>Answers <see cref="HeldPath"/> (which no endpoint matches) at the end of the app's pipeline, once released.</summary>
    private sealed class HoldAfterThePipeline(Task release) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(async http =>
            {
                if (http.Request.Path == HeldPath)
                {
                    await release;
                    http.Response.StatusCode = StatusCodes.Status204NoContent;
                    return;
                }
                http.Response.StatusCode = StatusCodes.Status404NotFound;
            });
        };
    }

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}
