using PingYi.Web.Features.Complaints.Tracking;

namespace PingYi.Web.Features.Shared;

/// <summary>What the pages need beyond the areas' handlers: the tracking session, error pages, print and export.</summary>
public static class PagesRegistration
{
    public static IServiceCollection AddPingYiPages(this IServiceCollection services)
    {
        services.AddSingleton<TrackingSession>();
        services.AddOptions<PingYi.Web.Features.Complaints.Intake.AttachmentLimits>()
            .BindConfiguration(PingYi.Web.Features.Complaints.Intake.AttachmentLimits.Section)
            .Validate(l => l.MaxFilesPerComplaint >= 1 && l.MaxBytesPerComplaint >= 1024 * 1024,
                "Attachments:MaxFilesPerComplaint must be at least 1 and Attachments:MaxBytesPerComplaint at least 1 MB.")
            .ValidateOnStart();
        services.AddScoped<PingYi.Web.Features.Complaints.Handling.ComplaintSeenLog>();
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
