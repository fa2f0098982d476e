using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Web.Features.Security;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Per-client-address limits: one for lodging complaints, a stricter one for anything that checks an
/// access code (guessing). Only unsafe methods and code checks count, so browsing the form is free.
/// Every call of the JSON API (everything under <c>/api</c>, and the routes marked <see cref="UnderApiLimit"/>)
/// also counts against one generous per-caller bucket, so that no documented route is unlimited.
/// Every counted request gets RateLimit-Limit/-Remaining/-Reset headers (<see cref="RateLimitWindow"/>).
/// </summary>
public static class RateLimits
{
    public const string Intake = "intake";
    public const string Lookup = "lookup";

    /// <summary>Staff sign-in (the page's POSTs and <c>POST /api/v1/auth/login</c>): per address, and all addresses together.</summary>
    public const string Login = "login";

    public sealed class Options
    {
        /// <summary>A service-hall kiosk sends many citizens' complaints from one address.</summary>
        public int IntakePerMinute { get; set; } = 60;

        public int LookupPerMinute { get; set; } = 30;

        /// <summary>Wrong access codes one client address (IPv6: one /64) may send before it has to wait.</summary>
        public int AccessCodeFreeFailures { get; set; } = 5;

        /// <summary>The wait after the first failure beyond the free ones; it doubles with every further failure.</summary>
        public TimeSpan AccessCodeFirstDelay { get; set; } = TimeSpan.FromMinutes(1);

        public TimeSpan AccessCodeMaxDelay { get; set; } = TimeSpan.FromHours(24);

        /// <summary>A client that has not failed for this long starts again with its free failures.</summary>
        public TimeSpan AccessCodeForgetAfter { get; set; } = TimeSpan.FromHours(24);

        /// <summary>
        /// Wrong codes for one tracking number, from anyone, within <see cref="TrackingNumberWindow"/> after which the
        /// case counts as under attack and its feedback window is extended. The number is never locked.
        /// </summary>
        public int TrackingNumberFailures { get; set; } = 10;

        public TimeSpan TrackingNumberWindow { get; set; } = TimeSpan.FromHours(1);

        /// <summary>How long from the throttling a complainant keeps to rate a case whose lookups were throttled.</summary>
        public TimeSpan ThrottledFeedbackExtension { get; set; } = TimeSpan.FromDays(7);

        /// <summary>Sign-in attempts (password or code steps) from one address (IPv6: one /64) per minute.</summary>
        public int LoginPerMinute { get; set; } = 10;

        /// <summary>
        /// Sign-in attempts from all addresses together per minute: a botnet spreading a password list over many
        /// addresses is slowed too. A few hundred staff sign in a few times a day, so this is far above honest use.
        /// </summary>
        public int LoginGlobalPerMinute { get; set; } = 300;

        /// <summary>
        /// Calls of the JSON API per minute from one caller: a signed-in account (however many offices share its
        /// address), else one client address (IPv6: one /64). Far above what a person or a unit's system does;
        /// it stops a leaked token or a script from reading the whole case base at full speed. 0 turns it off.
        /// </summary>
        public int ApiPerMinute { get; set; } = 600;
    }

    /// <summary>Marks a route outside <c>/api</c> that is documented in the API and counted like it.</summary>
    public sealed class ApiLimitMetadata;

    public static TBuilder UnderApiLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiLimitMetadata());

    /// <summary>Whether the per-caller API bucket counts this request.</summary>
    public static bool IsApiCall(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/api") || http.GetEndpoint()?.Metadata.GetMetadata<ApiLimitMetadata>() is not null;

    public static IServiceCollection AddPingYiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimits").Get<Options>() ?? new Options();
        services.AddSingleton(options);
        services.AddSingleton<AccessCodeThrottle>();
        // The limiters record their numbers on the request they count (RateLimitWindow).
        services.AddHttpContextAccessor();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Intake, http => Partition(http, options.IntakePerMinute));
            limiter.AddPolicy(Lookup, http => Partition(http, options.LookupPerMinute));
            limiter.AddPolicy(Login, http => Partition(http, options.LoginPerMinute));
            // The endpoint policy has one partition per address; the global limiters add the all-addresses sign-in
            // bucket for the same requests and the per-caller API bucket (they run first, for every request).
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    options.ApiPerMinute > 0 && IsApiCall(http)
                        ? Window(http, "api:" + Caller(http), options.ApiPerMinute, TimeSpan.FromMinutes(1))
                        : RateLimitPartition.GetNoLimiter("free")),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    options.LoginGlobalPerMinute > 0 && IsSignInAttempt(http)
                        ? Window(http, "login:all", options.LoginGlobalPerMinute, TimeSpan.FromMinutes(1))
                        : RateLimitPartition.GetNoLimiter("free")));
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    /// <summary>A POST to an endpoint under the <see cref="Login"/> policy (the sign-in page's form posts, the login API).</summary>
    private static bool IsSignInAttempt(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method)
        && http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Login;

    private static RateLimitPartition<string> Partition(HttpContext http, int perMinute)
    {
        // A page answers GET with an empty form; only its POST submits or checks a code. Every API call counts,
        // whoever is signed in: a staff cookie must not turn /track into an unlimited guessing machine. The one
        // exemption is the staff view of a case (an API GET with no access code): it checks no code, the
        // authorization handler decides what it shows, and a whole office behind one address must not throttle itself.
        var isApi = http.Request.Path.StartsWithSegments("/api");
        var staffView = isApi && HttpMethods.IsGet(http.Request.Method)
                        && http.User.Identity?.IsAuthenticated == true && !http.Request.Headers.ContainsKey("X-Access-Code");
        var counts = (!HttpMethods.IsGet(http.Request.Method) || isApi) && !staffView;
        if (!counts || perMinute <= 0)
        {
            return RateLimitPartition.GetNoLimiter("free");
        }
        return Window(http, ClientKey(http.Connection.RemoteIpAddress), perMinute, TimeSpan.FromMinutes(1));
    }

    /// <summary>A fixed window of <paramref name="limit"/> requests per <paramref name="window"/> for one partition key, reporting its numbers.</summary>
    public static RateLimitPartition<string> Window(HttpContext http, string key, int limit, TimeSpan window)
    {
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var accessor = http.RequestServices.GetRequiredService<IHttpContextAccessor>();
        return RateLimitPartition.Get(key, _ => new RateLimitWindow(limit, window, time, accessor));
    }

    /// <summary>The API bucket's owner: the signed-in account, else the client address.</summary>
    private static string Caller(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
            ? "user:" + id
            : "address:" + ClientKey(http.Connection.RemoteIpAddress);

    /// <summary>
    /// The bucket of a client address: an IPv4 address, or the /64 prefix of an IPv6 one (one host is handed a
    /// whole /64 and can pick any address in it). The address is the proxy's client once forwarded headers from
    /// a known proxy have been applied (see <see cref="ForwardedHeadersSetup"/>).
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None.ToString();
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }
        return address.ToString();
    }

    private static ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        return new ValueTask(WriteTooManyAsync(context.HttpContext, seconds, ct));
    }

    /// <summary>
    /// 429 with Retry-After. The RateLimit-* headers of the window that refused are added as the response starts
    /// (<see cref="RateLimitReport"/>).
    /// </summary>
    public static Task WriteTooManyAsync(HttpContext http, int seconds, CancellationToken ct) =>
        Refusals.WriteAsync(http, StatusCodes.Status429TooManyRequests, "请求过于频繁", $"请求过于频繁，请在 {seconds} 秒后重试。", seconds, ct);
}
