using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// When exactly escalation levels 2 and 3 begin. The offsets [0, 3, 5] are "working days after the deadline";
/// read like every other deadline of the system (N working days after a day end at 24:00 of the Nth working
/// day), level 2 begins when three working days after the deadline have passed and level 3 after five.
/// Provider-independent (the level is computed in memory from the stored deadline), so SQLite only; it starts
/// its own app because it moves the clock from <see cref="AppFactory.Start"/>.
/// </summary>
public sealed class EscalationBoundaryTests
{
    [Fact]
    public async Task Escalation_levels_begin_when_the_offset_in_working_days_has_passed_not_when_its_last_day_begins()
    {
        // Its own app (not a class fixture), so that nothing is started while the test is skipped.
        using var app = AppFactory.Create(PingYi.Data.DatabaseProvider.Sqlite);
        var api = StaffApi.For(app);
        Assert.Equal(AppFactory.Start, app.Time.GetUtcNow());
        var number = await api.AssignedAsync("超期边界");
        Assert.Equal(Utc("2026-12-16T16:00:00Z"), Date((await api.StaffViewAsync(Supervisor, number))["dueAt"]));

        var levels = new List<string>();
        foreach (var (at, expected) in new[]
                 {
                     ("2026-12-16T16:00:00Z", 1), // Thu 12-17 00:00: at the deadline (offset 0)
                     ("2026-12-21T04:00:00Z", 1), // Mon 12-21 12:00: two and a half working days past
                     ("2026-12-21T16:00:00Z", 2), // Tue 12-22 00:00: Thu, Fri, Mon have passed (offset 3)
                     ("2026-12-23T04:00:00Z", 2), // Wed 12-23 12:00: four and a half
                     ("2026-12-23T16:00:00Z", 3), // Thu 12-24 00:00: five have passed (offset 5)
                 })
        {
            app.Time.SetUtcNow(Utc(at));
            var level = (await api.StaffViewAsync(Supervisor, number))["escalationLevel"]!.GetValue<int>();
            levels.Add($"{at}: expected {expected}, got {level}");
            Assert.True(level == expected, string.Join("\n", levels));
        }
    }
}
