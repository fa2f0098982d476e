namespace PingYi.Web.Infrastructure;

public static class SecurityHeaders
{
    /// <summary>
    /// Cache-Control of a page or answer that must not be stored (staff pages, tokens). Antiforgery insists on
    /// <c>no-cache, no-store</c> for a response that carries a form token, and rewrites anything else with a warning
    /// on every request; this is that value.
    /// </summary>
    public const string NoStore = "no-cache, no-store";

    /// <summary>
    /// Headers every response carries; the pages load nothing from other origins. Written when the response
    /// starts rather than when the request arrives: a middleware that clears the response (the exception
    /// handler, the tracking-number lock's 429) would otherwise send it without them.
    /// </summary>
    public static IApplicationBuilder UsePingYiSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            Write(http);
            return Task.CompletedTask;
        });
        await next();
    });

    private static void Write(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // The API reference page runs its own inline scripts and styles, and the job dashboard (Admins only)
        // styles some elements inline; neither loads anything from elsewhere. Every other page needs neither.
        headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/scalar")
            ? "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'"
            : http.Request.Path.StartsWithSegments("/hangfire")
                ? "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'"
                : "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";
    }
}
