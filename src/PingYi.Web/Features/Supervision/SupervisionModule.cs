using PingYi.Web.Features.Supervision.Callbacks;

namespace PingYi.Web.Features.Supervision;

/// <summary>The 督办台 area (pages under /staff/oversight) and the 回访 queue (/staff/callbacks, /api/v1/callbacks).</summary>
public static class SupervisionModule
{
    public static IServiceCollection AddSupervision(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Supervision").Get<GetSupervisionDesk.Options>() ?? new GetSupervisionDesk.Options();
        if (options.MaxCasesShown < 1)
        {
            throw new InvalidOperationException("Supervision:MaxCasesShown must be at least 1.");
        }
        if (options.ChartUnits < 1)
        {
            throw new InvalidOperationException("Supervision:ChartUnits must be at least 1.");
        }
        services.AddSingleton(options);
        services.AddScoped<GetSupervisionDesk.Handler>();
        services.AddScoped<PrintNotice.Handler>();
        services.AddScoped<GetCallbacks.Handler>();
        services.AddScoped<RecordCallback.Handler>();
        return services;
    }

    public static void MapSupervision(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("回访");
        GetCallbacks.Map(api);
        RecordCallback.Map(api);
    }
}
