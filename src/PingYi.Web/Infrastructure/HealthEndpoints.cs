using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PingYi.Data;
using PingYi.Data.Outbox;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Three health endpoints, never queued or refused by load shedding:
/// <c>/healthz/live</c> (liveness: the process answers; no check, so a database outage never gets a node restarted),
/// <c>/healthz/ready</c> (readiness: the database answers, the holiday calendar covers what is due, and the outbox
/// is not stuck beyond <c>Health:OutboxStuckAfter</c>), and <c>/healthz</c> as before (database and calendar).
/// Healthy and Degraded answer 200, Unhealthy 503.
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";
    private const string ReadyOnly = "ready-only";

    public static IServiceCollection AddPingYiHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        var stuckAfter = configuration.GetValue("Health:OutboxStuckAfter", TimeSpan.FromMinutes(15));
        if (stuckAfter < TimeSpan.Zero)
        {
            throw new InvalidOperationException("Health:OutboxStuckAfter must not be negative (00:00:00 turns the outbox check off).");
        }
        services.AddSingleton(new OutboxHealthCheck.Options(stuckAfter));
        services.AddHealthChecks()
            .AddDbContextCheck<PingYiDbContext>("database", tags: [Ready])
            .AddCheck<CalendarHealthCheck>("calendar", tags: [Ready])
            .AddCheck<OutboxHealthCheck>("outbox", tags: [Ready, ReadyOnly]);
        return services;
    }

    public static void MapPingYiHealthChecks(this WebApplication app)
    {
        // As before the split: other tools (benchmarks, monitoring already set up) ask /healthz.
        app.MapHealthChecks("/healthz", Options(check => !check.Tags.Contains(ReadyOnly)));
        app.MapHealthChecks("/healthz/live", Options(_ => false));
        app.MapHealthChecks("/healthz/ready", Options(check => check.Tags.Contains(Ready)));
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}

/// <summary>
/// Unhealthy when a notice has been due (since its NotBeforeUtc) for longer than <see cref="Options.StuckAfter"/> and is still pending:
/// delivery is not running (no node runs jobs, Hangfire is stuck) or the mail server has refused it for that long.
/// </summary>
public sealed class OutboxHealthCheck(OutboxHealthCheck.Options options, TimeProvider time, IServiceScopeFactory scopes) : IHealthCheck
{
    public sealed record Options(TimeSpan StuckAfter);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.StuckAfter == TimeSpan.Zero)
        {
            return HealthCheckResult.Healthy("Outbox check turned off (Health:OutboxStuckAfter = 0).");
        }
        var now = time.GetUtcNow().UtcDateTime;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var oldestDue = await OldestDue(db, now).FirstOrDefaultAsync(cancellationToken);
        if (oldestDue is { } pendingSince && now - pendingSince > options.StuckAfter)
        {
            return HealthCheckResult.Unhealthy(
                $"Outbox stuck: a notice due since {pendingSince:yyyy-MM-dd HH:mm} UTC is still pending (more than {options.StuckAfter}); check the delivery job and the mail server (/staff/admin/outbox).");
        }
        return HealthCheckResult.Healthy("Outbox delivering.");
    }

    /// <summary>
    /// Since when the oldest pending row has been due: its NotBeforeUtc (quiet hours end, or when it was written),
    /// not its next attempt, which moves on with every retry of a row the mail server keeps refusing.
    /// </summary>
    public static IQueryable<DateTime?> OldestDue(PingYiDbContext db, DateTime now) =>
        db.OutboxMessages.AsNoTracking()
            .Where(m => m.State == OutboxState.Pending && m.NotBeforeUtc <= now)
            .OrderBy(m => m.NotBeforeUtc)
            .Select(m => (DateTime?)m.NotBeforeUtc)
            .Take(1);
}
