using System.Globalization;

namespace PingYi.Web.Infrastructure;

/// <summary>A request turned away before any endpoint ran (too many requests, an overloaded server).</summary>
public static class Refusals
{
    /// <summary>
    /// The status with Retry-After: problem details under /api, a short Chinese page elsewhere that says the form was
    /// not submitted.
    /// </summary>
    public static async Task WriteAsync(HttpContext http, int status, string title, string detail, int? retryAfterSeconds, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = status, Title = title, Detail = detail },
            });
            return;
        }
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            $"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title><body style=\"font-family:sans-serif;padding:1rem\"><h1>{title}</h1><p>{detail}</p><p>{(retryAfterSeconds is null ? "您填写的内容未提交。" : "您填写的内容未提交，请返回上一页稍后再试。")}</p></body></html>", ct);
    }
}
