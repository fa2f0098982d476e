using PingYi.Web.Features.Tracking;

namespace PingYi.Web.Features.Shared;

/// <summary>What the pages need beyond the areas' handlers: the tracking session, error pages, print and export.</summary>
public static class PagesRegistration
{
    public static IServiceCollection AddPingYiPages(this IServiceCollection services)
    {
        services.AddSingleton<TrackingSession>();
        return services;
    }

    /// <summary>
    /// Browsers get the site's Chinese error page (with its header) for an empty error response; the API and
    /// the machine endpoints keep RFC 9457 problem details from the outer <c>UseStatusCodePages</c>.
    /// </summary>
    public static IApplicationBuilder UsePingYiErrorPages(this IApplicationBuilder app) =>
        app.UseWhen(
            http => !http.Request.Path.StartsWithSegments("/api") && !http.Request.Path.StartsWithSegments("/openapi")
                && !http.Request.Path.StartsWithSegments("/healthz"),
            branch => branch.UseStatusCodePagesWithReExecute("/error/{0}"));
}
