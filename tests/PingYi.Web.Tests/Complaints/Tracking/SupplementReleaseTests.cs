using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Tracking;

/// <summary>An app whose supplements reach units at 08:30 and 14:30 China time (the production default).</summary>
public abstract class ReleaseTimesApp(PingYi.Data.DatabaseProvider provider) : IAsyncLifetime
{
    public AppFactory App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = AppFactory.Create(provider, new Dictionary<string, string?> { ["Privacy:UnitReleaseTimes"] = "08:30,14:30" });
        _ = App.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteReleaseTimesApp() : ReleaseTimesApp(PingYi.Data.DatabaseProvider.Sqlite);

public sealed class PostgresReleaseTimesApp() : ReleaseTimesApp(PingYi.Data.DatabaseProvider.Postgres);

/// <summary>
/// "Times to the day" is not defeated by polling (docs/security.md): a unit's handler learns of a complainant's
/// supplement — the timeline entry, its files, the list's newSupplement flag — only at the next release time, while
/// the supervisor sees it at once.
/// </summary>
public abstract class SupplementReleaseTests(ReleaseTimesApp fixture)
{
    private const string JytHandler = "jyt@pingyi.local";

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<JsonObject> ListRowAsync(string email, string number) =>
        (await _api.ListAsync(email, "?q=" + number))["items"]!.AsArray().Single(i => i!["trackingNumber"]!.GetValue<string>() == number)!.AsObject();

    private static int Supplements(JsonObject view) => view["timeline"]!.AsArray().Count(t => t!["action"]!.GetValue<string>() == "supplement");

    [Fact]
    public async Task A_supplement_its_files_and_the_new_supplement_flag_reach_the_unit_only_at_the_next_release_time()
    {
        var (number, code) = await _api.LodgeAsync(Token("分批"));
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        var before = await _api.StaffViewAsync(JytHandler, number);
        var timelineBefore = before["timeline"]!.AsArray().Count;
        var filesBefore = before["attachments"]!.AsArray().Count;

        // 2026-11-25 10:00 China time in the fake clock: the next release is at 14:30.
        _api.App.Time.Advance(TimeSpan.FromMinutes(7));
        using var form = new MultipartFormDataContent { { new StringContent("补充：窗口当天无人值守。"), "text" } };
        var png = new ByteArrayContent(TestData.Png);
        png.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(png, "attachments", "补充.png");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements") { Content = form };
        request.Headers.Add("X-Access-Code", code);
        await ExpectAsync(await _api.Anonymous.SendAsync(request), HttpStatusCode.NoContent);

        // The supervisor sees it at once (the list first: opening the case clears the flag).
        Assert.True((await ListRowAsync(Supervisor, number))["newSupplement"]!.GetValue<bool>());
        var supervisor = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal(1, Supplements(supervisor));
        var newFile = supervisor["attachments"]!.AsArray().Last()!["id"]!.GetValue<string>();

        // Polled every few minutes up to just before 14:30, the unit sees nothing move.
        for (var minutes = 0; minutes < 4 * 60 + 20; minutes += 65)
        {
            var view = await _api.StaffViewAsync(JytHandler, number);
            Assert.Equal(timelineBefore, view["timeline"]!.AsArray().Count);
            Assert.Equal(filesBefore, view["attachments"]!.AsArray().Count);
            Assert.False((await ListRowAsync(JytHandler, number))["newSupplement"]!.GetValue<bool>());
            Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync(JytHandler, $"/api/v1/complaints/{number}/attachments/{newFile}")).StatusCode);
            _api.App.Time.Advance(TimeSpan.FromMinutes(65));
        }

        // 14:30 has passed: released, flag and file included.
        _api.App.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.True((await ListRowAsync(JytHandler, number))["newSupplement"]!.GetValue<bool>());
        var released = await _api.StaffViewAsync(JytHandler, number);
        Assert.Equal(1, Supplements(released));
        Assert.Equal(filesBefore + 1, released["attachments"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync(JytHandler, $"/api/v1/complaints/{number}/attachments/{newFile}")).StatusCode);
    }
}

public sealed class SqliteSupplementReleaseTests(SqliteReleaseTimesApp fixture) : SupplementReleaseTests(fixture), IClassFixture<SqliteReleaseTimesApp>;

public sealed class PostgresSupplementReleaseTests(PostgresReleaseTimesApp fixture) : SupplementReleaseTests(fixture), IClassFixture<PostgresReleaseTimesApp>;
