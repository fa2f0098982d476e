using System.Net;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Handling.StaffApi;

namespace PingYi.Web.Tests.Handling;

/// <summary>
/// /healthz includes the holiday calendar: Degraded (still 200) when the current China-time year has no
/// calendar file, because deadlines then count Monday–Friday only. CalendarHealthCheck reads the injected
/// TimeProvider, so the fake clock decides the year. The database check is covered on both providers
/// elsewhere; the calendar check does not touch the database, so SQLite only.
/// </summary>
public sealed class HealthTests(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Health_is_Healthy_with_the_2026_calendar_and_Degraded_in_2027_which_has_none()
    {
        var client = fixture.App.CreateClient();
        var time = fixture.App.Time;

        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));

        // 23:59 China time on 2026-12-31 is still 2026 …
        time.SetUtcNow(Utc("2026-12-31T15:59:00Z"));
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));

        // … 00:00 China time on 2027-01-01 is 2027 although it is still 2026-12-31 in UTC.
        time.SetUtcNow(Utc("2026-12-31T16:00:00Z"));
        Assert.Equal("Degraded", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));

        time.SetUtcNow(Utc("2027-06-01T02:00:00Z"));
        Assert.Equal("Degraded", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));
    }
}
