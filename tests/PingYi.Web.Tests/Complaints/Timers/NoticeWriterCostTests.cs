using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using Xunit.Abstractions;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Timers;

/// <summary>An app whose DbContext carries a <see cref="CommandLog"/>.</summary>
public abstract class CountingAppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public CommandLog Log { get; } = new();

    public AppFactory App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = AppFactory.Create(provider, services: s => s.AddInterceptor(Log));
        _ = App.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteCountingApp() : CountingAppFixture(DatabaseProvider.Sqlite);

public sealed class PostgresCountingApp() : CountingAppFixture(DatabaseProvider.Postgres);

/// <summary>
/// What a sweep batch costs in queries does not grow with its notices: the writer resolves the recipients of all
/// the batch's units at once. Sweep A fires 3 reminders (3 units); sweep B fires 15 notices (3 overdue, 12 reminders,
/// 4 units). The only test of its class: it moves the clock.
/// </summary>
public abstract class NoticeWriterCostTests(CountingAppFixture fixture, ITestOutputHelper output)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task A_sweep_batch_costs_the_same_queries_for_3_notices_as_for_15()
    {
        var time = fixture.App.Time;
        string[] units = ["jyt", "xcb", "tzb", "zfw"];
        // Wed 2026-11-25 10:00: due at the end of Wed 12-16, reminded at 00:00 that day.
        var first = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            first.Add(await _api.AssignedAsync($"{Token("成本")} 第一批", units[i]));
        }
        // Thu 11-26: due at the end of Thu 12-17, reminded at 00:00 that day, when the first batch goes overdue.
        time.Advance(TimeSpan.FromDays(1));
        var second = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            second.Add(await _api.AssignedAsync($"{Token("成本")} 第二批", units[i % 4]));
        }
        // What the demo data has due (accept deadlines) fires first, unmeasured.
        time.SetUtcNow(Utc("2026-12-15T15:00:00Z"));
        await Sweep.RunAsync(fixture.App);

        time.SetUtcNow(Utc("2026-12-15T16:00:00Z"));
        var (firedA, selectsA) = await MeasureAsync();
        time.SetUtcNow(Utc("2026-12-16T16:00:00Z"));
        var (firedB, selectsB) = await MeasureAsync();

        output.WriteLine($"sweep A: {firedA} timers fired, {selectsA} SELECT statements; sweep B: {firedB} timers fired, {selectsB} SELECT statements");
        Assert.Equal(3, firedA);
        Assert.Equal(15, firedB);
        Assert.Equal(selectsA, selectsB);
        // Due ids, the batch, the units (names and contact addresses), their handlers.
        Assert.True(selectsB <= 5, string.Join("\n", fixture.Log.Commands));

        // And every notice still reached its unit's handler and contact address, once.
        foreach (var number in first.Concat(second))
        {
            var rows = await Outbox.RowsAsync(fixture.App, number);
            Assert.Equal(2, rows.Count(r => r.Kind == "deadline-reminder"));
        }
        foreach (var (number, i) in second.Select((n, i) => (n, i)))
        {
            var recipients = (await Outbox.RowsAsync(fixture.App, number)).Where(r => r.Kind == "deadline-reminder").Select(r => r.Recipient).Order().ToList();
            Assert.Equal(new[] { $"{units[i % 4]}-leader@pingyi.local", $"{units[i % 4]}@pingyi.local" }.Order(), recipients);
        }
        foreach (var number in first)
        {
            Assert.Equal(2, (await Outbox.RowsAsync(fixture.App, number)).Count(r => r.Kind == "overdue"));
        }
    }

    private async Task<(int Fired, int Selects)> MeasureAsync()
    {
        fixture.Log.Reset();
        fixture.Log.Counting = true;
        try
        {
            var fired = await Sweep.RunAsync(fixture.App);
            return (fired, fixture.Log.Selects);
        }
        finally
        {
            fixture.Log.Counting = false;
        }
    }
}

public sealed class SqliteNoticeWriterCostTests(SqliteCountingApp fixture, ITestOutputHelper output) : NoticeWriterCostTests(fixture, output), IClassFixture<SqliteCountingApp>;

public sealed class PostgresNoticeWriterCostTests(PostgresCountingApp fixture, ITestOutputHelper output) : NoticeWriterCostTests(fixture, output), IClassFixture<PostgresCountingApp>;
