using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PingYi.Web.Features.Triage;

/// <summary>The triage desk (分派建议): the per-node suggestion index, its sync and save hook, and the suggestions API.</summary>
public static class TriageModule
{
    public static IServiceCollection AddTriage(this IServiceCollection services)
    {
        services.AddSingleton(_ => new TriageEngine());
        services.AddSingleton<TriageSaveInterceptor>();
        // The database registration adds every IInterceptor the host registers to each context.
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<TriageSaveInterceptor>());
        services.AddHostedService<TriageIndexSync>();
        services.AddScoped<GetSuggestions.Handler>();
        return services;
    }

    public static void MapTriage(this IEndpointRouteBuilder app) =>
        GetSuggestions.Map(app.MapGroup("/api/v1").WithTags("办理"));
}
