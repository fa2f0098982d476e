using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// Overdue and escalation as staff see them, on the fake clock. The only test of its class because it
/// moves the clock from <see cref="AppFactory.Start"/>: assigned Wed 2026-11-25, the case is due at the end
/// of Wed 12-16 (2026-12-16T16:00Z); escalation offsets are [0, 3, 5] working days after the deadline.
/// </summary>
public abstract class OverdueTests(AppFixture fixture)
{
    private static readonly DateTime Due = Utc("2026-12-16T16:00:00Z");
    private static readonly string JytHandler = Handler("jyt");

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task An_assigned_case_becomes_overdue_at_its_deadline_escalates_with_working_days_and_stops_when_the_unit_responds()
    {
        var time = fixture.App.Time;
        Assert.Equal(AppFactory.Start, time.GetUtcNow());
        var token = Token("超期");
        var number = await _api.AssignedAsync($"{token} 超期督办");
        var (waiting, _) = await _api.LodgeAsync($"{token} 待受理不计超期");
        Assert.Equal(Due, Date((await _api.StaffViewAsync(Supervisor, number))["dueAt"]));

        await AssertAsync(number, Due.AddMinutes(-1), overdue: false, level: 0);
        Assert.Empty(await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=true"));

        // At 24:00 on the due day it is overdue: level 1 (offset 0).
        await AssertAsync(number, Due, overdue: true, level: 1);
        Assert.Equal([number], await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=true"));
        Assert.Equal([number], await _api.ListNumbersAsync(JytHandler, "?overdue=true&limit=100"));
        Assert.Equal([waiting], await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=false"));
        var handlerView = await _api.StaffViewAsync(JytHandler, number);
        Assert.True(handlerView["overdue"]!.GetValue<bool>());
        Assert.Equal(1, handlerView["escalationLevel"]!.GetValue<int>());

        // Two working days past (Thu 12-17, Fri 12-18) and the weekend: still level 1.
        await AssertAsync(number, Utc("2026-12-18T04:00:00Z"), overdue: true, level: 1);
        await AssertAsync(number, Utc("2026-12-20T04:00:00Z"), overdue: true, level: 1);
        // Three working days past (… Mon 12-21) have certainly passed on Tue 12-22: level 2.
        await AssertAsync(number, Utc("2026-12-22T04:00:00Z"), overdue: true, level: 2);
        // Five (… Wed 12-23) certainly passed on Thu 12-24: level 3, and it stays there.
        await AssertAsync(number, Utc("2026-12-24T04:00:00Z"), overdue: true, level: 3);
        await AssertAsync(number, Utc("2026-12-30T04:00:00Z"), overdue: true, level: 3);
        Assert.Equal([number], await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=true"));

        // The late response stops the clock: no longer overdue, no escalation, and on record as late.
        var v = await _api.DoAsync(JytHandler, number, "respond", new { findings = "逾期核实", measures = "整改", publicReply = "已整改" });
        Assert.False(v["overdue"]!.GetValue<bool>());
        Assert.Equal(0, v["escalationLevel"]!.GetValue<int>());
        Assert.True(v["response"]!["late"]!.GetValue<bool>());
        Assert.Empty(await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=true"));
        Assert.Empty(await _api.ListNumbersAsync(JytHandler, "?overdue=true&limit=100"));

        // Sent back: a fresh rework deadline ahead (its exact date falls in 2027, which has no calendar file yet,
        // so it is not pinned here), not overdue.
        v = await _api.DoAsync(Supervisor, number, "send-back", new { reason = "补充材料" });
        Assert.True(Date(v["dueAt"]) > fixture.App.Time.GetUtcNow().UtcDateTime.AddDays(5));
        Assert.False(v["overdue"]!.GetValue<bool>());
        Assert.Equal(0, v["escalationLevel"]!.GetValue<int>());
    }

    private async Task AssertAsync(string number, DateTime nowUtc, bool overdue, int level)
    {
        fixture.App.Time.SetUtcNow(nowUtc);
        var view = await _api.StaffViewAsync(Supervisor, number);
        Assert.True(view["overdue"]!.GetValue<bool>() == overdue, $"overdue at {nowUtc:O}: {view["overdue"]}");
        Assert.True(view["escalationLevel"]!.GetValue<int>() == level, $"escalationLevel at {nowUtc:O}: {view["escalationLevel"]}");
    }
}

public sealed class SqliteOverdueTests(SqliteApp fixture) : OverdueTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresOverdueTests(PostgresApp fixture) : OverdueTests(fixture), IClassFixture<PostgresApp>;
