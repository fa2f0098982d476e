using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Web.Features.Security;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Per-client-address limits: one for lodging complaints, a stricter one for anything that checks an
/// access code (guessing). Only unsafe methods and code checks count, so browsing the form is free.
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

        /// <summary>Wrong access codes for one tracking number, from anyone, before that number is locked.</summary>
        public int TrackingNumberFailures { get; set; } = 10;

        public TimeSpan TrackingNumberWindow { get; set; } = TimeSpan.FromHours(1);

        /// <summary>How long a locked tracking number answers 429 to everyone, the right code included.</summary>
        public TimeSpan TrackingNumberLock { get; set; } = TimeSpan.FromHours(1);

        /// <summary>Sign-in attempts (password or code steps) from one address (IPv6: one /64) per minute.</summary>
        public int LoginPerMinute { get; set; } = 10;

        /// <summary>
        /// Sign-in attempts from all addresses together per minute: a botnet spreading a password list over many
        /// addresses is slowed too. A few hundred staff sign in a few times a day, so this is far above honest use.
        /// </summary>
        public int LoginGlobalPerMinute { get; set; } = 300;
    }

    public static IServiceCollection AddPingYiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimits").Get<Options>() ?? new Options();
        services.AddSingleton(options);
        services.AddSingleton<TrackingNumberGuard>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Intake, http => Partition(http, options.IntakePerMinute));
            limiter.AddPolicy(Lookup, http => Partition(http, options.LookupPerMinute));
            limiter.AddPolicy(Login, http => Partition(http, options.LoginPerMinute));
            // The endpoint policy has one partition per address; the global limiter adds the all-addresses bucket
            // for the same requests (it runs first, for every request, and lets everything else through).
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                options.LoginGlobalPerMinute > 0 && IsSignInAttempt(http)
                    ? RateLimitPartition.GetFixedWindowLimiter("login:all", _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.LoginGlobalPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter("free"));
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
        return RateLimitPartition.GetFixedWindowLimiter(ClientKey(http.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

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

    /// <summary>429 with Retry-After: problem details under /api, a short Chinese page elsewhere.</summary>
    public static async Task WriteTooManyAsync(HttpContext http, int seconds, CancellationToken ct)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = $"请求过于频繁，请在 {seconds} 秒后重试。";
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "请求过于频繁", Detail = detail },
            });
            return;
        }
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            $"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>请求过于频繁</title><body style=\"font-family:sans-serif;padding:1rem\"><h1>请求过于频繁</h1><p>{detail}</p><p>您填写的内容未提交，请返回上一页稍后再试。</p></body></html>", ct);
    }
}
