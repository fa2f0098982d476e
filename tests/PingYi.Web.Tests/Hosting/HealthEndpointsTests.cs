using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Data.Outbox;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// Liveness (/healthz/live) answers whatever the outbox does; readiness (/healthz/ready) fails once a notice has
/// been due and pending for longer than Health:OutboxStuckAfter, and recovers when it goes out; /healthz keeps
/// its old meaning (database and calendar only).
/// </summary>
public sealed class HealthEndpointsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Readiness_fails_when_the_outbox_is_stuck_liveness_and_healthz_do_not(DatabaseProvider provider)
    {
        using var app = AppFactory.Create(provider, new Dictionary<string, string?> { ["Health:OutboxStuckAfter"] = "00:15:00" },
            // A day whose next 60 days the shipped calendars cover (otherwise the calendar check is Degraded).
            start: new DateTimeOffset(2026, 10, 1, 2, 0, 0, TimeSpan.Zero));
        var client = app.CreateClient();
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz/live"), HttpStatusCode.OK));
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz/ready"), HttpStatusCode.OK));

        // A notice due now, not delivered (no job runs in the tests).
        long id;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var now = app.Time.GetUtcNow().UtcDateTime;
            var message = new OutboxMessage("assigned", null, "handler@example.cn", "主题", "正文", "<p>正文</p>", $"<{Guid.NewGuid():N}@pingyi>", now, now);
            db.OutboxMessages.Add(message);
            await db.SaveChangesAsync();
            id = message.Id;
        }

        app.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz/ready"), HttpStatusCode.OK));

        app.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("Unhealthy", await ExpectAsync(await client.GetAsync("/healthz/ready"), HttpStatusCode.ServiceUnavailable));
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz/live"), HttpStatusCode.OK));
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));

        // Delivered (the pickup folder of the tests): ready again.
        using (var scope = app.Services.CreateScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<PingYi.Web.Features.Notifications.DeliverOutbox.Handler>().HandleAsync(CancellationToken.None);
            Assert.True(outcome.Sent >= 1, $"sent {outcome.Sent}");
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            Assert.Equal(OutboxState.Sent, (await db.OutboxMessages.FindAsync(id))!.State);
        }
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz/ready"), HttpStatusCode.OK));
    }
}
