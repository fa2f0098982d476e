using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
namespace PingYi.Web.Features.Shared;

/// <summary>Razor Pages for every area: where pages live, who may open /staff, how Chinese is encoded, the error pages.</summary>
public static class PagesRegistration
{
    public static IServiceCollection AddPingYiPages(this IServiceCollection services)
    {
        // Razor HTML-encodes every non-ASCII character by default; Chinese pages stay Chinese in the source
        // (a third smaller, and searchable), while markup characters are still escaped.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(
                System.Text.Unicode.UnicodeRanges.BasicLatin, System.Text.Unicode.UnicodeRanges.Latin1Supplement,
                System.Text.Unicode.UnicodeRanges.GeneralPunctuation, System.Text.Unicode.UnicodeRanges.CjkSymbolsandPunctuation,
                System.Text.Unicode.UnicodeRanges.CjkUnifiedIdeographs, System.Text.Unicode.UnicodeRanges.HalfwidthandFullwidthForms));
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
            // Folders follow the domain, not the URL tree: every page under /staff needs a signed-in account,
            // whichever area holds it (the pages' own policies narrow it further).
            o.Conventions.AuthorizeRoute("/staff");
        });
        return services;
    }

    /// <summary>
    /// Requires a signed-in account (and <paramref name="policy"/>, when given) for every page whose route is
    /// <paramref name="route"/> or below it. Pages live in their area's folder, so routes, not folders, say who may open them.
    /// </summary>
    public static PageConventionCollection AuthorizeRoute(this PageConventionCollection conventions, string route, string? policy = null)
    {
        var prefix = route.Trim('/');
        conventions.AddFolderRouteModelConvention("/", model =>
        {
            foreach (var selector in model.Selectors)
            {
                if (selector.AttributeRouteModel?.Template is { } template && IsAtOrBelow(template, prefix))
                {
                    selector.EndpointMetadata.Add(policy is null ? new AuthorizeAttribute() : new AuthorizeAttribute(policy));
                }
            }
        });
        return conventions;
    }

    /// <summary>Whether a route template (without its leading slash) is <paramref name="prefix"/> or a route below it.</summary>
    public static bool IsAtOrBelow(string template, string prefix) =>
        template.Equals(prefix, StringComparison.OrdinalIgnoreCase)
        || template.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase);

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
