using Microsoft.AspNetCore.Authorization;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Notifications;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The scoring area: source scores, the composite and the ranking, the lists, the approval snapshot, the
/// explanation, reports and publication (docs/scoring.md). The channel score itself (<see cref="IChannelScores"/>)
/// is registered by its own implementation.
/// </summary>
public static class ScoringModule
{
    public static IServiceCollection AddScoring(this IServiceCollection services)
    {
        services.AddScoped<ScoringResults>();
        services.AddSingleton(sp => new LiveResults(sp.GetRequiredService<TimeProvider>(), sp.GetService<IConfiguration>()));
        services.AddSingleton<ScoringInputsInterceptor>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(sp => sp.GetRequiredService<ScoringInputsInterceptor>());
        services.AddScoped<GetRankings.Handler>();
        services.AddScoped<GetBreakdown.Handler>();
        services.AddScoped<SetAccountability.Handler>();
        services.AddScoped<SetPublication.Handler>();
        services.AddScoped<ImportPriorRanks.Handler>();
        services.AddScoped<ScoringReports>();
        services.AddScoped<Dossier.UnitDossier.Handler>();
        services.AddScoped<GetVerificationFile.Handler>();
        services.AddScoped<RoundDocuments.Handler>();
        services.AddScoped<IRoundApprovalStep, SnapshotOnApproval>();
        services.AddScoped<Monthly.MonthlySnapshots.Handler>();
        services.AddScoped<Monthly.GetMonthly.Handler>();
        services.AddScoped<Monthly.EarlyWarnings.Handler>();
        // Daily at 08:10 China time, before the 08:30 digest that tells the warned units; acts only on the month's first working day.
        services.AddPingYiJob(Monthly.MonthlySnapshots.JobId,
            async (sp, ct) => await sp.GetRequiredService<Monthly.MonthlySnapshots.Handler>().RunJobAsync(ct), "10 0 * * *");
        services.AddSingleton<IAuthorizationHandler, RankingsAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, UnitBreakdownAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, AccountabilityAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, PriorRanksAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, PublicationAuthorizationHandler>();
        return services;
    }

    public static void MapScoring(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1").WithTags("评议结果");
        GetRankings.Map(api);
        GetBreakdown.Map(api);
        SetAccountability.Map(api);
        SetPublication.Map(api);
        ImportPriorRanks.Map(api);
        ScoringReports.Map(api);
        Dossier.UnitDossier.Map(api);
        GetVerificationFile.Map(api);
        RoundDocuments.Map(api);
        Monthly.GetMonthly.Map(api);
    }
}
