using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Per-client-address limits: one for lodging complaints, a stricter one for anything that checks an
/// access code (guessing). Only unsafe methods and code checks count, so browsing the form is free.
/// </summary>
public static class RateLimits
{
    public const string Intake = "intake";
    public const string Lookup = "lookup";

    public sealed class Options
    {
        /// <summary>A service-hall kiosk sends many citizens' complaints from one address.</summary>
        public int IntakePerMinute { get; set; } = 60;

        public int LookupPerMinute { get; set; } = 30;
    }

    public static IServiceCollection AddPingYiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimits").Get<Options>() ?? new Options();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Intake, http => Partition(http, options.IntakePerMinute));
            limiter.AddPolicy(Lookup, http => Partition(http, options.LookupPerMinute));
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext http, int perMinute)
    {
        // A page answers GET with an empty form; only its POST submits or checks a code. Every API call counts,
        // except signed-in staff reading a case without an access code: they are not guessing one, and a whole
        // office behind one address must not throttle itself.
        var counts = (!HttpMethods.IsGet(http.Request.Method) || http.Request.Path.StartsWithSegments("/api"))
                     && !(http.User.Identity?.IsAuthenticated == true && !http.Request.Headers.ContainsKey("X-Access-Code"));
        if (!counts || perMinute <= 0)
        {
            return RateLimitPartition.GetNoLimiter("free");
        }
        var client = http.Connection.RemoteIpAddress ?? IPAddress.None;
        return RateLimitPartition.GetFixedWindowLimiter(client.ToString(), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
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
