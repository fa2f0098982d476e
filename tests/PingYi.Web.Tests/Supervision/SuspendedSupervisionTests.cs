using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Features.Complaints.Timers;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Supervision;

/// <summary>
/// An open 督办 notice during 中止: its reply deadline stands still with the case's and restarts on resume with the
/// working days it had left, so the suspension never makes it overdue; a notice already late when the case was
/// suspended stays late. The only test of its class because it moves the shared fake clock: Wed 2026-11-25 10:00
/// China time, 督办 with 3 working days due at the end of Mon 11-30.
/// </summary>
public abstract class SuspendedSupervisionTests(AppFixture fixture)
{
    private static readonly string JytHandler = Handler("jyt");
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task A_notice_open_during_a_suspension_is_never_overdue_for_it_and_restarts_with_the_working_days_it_had_left()
    {
        var time = fixture.App.Time;
        Assert.Equal(AppFactory.Start, time.GetUtcNow());

        // Wed 11-25 10:00: 督办 on two cases, three working days (to the end of Mon 11-30) and one (to the end of Thu 11-26).
        var paused = await _api.AssignedAsync($"{Token("督办中止")} 暂停");
        var late = await _api.AssignedAsync($"{Token("督办中止")} 已逾期");
        var view = await _api.DoAsync(Supervisor, paused, "supervise", new { reason = "请限期答复" });
        Assert.Equal(Utc("2026-11-30T16:00:00Z"), Date(view["supervisions"]![0]!["dueAt"]));
        view = await _api.DoAsync(Supervisor, late, "supervise", new { reason = "请限期答复", workingDays = 1 });
        Assert.Equal(Utc("2026-11-26T16:00:00Z"), Date(view["supervisions"]![0]!["dueAt"]));

        // The first case is suspended at once, with Thu, Fri and Mon left on its notice.
        await SuspendAsync(paused);
        view = await _api.StaffViewAsync(Supervisor, paused);
        var notice = view["supervisions"]![0]!;
        Assert.NotNull(Date(notice["pausedAt"]));
        Assert.False(notice["overdue"]!.GetValue<bool>());

        // Fri 11-27 10:00: the second case's notice is already late (fired by the sweep); suspending the case keeps it late.
        time.SetUtcNow(Utc("2026-11-27T02:00:00Z"));
        await SweepAsync();
        Assert.Equal(1, await CountAsync(late, "supervision-overdue"));
        await SuspendAsync(late);
        notice = (await _api.StaffViewAsync(Supervisor, late))["supervisions"]![0]!;
        Assert.Null(notice["pausedAt"]);
        Assert.True(notice["overdue"]!.GetValue<bool>());

        // Wed 12-02 10:00, past the first notice's original deadline: while suspended it is not overdue (the one rule the
        // case page, the inbox and the 督办台 read) and the sweep fires nothing for it.
        time.SetUtcNow(Utc("2026-12-02T02:00:00Z"));
        await SweepAsync();
        view = await _api.StaffViewAsync(Supervisor, paused);
        Assert.False(view["supervisions"]![0]!["overdue"]!.GetValue<bool>());
        Assert.Equal(0, await CountAsync(paused, "supervision-overdue"));
        Assert.Equal(0, await CountAsync(paused, "supervision-reminder"));

        // Resumed: the notice's three working days count from the resume (Thu 12-03, Fri 12-04, Mon 12-07).
        view = await _api.DoAsync(Supervisor, paused, "resume", new { note = "反映人已补充" });
        notice = view["supervisions"]![0]!;
        Assert.Equal(Utc("2026-12-07T16:00:00Z"), Date(notice["dueAt"]));
        Assert.Null(notice["pausedAt"]);
        Assert.False(notice["overdue"]!.GetValue<bool>());
        // The late notice of the other case stays late through its resume, its deadline unchanged.
        view = await _api.DoAsync(Supervisor, late, "resume");
        Assert.Equal(Utc("2026-11-26T16:00:00Z"), Date(view["supervisions"]![0]!["dueAt"]));
        Assert.True(view["supervisions"]![0]!["overdue"]!.GetValue<bool>());

        // The restarted deadline runs like any other: answered in time it counts as in time; unanswered it falls due once.
        time.SetUtcNow(Utc("2026-12-07T16:00:00Z"));
        await SweepAsync();
        await SweepAsync();
        Assert.Equal(1, await CountAsync(paused, "supervision-overdue"));
        Assert.True((await _api.StaffViewAsync(Supervisor, paused))["supervisions"]![0]!["overdue"]!.GetValue<bool>());
    }

    private async Task SuspendAsync(string number)
    {
        await _api.DoAsync(JytHandler, number, "request-suspension", new { reason = "需核实", expectation = "请补充材料" });
        var view = await _api.DoAsync(Supervisor, number, "approve-suspension");
        Assert.Equal("suspended", view["status"]!.GetValue<string>());
    }

    private async Task<int> CountAsync(string number, string action) =>
        (await _api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == action);

    private async Task<int> SweepAsync()
    {
        using var scope = fixture.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SweepTimers.Handler>().HandleAsync(CancellationToken.None);
    }
}

public sealed class SqliteSuspendedSupervisionTests(SqliteApp fixture) : SuspendedSupervisionTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSuspendedSupervisionTests(PostgresApp fixture) : SuspendedSupervisionTests(fixture), IClassFixture<PostgresApp>;
