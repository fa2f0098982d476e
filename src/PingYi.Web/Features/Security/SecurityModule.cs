using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Security;

/// <summary>The whistleblower protections of issue 8 (see docs/security.md), registered in one place.</summary>
public static class SecurityModule
{
    public static WebApplicationBuilder AddPingYiSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddScoped<IdempotencyKeys.Purge>();

        // X-Forwarded-For is believed only from the proxies an operator names; from anyone else it is ignored,
        // or a client could pick its own rate-limit bucket. Nothing named: the header is never applied.
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline: everything after it (HSTS, rate limits) sees the real client and scheme.</summary>
    public static void UsePingYiForwardedHeaders(this WebApplication app)
    {
        var configured = app.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() is { Length: > 0 }
                         || app.Configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() is { Length: > 0 };
        if (configured)
        {
            app.UseForwardedHeaders();
        }
    }

    /// <summary>After the exception handler: a throttled client gets 429, a staff account sending an access code 403, on the page and in the API.</summary>
    public static void UsePingYiSecurity(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (AccessCodeThrottledException e) when (!http.Response.HasStarted)
            {
                http.Response.Clear();
                await RateLimits.WriteTooManyAsync(http, e.RetryAfterSeconds, http.RequestAborted);
            }
            catch (StaffAccessCodeException) when (!http.Response.HasStarted)
            {
                http.Response.Clear();
                await Refusals.WriteAsync(http, StatusCodes.Status403Forbidden, "工作人员不能使用查询码",
                    "查询码只供反映人本人使用。工作人员请在工作台查看本单位的案件；本次尝试已记录，纪检监察工委可以查阅。", null, http.RequestAborted);
            }
        });
        app.Use(RequireAntiforgeryForCookieApiCalls);

        // A browser client signed in by cookie fetches the token it must send as RequestVerificationToken.
        app.MapGet("/api/v1/auth/antiforgery", (HttpContext http, IAntiforgery antiforgery) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                var tokens = antiforgery.GetAndStoreTokens(http);
                return Results.Ok(new { headerName = tokens.HeaderName, token = tokens.RequestToken });
            })
            .RequireAuthorization()
            .WithTags("认证")
            .WithName("AntiforgeryToken")
            .WithSummary("获取防伪令牌（Cookie 登录的浏览器调用 API 时使用）");

        // Staff accounts that sent a complainant's access code (refused with 403): for the supervisors to follow up.
        app.MapGet("/api/v1/security/staff-access-code-attempts", async (PingYiDbContext db, CancellationToken ct) =>
            {
                var rows = await db.AuditRecords.AsNoTracking()
                    .Where(r => r.Kind == Administration.AuditKinds.StaffAccessCode)
                    .OrderByDescending(r => r.AtUtc).ThenByDescending(r => r.Id)
                    .Take(200)
                    .Select(r => new { r.AtUtc, r.ActorName, r.Target, r.After })
                    .ToListAsync(ct);
                return Results.Ok(new StaffAccessCodeAttempts(rows.Select(r => new StaffAccessCodeAttempt(
                    r.AtUtc, r.ActorName, r.Target, r.After is null ? null : System.Text.Json.Nodes.JsonNode.Parse(r.After)?["path"]?.GetValue<string>())).ToList()));
            })
            .RequireAuthorization(p => p.RequireRole(StaffRoles.Supervisor, StaffRoles.Admin))
            .WithTags("管理")
            .WithName("ListStaffAccessCodeAttempts")
            .WithSummary("工作人员使用查询码的记录（纪检监察工委、系统管理员）")
            .WithDescription("Each time a signed-in staff account sent a complainant's access code it was refused with 403 and recorded; newest first, at most 200.")
            .Produces<StaffAccessCodeAttempts>();
    }

    public sealed record StaffAccessCodeAttempt(DateTime At, string Account, string TrackingNumber, string? Path);

    public sealed record StaffAccessCodeAttempts(IReadOnlyList<StaffAccessCodeAttempt> Items);

    /// <summary>
    /// CSRF: a same-site page can make a supervisor's browser post a form to <c>/api/v1/…/actions/close</c>, and
    /// the browser adds the cookie. An unsafe API call authenticated by the cookie must therefore be JSON (a form
    /// cannot send that without a CORS preflight) and carry the antiforgery header. Bearer clients send no cookie
    /// an attacker could borrow, and are unchanged.
    /// </summary>
    private static async Task RequireAntiforgeryForCookieApiCalls(HttpContext http, RequestDelegate next)
    {
        var request = http.Request;
        if (request.Path.StartsWithSegments("/api")
            && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            && !request.Path.StartsWithSegments("/api/v1/auth/login")
            && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            if (cookie.Succeeded)
            {
                if (!request.HasJsonContentType())
                {
                    await ProblemAsync(http, StatusCodes.Status415UnsupportedMediaType, "请求格式不支持", "通过浏览器登录调用接口时，请求体必须是 application/json。");
                    return;
                }
                http.User = cookie.Principal!;
                if (!await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
                {
                    await ProblemAsync(http, StatusCodes.Status400BadRequest, "缺少防伪令牌",
                        "通过浏览器登录调用接口时，须在 RequestVerificationToken 请求头中携带防伪令牌（GET /api/v1/auth/antiforgery 获取）。");
                    return;
                }
            }
        }
        await next(http);
    }

    private static Task ProblemAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
