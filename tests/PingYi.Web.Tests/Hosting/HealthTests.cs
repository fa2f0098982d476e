using System.Net;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// /healthz includes the holiday calendar: Degraded (still 200) as soon as the next 60 days, or an open deadline,
/// reach a year with no calendar file, because such deadlines count Monday–Friday only. CalendarHealthCheck reads
/// the injected TimeProvider, so the fake clock decides; this class starts its own app on 2026-10-01.
/// </summary>
public sealed class HealthTests : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(DatabaseProvider.Sqlite, start: new DateTimeOffset(2026, 10, 1, 2, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Health_is_Degraded_once_the_next_60_days_or_an_open_deadline_reach_2027_which_has_no_calendar()
    {
        var client = _app.CreateClient();
        var time = _app.Time;
        var api = StaffApi.For(_app);

        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));

        // 2026-11-01 10:00 China time: the 60 days end on 2026-12-31, still covered.
        time.SetUtcNow(Utc("2026-11-01T02:00:00Z"));
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));
        // An open case's deadline (15 working days, 2026-11-20) is covered too.
        await api.AssignedAsync($"{Token("日历")} 期限已覆盖");
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));

        var admin = await api.AsAsync(Admin);
        Assert.DoesNotContain("id=\"missing-year\"", await admin.GetStringAsync("/staff/calendars"));

        // 2026-11-02 10:00: 60 days on is 2027-01-01; 节假日安排 warns too.
        time.SetUtcNow(Utc("2026-11-02T02:00:00Z"));
        Assert.Equal("Degraded", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));
        admin = await api.AsAsync(Admin);
        Assert.Contains("2027 年尚无节假日安排", await admin.GetStringAsync("/staff/calendars"));

        // A deadline counted into 2027 says it is provisional wherever it is shown.
        time.SetUtcNow(Utc("2026-12-21T02:00:00Z"));
        var crossing = await api.AssignedAsync($"{Token("日历")} 跨年期限");
        var supervisor = await api.AsAsync(Supervisor);
        Assert.Contains("2027-01-11 24:00（剩余 15 个工作日，暂按周一至周五计算）", await supervisor.GetStringAsync($"/staff/complaints/{crossing}"));

        time.SetUtcNow(Utc("2027-06-01T02:00:00Z"));
        Assert.Equal("Degraded", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));
    }

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}
