namespace PingYi.Web.Features.Oversight;

/// <summary>The 督办台 area (pages under /staff/oversight).</summary>
public static class OversightModule
{
    public static IServiceCollection AddOversight(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Oversight").Get<GetOversight.Options>() ?? new GetOversight.Options();
        if (options.MaxCasesShown < 1)
        {
            throw new InvalidOperationException("Oversight:MaxCasesShown must be at least 1.");
        }
        if (options.ChartUnits < 1)
        {
            throw new InvalidOperationException("Oversight:ChartUnits must be at least 1.");
        }
        services.AddSingleton(options);
        services.AddScoped<GetOversight.Handler>();
        return services;
    }
}
