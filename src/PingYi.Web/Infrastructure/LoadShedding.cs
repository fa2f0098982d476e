using System.Threading.RateLimiting;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Overload protection for the whole app: at most <see cref="Options.MaxConcurrentRequests"/> requests are worked on
/// at once; the next <see cref="Options.QueueLimit"/> wait, oldest first, for at most <see cref="Options.QueueTimeout"/>;
/// anything beyond is answered 503 with Retry-After at once. Without it, a surge (the day a notice is published)
/// queues without bound: every request waits behind a growing backlog until its client gives up, while the server
/// keeps working on requests nobody waits for any more, and the rate it serves collapses (docs/benchmarks.md, soak).
/// <c>/healthz</c> is never queued or refused: a busy node is not a dead one.
/// </summary>
public static class LoadShedding
{
    public sealed class Options
    {
        /// <summary>Requests worked on at once; about the database pool's size (Npgsql's default is 100). 0 turns shedding off.</summary>
        public int MaxConcurrentRequests { get; set; } = 100;

        /// <summary>Requests that may wait for a turn; more are refused at once.</summary>
        public int QueueLimit { get; set; } = 500;

        /// <summary>How long a request waits for a turn before it is refused.</summary>
        public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>The Retry-After of a refusal.</summary>
        public int RetryAfterSeconds { get; set; } = 5;
    }

    public static IServiceCollection AddPingYiLoadShedding(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("LoadShedding").Get<Options>() ?? new Options();
        if (options.MaxConcurrentRequests < 0 || options.QueueLimit < 0 || options.QueueTimeout < TimeSpan.Zero || options.RetryAfterSeconds < 1)
        {
            throw new InvalidOperationException(
                "LoadShedding: MaxConcurrentRequests and QueueLimit must be 0 or more, QueueTimeout not negative, RetryAfterSeconds at least 1.");
        }
        services.AddSingleton(options);
        services.AddSingleton<Gate>();
        return services;
    }

    /// <summary>The one limiter every request passes (its statistics show how many are in progress and waiting).</summary>
    public sealed class Gate(Options options) : IDisposable
    {
        public ConcurrencyLimiter Limiter { get; } = new(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, options.MaxConcurrentRequests),
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        public void Dispose() => Limiter.Dispose();
    }

    public static IApplicationBuilder UsePingYiLoadShedding(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Options>();
        if (options.MaxConcurrentRequests == 0)
        {
            return app;
        }
        var time = app.Services.GetRequiredService<TimeProvider>();
        var limiter = app.Services.GetRequiredService<Gate>().Limiter;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LoadShedding).FullName!);
        var metrics = app.Services.GetRequiredService<Telemetry.PingYiMetrics>();
        return app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/healthz"))
            {
                await next(http);
                return;
            }
            using var lease = await AcquireAsync(limiter, options, time, http.RequestAborted);
            if (lease is { IsAcquired: true })
            {
                await next(http);
                return;
            }
            if (http.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            metrics.Shed();
            logger.LogWarning("Overloaded: {Method} {Path} refused with 503 ({Limit} requests in progress, queue full or waited {Timeout})",
                http.Request.Method, http.Request.Path, options.MaxConcurrentRequests, options.QueueTimeout);
            await Refusals.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, "服务繁忙",
                $"当前访问人数较多，请在 {options.RetryAfterSeconds} 秒后重试。", options.RetryAfterSeconds, http.RequestAborted);
        });
    }

    /// <summary>A lease, or null when the wait ran out (or the client left) before a turn came.</summary>
    private static async ValueTask<RateLimitLease?> AcquireAsync(ConcurrencyLimiter limiter, Options options, TimeProvider time, CancellationToken aborted)
    {
        var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired || options.QueueLimit == 0 || options.QueueTimeout == TimeSpan.Zero)
        {
            return lease;
        }
        lease.Dispose();
        // The wait runs on the app's clock (a FakeTimeProvider in the tests).
        using var timeout = new CancellationTokenSource(options.QueueTimeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, aborted);
        try
        {
            return await limiter.AcquireAsync(1, either.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
