using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Statistics;

/// <summary>Statistics (/staff/statistics, GET /api/v1/statistics): complaints by unit, category, channel and month with their rates.</summary>
public static class StatisticsModule
{
    public static IServiceCollection AddStatistics(this IServiceCollection services)
    {
        services.AddScoped<GetStatistics.Handler>();
        services.AddScoped<GetTopics.Handler>();
        return services;
    }

    public static void MapStatistics(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("统计");
        api.MapGet("/statistics", async (string? from, string? to, string? groupBy, HttpContext http, GetStatistics.Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.HandleAsync(new GetStatistics.Query(from, to, groupBy), http.User, ct)).ToOk();
            })
            .RequireAuthorization(p => p.RequireRole(StaffRoles.Supervisor, StaffRoles.Admin, StaffRoles.UnitHandler))
            .WithName("GetStatistics")
            .WithSummary("统计：期间内受理的反映按单位、问题类别、反映渠道或月份分组的件数、办结数及按期办结率、解决率、满意率（单位承办人仅本单位）")
            .Produces<GetStatistics.Report>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
