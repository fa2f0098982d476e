using System.Globalization;
using System.Threading.RateLimiting;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// A fixed-window limiter that tells the client where it stands: every request it counts (allowed or not) gets
/// <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> (draft-ietf-httpapi-ratelimit-headers,
/// the set the OWASP ruleset checks), and a refusal carries its Retry-After. ASP.NET Core's limiter middleware has
/// no hook for a granted lease (dotnet/aspnetcore#44140), so the limiter itself records its numbers on the current
/// request, and they are written as the response starts — whatever writes the response (an endpoint, the
/// authorization middleware's 401/403, the 429 of <see cref="RateLimits.WriteTooManyAsync"/>).
/// Windows are counted on the app's <see cref="TimeProvider"/> and start with the first request after the
/// previous window ended; no timer runs.
/// </summary>
public sealed class RateLimitWindow(int limit, TimeSpan window, TimeProvider time, IHttpContextAccessor accessor) : RateLimiter
{
    private readonly Lock _lock = new();
    private long _windowStart = time.GetTimestamp();
    private long _lastUsed = time.GetTimestamp();
    private int _used;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                // Idle once nothing of the current window is used: dropping this limiter then loses no count.
                Roll(time.GetTimestamp());
                return _used == 0 ? time.GetElapsedTime(_lastUsed) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Roll(time.GetTimestamp());
            return new RateLimiterStatistics { CurrentAvailablePermits = Math.Max(0, limit - _used) };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        bool acquired;
        int remaining;
        TimeSpan reset;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            Roll(now);
            _lastUsed = now;
            acquired = _used + permitCount <= limit;
            if (acquired)
            {
                _used += permitCount;
            }
            remaining = Math.Max(0, limit - _used);
            reset = window - time.GetElapsedTime(_windowStart, now);
        }
        if (accessor.HttpContext is { } http)
        {
            RateLimitReport.Record(http, limit, remaining, reset);
        }
        return acquired ? Granted : new Refused(reset);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        new(AttemptAcquireCore(permitCount));

    private void Roll(long now)
    {
        if (time.GetElapsedTime(_windowStart, now) >= window)
        {
            _windowStart = now;
            _used = 0;
        }
    }

    private static readonly RateLimitLease Granted = new GrantedLease();

    private sealed class GrantedLease : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private sealed class Refused(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}

/// <summary>
/// The numbers of the limit a request is closest to exhausting (the API's per-caller bucket and a route's own
/// policy may both count it), written as RateLimit-* headers when the response starts.
/// </summary>
public sealed class RateLimitReport
{
    public const string LimitHeader = "RateLimit-Limit";
    public const string RemainingHeader = "RateLimit-Remaining";
    public const string ResetHeader = "RateLimit-Reset";

    public int Limit { get; private set; }

    public int Remaining { get; private set; }

    /// <summary>Whole seconds until the window ends (at least 1), as RateLimit-Reset and Retry-After say it.</summary>
    public int ResetSeconds { get; private set; }

    public static void Record(HttpContext http, int limit, int remaining, TimeSpan reset)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(reset.TotalSeconds));
        var report = http.Features.Get<RateLimitReport>();
        if (report is null)
        {
            report = new RateLimitReport { Limit = limit, Remaining = remaining, ResetSeconds = seconds };
            http.Features.Set(report);
            http.Response.OnStarting(static state =>
            {
                var h = (HttpContext)state;
                h.Features.Get<RateLimitReport>()?.Write(h.Response.Headers);
                return Task.CompletedTask;
            }, http);
            return;
        }
        // The tighter limit wins: fewer requests left, or as few left but a longer wait.
        if (remaining < report.Remaining || remaining == report.Remaining && seconds > report.ResetSeconds)
        {
            report.Limit = limit;
            report.Remaining = remaining;
            report.ResetSeconds = seconds;
        }
    }

    public void Write(IHeaderDictionary headers)
    {
        headers[LimitHeader] = Limit.ToString(CultureInfo.InvariantCulture);
        headers[RemainingHeader] = Remaining.ToString(CultureInfo.InvariantCulture);
        headers[ResetHeader] = ResetSeconds.ToString(CultureInfo.InvariantCulture);
    }
}
