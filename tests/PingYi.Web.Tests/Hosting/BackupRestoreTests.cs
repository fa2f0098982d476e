using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// The restore drill on SQLite, with the real commands: lodge (with a photo), <c>backup</c> while the app serves,
/// lodge more, stop, <c>restore</c>, start again: the first set is there with its attachment and its access code
/// working, and staff can still sign in and read it; the later set is gone. A damaged backup is refused.
/// </summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task Backup_lodge_more_restore_serves_the_first_set_with_attachments_and_access_codes_and_not_the_later_one()
    {
        var dir = Directory.CreateTempSubdirectory("pingyi-drill-");
        var backup = Path.Combine(dir.FullName, "backup-1");
        var connectionString = $"Data Source={Path.Combine(dir.FullName, "pingyi.db")}";
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:PingYi"] = connectionString };
        var environment = new Dictionary<string, string> { ["ConnectionStrings__PingYi"] = connectionString };
        try
        {
            var first = new List<(string Number, string Code)>();
            var later = new List<(string Number, string Code)>();
            using (var app = AppFactory.Create(DatabaseProvider.Sqlite, settings))
            {
                var api = StaffApi.For(app);
                for (var i = 0; i < 3; i++)
                {
                    first.Add(await api.LodgeWithPngAsync(StaffApi.Complaint($"备份演练 {i}")));
                }
                // Online: the app is still running.
                var (code, output) = await AppProcess.RunUntilExitAsync(environment, "backup", backup);
                Assert.True(code == 0, output);
                for (var i = 0; i < 2; i++)
                {
                    later.Add(await api.LodgeAsync($"备份之后 {i}"));
                }
                Assert.Equal(HttpStatusCode.OK, (await api.PublicGetAsync(later[0].Number, later[0].Code)).StatusCode);
            }
            SqliteConnection.ClearAllPools();

            var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json")))!;
            Assert.True(manifest["attachments"]!.GetValue<long>() >= 3);
            Assert.True(manifest["dataProtectionKeys"]!.GetValue<long>() >= 1);

            var (restored, restoreOutput) = await AppProcess.RunUntilExitAsync(environment, "restore", backup);
            Assert.True(restored == 0, restoreOutput);

            using (var app = AppFactory.Create(DatabaseProvider.Sqlite, settings))
            {
                var api = StaffApi.For(app);
                foreach (var (number, accessCode) in first)
                {
                    Assert.Equal(HttpStatusCode.OK, (await api.PublicGetAsync(number, accessCode)).StatusCode);
                    var view = await api.StaffViewAsync(Supervisor, number);
                    var attachment = Assert.Single(view["attachments"]!.AsArray());
                    var download = await api.GetAsync(Supervisor, $"/api/v1/complaints/{number}/attachments/{attachment!["id"]}");
                    Assert.Equal(HttpStatusCode.OK, download.StatusCode);
                    var bytes = await download.Content.ReadAsByteArrayAsync();
                    Assert.True(bytes.Length > 8 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', "not the PNG");
                }
                foreach (var (number, accessCode) in later)
                {
                    Assert.Equal(HttpStatusCode.NotFound, (await api.PublicGetAsync(number, accessCode)).StatusCode);
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_damaged_backup_is_refused_and_PostgreSQL_is_pointed_at_its_own_tools()
    {
        var dir = Directory.CreateTempSubdirectory("pingyi-drill-");
        var connectionString = $"Data Source={Path.Combine(dir.FullName, "pingyi.db")}";
        var environment = new Dictionary<string, string> { ["ConnectionStrings__PingYi"] = connectionString };
        try
        {
            var backup = Path.Combine(dir.FullName, "b");
            using (var app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["ConnectionStrings:PingYi"] = connectionString }))
            {
                _ = app.Server;
            }
            SqliteConnection.ClearAllPools();
            Assert.Equal(0, (await AppProcess.RunUntilExitAsync(environment, "backup", backup)).ExitCode);
            var (again, againOutput) = await AppProcess.RunUntilExitAsync(environment, "backup", backup);
            Assert.Equal(1, again);
            Assert.Contains("not empty", againOutput);

            await using (var file = File.OpenWrite(Path.Combine(backup, "pingyi.db")))
            {
                file.Seek(200, SeekOrigin.Begin);
                file.WriteByte(0x5A);
            }
            var (damaged, output) = await AppProcess.RunUntilExitAsync(environment, "restore", backup);
            Assert.Equal(1, damaged);
            Assert.Contains("does not match its manifest", output);

            var (postgres, pgOutput) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__PingYi"] = "Host=127.0.0.1;Database=pingyi",
            }, "backup", Path.Combine(dir.FullName, "pg"));
            Assert.Equal(2, postgres);
            Assert.Contains("pg_dump", pgOutput);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }
}
