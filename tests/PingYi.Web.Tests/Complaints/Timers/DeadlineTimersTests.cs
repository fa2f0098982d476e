using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Features.Complaints.Timers;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Timers;

/// <summary>
/// Every timer of a case fires exactly once through the sweep, whether the sweep runs on time, twice, on two
/// "nodes" at once (two scopes, two DbContexts, racing on the row version) or days late. The only test of its
/// class because it moves the shared fake clock: assigned Wed 2026-11-25 10:00 China time, due at the end of
/// Wed 12-16; a 督办 notice with the default 3 working days is due at the end of Mon 11-30. Two more cases walk 中止
/// (workflow v4) along the same clock: suspended at once with all 15 working days left, one resumes when the
/// complainant supplies material on Tue 12-01, the other by itself when the longest suspension (20 working days,
/// to the end of Wed 12-23) has passed.
/// </summary>
public abstract class DeadlineTimersTests(AppFixture fixture)
{
    private static readonly string JytHandler = Handler("jyt");
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task Each_timer_fires_once_across_repeated_concurrent_and_late_sweeps()
    {
        var time = fixture.App.Time;
        Assert.Equal(AppFactory.Start, time.GetUtcNow());
        var number = await _api.AssignedAsync($"{Token("计时")} 超期升级");
        var (supplied, suppliedCode) = await SuspendedAsync($"{Token("中止")} 补充材料后恢复");
        var (forgotten, _) = await SuspendedAsync($"{Token("中止")} 期满自动恢复");
        var view = await _api.DoAsync(Supervisor, number, "supervise", new { reason = "群众多次反映，请限期答复" });
        var notice = Assert.Single(view["supervisions"]!.AsArray())!;
        Assert.Equal(Utc("2026-11-30T16:00:00Z"), Date(notice["dueAt"]));
        // The notice's reply reminder comes first: 00:00 of its last working day, Mon 11-30.
        Assert.Equal(Utc("2026-11-29T16:00:00Z"), Date(view["nextTimerAt"]));

        // The notice's reply deadline passes (the sweep first runs then, so its reminder is passed over): fired
        // once, by whichever of two concurrent sweeps wins.
        time.SetUtcNow(Utc("2026-11-30T16:00:00Z"));
        await Task.WhenAll(SweepAsync(), SweepAsync());
        await SweepAsync();
        Assert.Equal(1, await CountAsync(number, "supervision-overdue"));
        Assert.Equal(0, await CountAsync(number, "supervision-reminder"));
        // 00:00 Tue 12-01: the complainant supplies what was asked for; the case resumes by itself with its 15 working
        // days counted from 12-01, to the end of Tue 12-22.
        var supplement = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{supplied}/supplements")
        {
            Content = TestData.Json(new JsonObject { ["text"] = "现场照片和通知原件已补充。" }),
        };
        supplement.Headers.Add("X-Access-Code", suppliedCode);
        await ExpectAsync(await _api.Anonymous.SendAsync(supplement), System.Net.HttpStatusCode.NoContent);
        var resumed = await _api.StaffViewAsync(Supervisor, supplied);
        Assert.Equal("assigned", Str(resumed, "status"));
        Assert.Equal(Utc("2026-12-22T16:00:00Z"), Date(resumed["dueAt"]));
        var resume = resumed["timeline"]!.AsArray().Single(e => e!["action"]!.GetValue<string>() == "resume")!;
        Assert.Equal("system", resume["actorRole"]!.GetValue<string>());
        view = await _api.StaffViewAsync(Supervisor, number);
        Assert.True(view["supervisions"]![0]!["overdue"]!.GetValue<bool>());
        // The notice's level 2 is next: 3 working days after its deadline have passed, 00:00 Fri 12-04.
        Assert.Equal(Utc("2026-12-03T16:00:00Z"), Date(view["nextTimerAt"]));

        // Levels 2 and 3 of the notice (12-04, 12-08) and the case's reminder (00:00 Wed 12-16), in one late run.
        time.SetUtcNow(Utc("2026-12-15T16:00:00Z"));
        await Task.WhenAll(SweepAsync(), SweepAsync(), SweepAsync());
        Assert.Equal(1, await CountAsync(number, "deadline-reminder"));
        Assert.Equal(2, await CountAsync(number, "supervision-escalate"));
        // The suspended case had the same deadline, but its clock stands still: no reminder.
        Assert.Equal(0, await CountAsync(forgotten, "deadline-reminder"));
        view = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal(0, view["escalationLevelNotified"]!.GetValue<int>());
        Assert.Equal(Utc("2026-12-16T16:00:00Z"), Date(view["nextTimerAt"]));

        // The app was down from before the deadline until three days after level 3 (Thu 12-24) began.
        time.SetUtcNow(Utc("2026-12-28T02:00:00Z"));
        await Task.WhenAll(SweepAsync(), SweepAsync());
        await SweepAsync();
        Assert.Equal(1, await CountAsync(number, "overdue"));
        Assert.Equal(2, await CountAsync(number, "escalate"));
        Assert.Equal(1, await CountAsync(number, "deadline-reminder"));
        Assert.Equal(1, await CountAsync(number, "supervision-overdue"));
        Assert.Equal(2, await CountAsync(number, "supervision-escalate"));
        view = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal(3, view["supervisions"]![0]!["escalationLevel"]!.GetValue<int>());
        Assert.Equal(3, view["escalationLevelNotified"]!.GetValue<int>());
        Assert.Equal(3, view["escalationLevel"]!.GetValue<int>());
        Assert.Null(view["nextTimerAt"]);
        // Twelve days past its first deadline, the forgotten suspended case was never overdue: the sweep resumed it
        // (its longest suspension ended with 12-23) with 15 working days from Mon 12-28, to the end of Mon 2027-01-18.
        var back = await _api.StaffViewAsync(Supervisor, forgotten);
        Assert.Equal(("assigned", false), (Str(back, "status"), back["overdue"]!.GetValue<bool>()));
        Assert.Equal(Utc("2027-01-18T16:00:00Z"), Date(back["dueAt"]));
        Assert.Equal(0, await CountAsync(forgotten, "overdue"));
        Assert.Single(back["timeline"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "resume" && e["actorRole"]!.GetValue<string>() == "system");
        // The other one's resumed deadline (12-22) ran like any other.
        Assert.Equal(1, await CountAsync(supplied, "overdue"));
        var levels = view["timeline"]!.AsArray().Where(e => e!["action"]!.GetValue<string>() == "escalate")
            .Select(e => JsonNode.Parse(e!["data"]!.GetValue<string>())!["level"]!.GetValue<int>());
        Assert.Equal([2, 3], levels);
        Assert.All(view["timeline"]!.AsArray().Where(e => e!["actorRole"]!.GetValue<string>() == "system"), e => Assert.Null(e!["note"]));

        // A late answer still closes the overdue notice.
        view = await _api.DoAsync(JytHandler, number, "answer-supervision", new { answer = "已约谈相关责任人并整改" });
        Assert.False(view["supervisions"]![0]!["open"]!.GetValue<bool>());
        await SweepAsync();
        Assert.Equal(0, await SweepAsync());
    }

    /// <summary>Lodged, assigned to jyt, suspended at the unit's request with a supervisor's approval; checks what /track shows.</summary>
    private async Task<(string Number, string Code)> SuspendedAsync(string title)
    {
        var (number, code) = await _api.LodgeAsync(title);
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        var view = await _api.DoAsync(JytHandler, number, "request-suspension", new { reason = "需核实现场情况", expectation = "请补充现场照片和通知原件" });
        Assert.Equal("suspension", Str(view, "pendingRequest"));
        Assert.Contains("approve-suspension", await _api.ActionsAsync(Supervisor, number));
        view = await _api.DoAsync(Supervisor, number, "approve-suspension");
        Assert.Equal(("suspended", false), (Str(view, "status"), view["overdue"]!.GetValue<bool>()));
        Assert.Equal(["resume", "link"], await _api.ActionsAsync(Supervisor, number));
        Assert.Empty(await _api.ActionsAsync(JytHandler, number));
        // The longest suspension ends with Wed 12-23: that is the case's next timer.
        Assert.Equal(Utc("2026-12-23T16:00:00Z"), Date(view["nextTimerAt"]));

        var track = JsonNode.Parse(await _api.PublicViewTextAsync(number, code))!.AsObject();
        Assert.Equal(("suspended", "中止"), (Str(track, "status"), Str(track, "statusLabel")));
        Assert.Null(track["deadline"]);
        Assert.Equal("需核实现场情况", Str(track["suspension"]!.AsObject(), "reason"));
        Assert.Equal("请补充现场照片和通知原件", Str(track["suspension"]!.AsObject(), "expected"));
        Assert.Equal(Utc("2026-12-23T16:00:00Z"), Date(track["suspension"]!["resumesBy"]));
        return (number, code);
    }

    private static string? Str(JsonObject o, string name) => o[name]?.GetValue<string>();

    private async Task<int> CountAsync(string number, string action) =>
        (await _api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == action);

    private async Task<int> SweepAsync()
    {
        using var scope = fixture.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SweepTimers.Handler>().HandleAsync(CancellationToken.None);
    }
}

public sealed class SqliteDeadlineTimersTests(SqliteApp fixture) : DeadlineTimersTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresDeadlineTimersTests(PostgresApp fixture) : DeadlineTimersTests(fixture), IClassFixture<PostgresApp>;
