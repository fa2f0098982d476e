using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Npgsql;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// <c>ConnectionStrings:ReadOnly</c> (issue 26, prefer-standby): the export of the case list reads through it, the list
/// page, intake and everything else keep the main database. A replica that lags shows the export its past; a replica
/// that cannot be reached answers the export 503 with Retry-After, never 500. Each test starts its own app: the setting
/// is read at start-up.
/// </summary>
public sealed class ReadOnlyConnectionTests
{
    [Fact]
    public async Task A_lagging_replica_shows_the_export_its_past_while_the_list_reads_the_main_database()
    {
        var dir = Directory.CreateTempSubdirectory("pingyi-replica-");
        var main = Path.Combine(dir.FullName, "pingyi.db");
        var replica = Path.Combine(dir.FullName, "replica.db");
        try
        {
            using (var app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?>
            {
                ["ConnectionStrings:PingYi"] = $"Data Source={main}",
                ["ConnectionStrings:ReadOnly"] = $"Data Source={replica};Mode=ReadOnly",
            }))
            {
                var before = await TestData.LodgeAsync(app.CreateClient(), TestData.Complaint(Token("复制之前")));
                // The "replica": a consistent copy taken now, which the later complaint never reaches.
                using (var source = new SqliteConnection($"Data Source={main}"))
                using (var copy = new SqliteConnection($"Data Source={replica}"))
                {
                    source.Open();
                    copy.Open();
                    source.BackupDatabase(copy);
                }
                var after = await TestData.LodgeAsync(app.CreateClient(), TestData.Complaint(Token("复制之后")));

                var supervisor = await CookieSignInAsync(app);
                var list = await ExpectAsync(await supervisor.GetAsync("/staff/complaints"), HttpStatusCode.OK);
                Assert.Contains(before.TrackingNumber, list);
                Assert.Contains(after.TrackingNumber, list);

                var export = await supervisor.GetAsync("/staff/complaints?handler=Export");
                Assert.Equal(HttpStatusCode.OK, export.StatusCode);
                var rows = SheetText(await export.Content.ReadAsByteArrayAsync());
                Assert.Contains(before.TrackingNumber, rows);
                Assert.DoesNotContain(after.TrackingNumber, rows);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task With_no_standby_left_the_export_answers_503_and_nothing_else_does()
    {
        // Every host named is a primary (as after a failover, before the new replica is back): Npgsql finds no host of
        // the kind asked for and says "No suitable host was found", which is the database being away, not a fault.
        using var app = AppFactory.Create(DatabaseProvider.Postgres);
        var server = new NpgsqlConnectionStringBuilder(app.ConnectionString);
        var readOnly = new NpgsqlConnectionStringBuilder(app.ConnectionString)
        {
            Host = $"{server.Host}:{server.Port},{server.Host}:{server.Port}",
            TargetSessionAttributes = "standby",
        };
        using var withReplica = app.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:ReadOnly", readOnly.ConnectionString));
        var lodged = await TestData.LodgeAsync(withReplica.CreateClient(), TestData.Complaint(Token("副本不可用")));
        var supervisor = await CookieSignInAsync(withReplica);
        Assert.Contains(lodged.TrackingNumber, await ExpectAsync(await supervisor.GetAsync("/staff/complaints"), HttpStatusCode.OK));

        var export = await supervisor.GetAsync("/staff/complaints?handler=Export");
        var page = await export.Content.ReadAsStringAsync();
        Assert.True(export.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)export.StatusCode}: {page[..Math.Min(page.Length, 3000)]}");
        Assert.NotNull(export.Headers.RetryAfter);
        Assert.Contains("服务暂时不可用", page);
        Assert.Equal(HttpStatusCode.OK, (await withReplica.CreateClient().GetAsync("/healthz/ready")).StatusCode);
    }

    /// <summary>A client carrying the supervisor's sign-in cookie (set by hand: the fake clock's expiry would make a cookie container drop it).</summary>
    private static async Task<HttpClient> CookieSignInAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> app)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var login = await client.PostAsync("/api/v1/auth/login?useCookies=true", TestData.Json(new JsonObject { ["email"] = Supervisor, ["password"] = Password }));
        await ExpectAsync(login, HttpStatusCode.OK);
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]);
        client.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies));
        return client;
    }

    /// <summary>The text of an xlsx workbook's shared strings and sheets (the tracking numbers are cells' text).</summary>
    private static string SheetText(byte[] xlsx)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(xlsx));
        return string.Concat(zip.Entries.Where(e => e.FullName.StartsWith("xl/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal))
            .Select(e => new StreamReader(e.Open()).ReadToEnd()));
    }
}
