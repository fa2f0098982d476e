using Hangfire;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Notifications;

/// <summary>
/// A background job by name: what it runs and, if recurring, when (cron in China time). Features add theirs with
/// <see cref="JobRegistration.AddPingYiJob"/>; each can be run now through <c>POST /api/v1/admin/jobs/{job}/run</c>.
/// </summary>
/// <param name="Run">Runs in its own service scope; returns a small summary for the caller.</param>
/// <param name="Cron">Scheduled when set; null for a job that is scheduled elsewhere or only run on demand.</param>
public sealed record PingYiJob(string Name, Func<IServiceProvider, CancellationToken, Task<object?>> Run, string? Cron = null);

public static class JobRegistration
{
    public static IServiceCollection AddPingYiJob(this IServiceCollection services, string name,
        Func<IServiceProvider, CancellationToken, Task<object?>> run, string? cron = null) =>
        services.AddSingleton(new PingYiJob(name, run, cron));
}

public sealed class JobRegistry(IEnumerable<PingYiJob> jobs)
{
    private readonly Dictionary<string, PingYiJob> _jobs = jobs.ToDictionary(j => j.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<PingYiJob> All => _jobs.Values;

    public PingYiJob? Find(string name) => _jobs.GetValueOrDefault(name);
}

/// <summary>
/// Runs a registered job under a distributed lock named after it (Hangfire's storage: PostgreSQL across nodes,
/// in memory on SQLite), so the schedule and an administrator's "run now" never overlap.
/// </summary>
public sealed class JobRunner(JobRegistry registry, IServiceScopeFactory scopes, JobStorage storage)
{
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(5);

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(string name, CancellationToken ct) => await RunNowAsync(name, ct);

    public async Task<object?> RunNowAsync(string name, CancellationToken ct)
    {
        var job = registry.Find(name) ?? throw new ArgumentException($"No job '{name}'.", nameof(name));
        using var connection = storage.GetConnection();
        using var held = connection.AcquireDistributedLock("pingyi:job:" + name, LockTimeout);
        await using var scope = scopes.CreateAsyncScope();
        // A span of its own per run (a root when Hangfire starts it, a child of the request for RunJob).
        using var activity = Infrastructure.Telemetry.PingYiMetrics.Source.StartActivity("job " + name);
        activity?.SetTag("pingyi.job", name);
        try
        {
            return await job.Run(scope.ServiceProvider, ct);
        }
        catch (Exception e)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
    }
}

public static class RunJob
{
    /// <summary>Runs a job now for an administrator (the API's and the 后台作业 page's button): the request is audited first.</summary>
    public sealed class Handler(JobRunner runner, AuditLog audit, PingYiDbContext db)
    {
        public async Task<object?> RunAsync(string job, CancellationToken ct)
        {
            // The request is on the record even if the run fails.
            audit.Record(AuditKinds.JobRun, $"job:{job}", null, new { job });
            await db.SaveChangesAsync(ct);
            return await runner.RunNowAsync(job, ct);
        }
    }

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/admin/jobs/{job}/run", async (string job, JobRegistry registry, Handler run, CancellationToken ct) =>
            {
                if (registry.Find(job) is null)
                {
                    return RequestFailure.NotFound("没有这个后台作业", "job",
                        $"没有名为“{job}”的后台作业。可运行的作业：{string.Join("、", registry.All.Select(j => j.Name).Order(StringComparer.Ordinal))}。").ToProblem();
                }
                var result = await run.RunAsync(job, ct);
                return Results.Ok(new { job, result });
            })
            .RequireAuthorization(p => p.RequireRole(StaffRoles.Admin))
            .WithName("RunJob")
            .WithSummary("立即运行一个后台作业（系统管理员）");
}
