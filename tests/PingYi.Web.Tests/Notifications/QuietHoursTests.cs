using System.Net;
using PingYi.Data;
using PingYi.Data.Outbox;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Notifications;

/// <summary>An app whose clock starts on Wednesday 1 April 2026, with quiet hours on.</summary>
public abstract class QuietHoursAppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public SmtpSink Smtp { get; } = new();

    public AppFactory App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = AppFactory.Create(provider, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Mail:QuietHours"] = "true",
        }, start: new DateTimeOffset(2026, 4, 1, 2, 0, 0, TimeSpan.Zero));
        _ = App.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        Smtp.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteQuietHoursApp() : QuietHoursAppFixture(DatabaseProvider.Sqlite);

public sealed class PostgresQuietHoursApp() : QuietHoursAppFixture(DatabaseProvider.Postgres);

public abstract class QuietHoursTests(QuietHoursAppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private static readonly string[] Unit = ["jyt-leader@pingyi.local", "jyt@pingyi.local"];

    [Fact]
    public async Task Staff_mail_of_the_evening_waits_for_the_next_working_morning_and_the_complainant_hears_at_once()
    {
        var app = fixture.App;
        var who = Complainant.Distinct();

        // Wednesday 20:00 China time.
        app.Time.SetUtcNow(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero));
        var (evening, _) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("晚间交办")), who));
        await ExpectAsync(await _api.ActAsync(Supervisor, evening, "assign", new { unitCode = "jyt" }), HttpStatusCode.OK);
        var rows = await Outbox.RowsAsync(app, evening);
        Assert.All(rows.Where(r => Unit.Contains(r.Recipient)), r => Assert.Equal(Utc("2026-04-02T00:30:00Z"), r.NotBeforeUtc));
        Assert.Equal(Utc("2026-04-01T12:00:00Z"), rows.Single(r => r.Recipient == who.Email).NotBeforeUtc);

        await Outbox.RunJobAsync(_api, "outbox");
        Assert.Equal([who.Email], fixture.Smtp.About(evening).Select(m => m.To.Mailboxes.Single().Address));

        app.Time.SetUtcNow(new DateTimeOffset(2026, 4, 2, 0, 29, 0, TimeSpan.Zero));
        await Outbox.RunJobAsync(_api, "outbox");
        Assert.Single(fixture.Smtp.About(evening));
        app.Time.SetUtcNow(new DateTimeOffset(2026, 4, 2, 0, 30, 0, TimeSpan.Zero));
        await Outbox.RunJobAsync(_api, "outbox");
        Assert.Equal([.. Unit, who.Email], fixture.Smtp.About(evening).Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));

        // Friday 3 April 20:00, before 清明 (Saturday to Monday off): Tuesday 08:30.
        app.Time.SetUtcNow(new DateTimeOffset(2026, 4, 3, 12, 0, 0, TimeSpan.Zero));
        var holiday = await _api.AssignedAsync(Token("节前交办"));
        Assert.All(await Outbox.RowsAsync(app, holiday), r => Assert.Equal(Utc("2026-04-07T00:30:00Z"), r.NotBeforeUtc));
        app.Time.SetUtcNow(new DateTimeOffset(2026, 4, 6, 3, 0, 0, TimeSpan.Zero));
        await Outbox.RunJobAsync(_api, "outbox");
        Assert.Empty(fixture.Smtp.About(holiday));
        Assert.All(await Outbox.RowsAsync(app, holiday), r => Assert.Equal(OutboxState.Pending, r.State));
        app.Time.SetUtcNow(new DateTimeOffset(2026, 4, 7, 0, 30, 0, TimeSpan.Zero));
        await Outbox.RunJobAsync(_api, "outbox");
        Assert.Equal(Unit, fixture.Smtp.About(holiday).Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));
    }
}

public sealed class SqliteQuietHoursTests(SqliteQuietHoursApp fixture) : QuietHoursTests(fixture), IClassFixture<SqliteQuietHoursApp>;

public sealed class PostgresQuietHoursTests(PostgresQuietHoursApp fixture) : QuietHoursTests(fixture), IClassFixture<PostgresQuietHoursApp>;
