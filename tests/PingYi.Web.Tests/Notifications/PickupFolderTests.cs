using MimeKit;
using PingYi.Data;
using PingYi.Data.Outbox;
using PingYi.Web.Tests.Infrastructure;

namespace PingYi.Web.Tests.Notifications;

/// <summary>The embedded default: no Smtp:Host, so mail is written as .eml files to the pickup folder.</summary>
public abstract class PickupAppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public DirectoryInfo Folder { get; } = Directory.CreateTempSubdirectory("pingyi-mail-");

    public AppFactory App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = AppFactory.Create(provider, new Dictionary<string, string?>
        {
            ["Mail:PickupFolder"] = Folder.FullName,
            ["Mail:QuietHours"] = "false",
        });
        _ = App.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        Folder.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class SqlitePickupApp() : PickupAppFixture(DatabaseProvider.Sqlite);

public sealed class PostgresPickupApp() : PickupAppFixture(DatabaseProvider.Postgres);

public abstract class PickupFolderTests(PickupAppFixture fixture)
{
    [Fact]
    public async Task Without_an_smtp_host_each_message_becomes_one_eml_file_in_the_pickup_folder()
    {
        var api = StaffApi.For(fixture.App);
        var number = await api.AssignedAsync(StaffApi.Token("落地文件"));
        await Outbox.RunJobAsync(api, "outbox");
        await Outbox.RunJobAsync(api, "outbox");

        var rows = await Outbox.RowsAsync(fixture.App, number);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(OutboxState.Sent, r.State));
        var files = fixture.Folder.GetFiles("*.eml")
            .Select(f => MimeMessage.Load(f.FullName))
            .Where(m => (m.Subject ?? "").Contains(number, StringComparison.Ordinal))
            .ToList();
        Assert.Equal(rows.Select(r => r.MessageId).Order(), files.Select(m => m.MessageId).Order());
        Assert.All(files, m => Assert.StartsWith("【交办】", m.Subject));
        Assert.Empty(fixture.Folder.GetFiles("*.tmp"));
    }
}

public sealed class SqlitePickupFolderTests(SqlitePickupApp fixture) : PickupFolderTests(fixture), IClassFixture<SqlitePickupApp>;

public sealed class PostgresPickupFolderTests(PostgresPickupApp fixture) : PickupFolderTests(fixture), IClassFixture<PostgresPickupApp>;
