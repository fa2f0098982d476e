namespace PingYi.Web.Features.Units;

/// <summary>The public list of units a complaint can be about (the /units page and <c>GET /api/v1/units</c>).</summary>
public static class UnitsModule
{
    public static IServiceCollection AddUnits(this IServiceCollection services) => services.AddScoped<ListUnits.Handler>();

    public static void MapUnits(this IEndpointRouteBuilder app) => ListUnits.Map(app.MapGroup("/api/v1").WithTags("直通车"));
}
