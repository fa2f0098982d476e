namespace PingYi.Web.Features.Oversight;

/// <summary>The 督办台 area (pages under /staff/oversight).</summary>
public static class OversightRegistration
{
    public static IServiceCollection AddOversight(this IServiceCollection services)
    {
        services.AddScoped<GetOversight.Handler>();
        return services;
    }
}
