using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// The database going away is answered 503 with Retry-After and Chinese text, never 500, and the app recovers by
/// itself: PostgreSQL stopped (<c>pg_ctl stop -m fast</c>) under four writers and started again on a cluster of the
/// test's own, and a SQLite file held by another writer past the busy timeout. No acknowledged complaint is lost.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task PostgreSQL_stopped_under_load_answers_503_and_recovers_without_losing_an_acknowledged_complaint()
    {
        using var pg = await ThrowawayPostgres.StartAsync();
        using var app = AppFactory.Create(DatabaseProvider.Postgres, new Dictionary<string, string?> { ["ConnectionStrings:PingYi"] = pg.ConnectionString("pingyi") });
        var client = app.CreateClient();
        var acknowledged = new ConcurrentBag<(string Number, string Code)>();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var unexpected = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var response = await client.PostAsync("/api/v1/complaints", TestData.Json(TestData.Complaint($"停库测试 {w}-{i}")));
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var json = JsonNode.Parse(body)!;
                    acknowledged.Add((json["trackingNumber"]!.GetValue<string>(), json["accessCode"]!.GetValue<string>()));
                }
                else if (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter is null)
                {
                    unexpected.Enqueue($"{(int)response.StatusCode} {body}");
                }
                await Task.Delay(10);
            }
        })).ToList();

        await WaitUntilAsync(() => acknowledged.Count >= 20, TimeSpan.FromSeconds(120), "20 complaints lodged before the stop");
        var beforeStop = acknowledged.Count;
        await pg.StopServerAsync();

        var lodge = await client.PostAsync("/api/v1/complaints", TestData.Json(TestData.Complaint("数据库停止时提交")));
        var problem = await ExpectProblemAsync(lodge, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("服务暂时不可用", problem["title"]!.GetValue<string>());
        Assert.True(HasChinese(problem["detail"]!.GetValue<string>()));
        Assert.NotNull(lodge.Headers.RetryAfter);
        var page = await client.GetAsync("/units");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.NotNull(page.Headers.RetryAfter);
        Assert.Contains("服务暂时不可用", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(3));

        await pg.StartServerAsync();
        var restarted = acknowledged.Count;
        await WaitUntilAsync(() => acknowledged.Count >= restarted + 20, TimeSpan.FromSeconds(60), "20 complaints lodged after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(unexpected.IsEmpty, "answers other than 201 and 503 with Retry-After: " + string.Join("\n", unexpected.Take(5)));
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.ServiceUnavailable) > 0, "no request met the stopped database");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);
        var api = StaffApi.For(app);
        foreach (var (number, code) in acknowledged)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.PublicGetAsync(number, code)).StatusCode);
        }
        Assert.True(acknowledged.Count > beforeStop);
    }

    [Fact]
    public async Task A_SQLite_file_held_by_another_writer_answers_503_and_the_next_request_after_it_is_served()
    {
        var dir = Directory.CreateTempSubdirectory("pingyi-outage-");
        var connectionString = $"Data Source={Path.Combine(dir.FullName, "pingyi.db")};Default Timeout=1";
        try
        {
            using (var app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["ConnectionStrings:PingYi"] = connectionString }))
            {
                var client = app.CreateClient();
                var first = await TestData.LodgeAsync(client);

                using (var holder = new SqliteConnection(connectionString))
                {
                    holder.Open();
                    using var begin = holder.CreateCommand();
                    begin.CommandText = "BEGIN EXCLUSIVE;";
                    begin.ExecuteNonQuery();
                    var lodge = await client.PostAsync("/api/v1/complaints", TestData.Json(TestData.Complaint("数据库被占用时提交")));
                    var problem = await ExpectProblemAsync(lodge, HttpStatusCode.ServiceUnavailable);
                    Assert.Equal("服务暂时不可用", problem["title"]!.GetValue<string>());
                    Assert.NotNull(lodge.Headers.RetryAfter);
                    Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
                    using var rollback = holder.CreateCommand();
                    rollback.CommandText = "ROLLBACK;";
                    rollback.ExecuteNonQuery();
                }

                var second = await TestData.LodgeAsync(client);
                var api = StaffApi.For(app);
                Assert.Equal(HttpStatusCode.OK, (await api.PublicGetAsync(first.TrackingNumber, first.AccessCode)).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await api.PublicGetAsync(second.TrackingNumber, second.AccessCode)).StatusCode);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        // Wall-clock patience for a real server, not the app's time.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < timeout, $"timed out waiting for: {what}");
            await Task.Delay(100);
        }
    }
}
