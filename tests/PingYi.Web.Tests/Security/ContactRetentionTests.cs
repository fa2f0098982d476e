using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// PIPL retention: <c>erase-contacts</c> (run through <c>POST /api/v1/admin/jobs/erase-contacts/run</c>) erases the
/// identity of cases closed more than <c>Privacy:ContactRetentionDays</c> ago — contact row, original file names,
/// mail to the complainant — keeps the case and its timeline, notes it there, does nothing the second time, and
/// leaves the erased values nowhere in the database: on SQLite not in the bytes of the .db and -wal files, on
/// PostgreSQL not in any row of any table (what that does not prove is in docs/security.md).
/// </summary>
public abstract class ContactRetentionTests(DatabaseProvider provider) : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(provider);

    [Fact]
    public async Task Contacts_of_cases_closed_longer_than_the_retention_period_are_erased_from_the_database_files()
    {
        var api = StaffApi.For(_app);
        var old = Secrets();
        var recent = Secrets();
        var (oldNumber, oldCode) = await LodgeNamedAsync(api, old);
        await CloseAsync(api, oldNumber, oldCode);

        _app.Time.Advance(TimeSpan.FromDays(200));
        var (recentNumber, recentCode) = await LodgeNamedAsync(api, recent);
        await CloseAsync(api, recentNumber, recentCode);

        // The scan can find what it looks for: before the job, every secret is in the database.
        foreach (var secret in old.All)
        {
            Assert.True(await StoredAsync(secret), $"'{secret}' should be stored before the erasure");
        }

        // 366 days after the first case closed, 166 after the second.
        _app.Time.Advance(TimeSpan.FromDays(166) + TimeSpan.FromHours(1));
        var admin = await api.AsAsync(StaffApi.Admin);
        var run = JsonNode.Parse(await ExpectAsync(await admin.PostAsync("/api/v1/admin/jobs/erase-contacts/run", Json(new JsonObject())), HttpStatusCode.OK))!;
        Assert.Equal(1, run["result"]!["cases"]!.GetValue<int>());
        Assert.Equal(1, run["result"]!["contacts"]!.GetValue<int>());
        Assert.Equal(1, run["result"]!["originalNames"]!.GetValue<int>());
        Assert.True(run["result"]!["mails"]!.GetValue<int>() >= 1, run.ToJsonString());

        foreach (var secret in old.All)
        {
            Assert.False(await StoredAsync(secret), $"'{secret}' is still in the database after the erasure");
        }
        foreach (var secret in recent.All)
        {
            Assert.True(await StoredAsync(secret), $"'{secret}' of the recent case was erased too early");
        }

        // The case and its timeline stay; the identity is gone for supervisors too; the timeline says why.
        var reveal = JsonNode.Parse(await ExpectAsync(await api.RevealAsync(Supervisor, oldNumber), HttpStatusCode.OK))!;
        Assert.True(reveal["erased"]!.GetValue<bool>());
        Assert.Null(reveal["name"]);
        var view = await api.StaffViewAsync(Supervisor, oldNumber);
        Assert.Equal("closed", view["status"]!.GetValue<string>());
        Assert.All(view["attachments"]!.AsArray(), a => Assert.Null(a!["originalFileName"]));
        Assert.Single(view["attachments"]!.AsArray());
        var timeline = view["timeline"]!.AsArray();
        Assert.Contains(timeline, e => e!["action"]!.GetValue<string>() == "assign");
        var erased = Assert.Single(timeline, e => e!["action"]!.GetValue<string>() == "erase-contact")!;
        Assert.Equal("system", erased["actorRole"]!.GetValue<string>());
        var recentReveal = JsonNode.Parse(await ExpectAsync(await api.RevealAsync(Supervisor, recentNumber), HttpStatusCode.OK))!;
        Assert.Equal(recent.Phone, recentReveal["phone"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await api.PublicGetAsync(oldNumber, oldCode)).StatusCode);

        // Idempotent: a second run finds nothing, and adds no second entry.
        var again = JsonNode.Parse(await ExpectAsync(await admin.PostAsync("/api/v1/admin/jobs/erase-contacts/run", Json(new JsonObject())), HttpStatusCode.OK))!;
        Assert.Equal(0, again["result"]!["cases"]!.GetValue<int>());
        Assert.Single((await api.StaffViewAsync(Supervisor, oldNumber))["timeline"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "erase-contact");

        // Both runs are on the audit log.
        var audit = JsonNode.Parse(await ExpectAsync(await admin.GetAsync("/api/v1/admin/audit?limit=200"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.Equal(2, audit.Count(i => i!["kind"]!.GetValue<string>() == "job.run" && i.ToJsonString().Contains("erase-contacts", StringComparison.Ordinal)));
    }

    private sealed record Secret(string Name, string Phone, string Email, string FileName)
    {
        public IEnumerable<string> All => [Name, Phone, Email, FileName];
    }

    private static Secret Secrets()
    {
        // A rare Chinese name made unique per test, a unique phone and address, a file name that names the person.
        var n = Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var name = "司马" + (char)Random.Shared.Next(0x4E00, 0x9FA5) + (char)Random.Shared.Next(0x4E00, 0x9FA5);
        return new Secret(name, $"139{n}", $"keep.{n}@example.org", $"witness{n}的照片.png");
    }

    private static async Task<(string Number, string Code)> LodgeNamedAsync(StaffApi api, Secret who)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(DemoUnit), "unitCode" },
            { new StringContent("formalism"), "category" },
            { new StringContent("保存期限测试"), "title" },
            { new StringContent("区教育局要求学校在一周内提交同一检查的三套纸质材料，教师连续加班整理台账。"), "description" },
            { new StringContent("false"), "anonymous" },
            { new StringContent(who.Name), "complainant.name" },
            { new StringContent(who.Phone), "complainant.phone" },
            { new StringContent(who.Email), "complainant.email" },
        };
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "attachments", who.FileName);
        var response = await api.Anonymous.PostAsync("/api/v1/complaints", form);
        var json = JsonNode.Parse(await ExpectAsync(response, HttpStatusCode.Created))!;
        return (json["trackingNumber"]!.GetValue<string>(), json["accessCode"]!.GetValue<string>());
    }

    private static async Task CloseAsync(StaffApi api, string number, string code)
    {
        await api.DoAsync(Supervisor, number, "assign", new { unitCode = DemoUnit });
        await api.DoAsync(Handler(DemoUnit), number, "respond", new { findings = "情况属实。", measures = "已取消重复提交要求。", publicReply = "已整改，感谢监督。" });
        await api.DoAsync(Supervisor, number, "approve", new { qualityRating = 5 });
        await ExpectAsync(await api.FeedbackAsync(number, code, "satisfied"), HttpStatusCode.OK);
        Assert.Equal("closed", (await api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());
    }

    /// <summary>
    /// SQLite: whether the UTF-8 bytes are anywhere in the database file or its write-ahead log (freed pages and
    /// cells included). PostgreSQL: whether any row of any table holds the text (the relation files belong to the
    /// server's own user and are not readable by the test).
    /// </summary>
    private async Task<bool> StoredAsync(string secret)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(_app.ConnectionString).DataSource;
            var needle = Encoding.UTF8.GetBytes(secret);
            foreach (var file in new[] { path, path + "-wal", path + "-journal" })
            {
                if (File.Exists(file) && Read(file).AsSpan().IndexOf(needle) >= 0)
                {
                    return true;
                }
            }
            return false;
        }
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.Contains(tables, t => t.Contains("ComplainantContacts", StringComparison.Ordinal));
        foreach (var table in tables)
        {
            await using var probe = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table} t WHERE strpos(t::text, @s) > 0)", connection);
            probe.Parameters.AddWithValue("s", secret);
            if ((bool)(await probe.ExecuteScalarAsync())!)
            {
                return true;
            }
        }
        return false;
    }

    private static byte[] Read(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteContactRetentionTests() : ContactRetentionTests(DatabaseProvider.Sqlite);

public sealed class PostgresContactRetentionTests() : ContactRetentionTests(DatabaseProvider.Postgres);
