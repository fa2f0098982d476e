using Microsoft.AspNetCore.Authorization;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation.Deductions;
using PingYi.Web.Features.Evaluation.Inspections;
using PingYi.Web.Features.Evaluation.Ledger;
using PingYi.Web.Features.Evaluation.Ratings;
using PingYi.Web.Features.Evaluation.Survey;
using PingYi.Web.Features.Notifications;

namespace PingYi.Web.Features.Evaluation;

public static class EvaluationModule
{
    /// <summary>
    /// Loads and validates the round files in <c>&lt;workflows&gt;/evaluation/</c> and registers the area.
    /// False when a round file is bad (already logged as one <c>file: $.path: fault</c> line): start-up stops,
    /// as it does for a bad workflow file.
    /// </summary>
    public static bool AddEvaluation(this WebApplicationBuilder builder, string workflowsDirectory, ILogger startupLogger)
    {
        IReadOnlyList<EvaluationRoundDefinition> rounds;
        try
        {
            rounds = EvaluationRoundLoader.LoadDirectory(Path.Combine(workflowsDirectory, "evaluation"));
        }
        catch (EvaluationRoundException e)
        {
            startupLogger.LogCritical("Invalid evaluation round: {Message}", e.Message);
            return false;
        }
        startupLogger.LogInformation("Evaluation rounds: {Years}.", string.Join(", ", rounds.Select(r => r.Year)));

        var services = builder.Services;
        services.AddSingleton(new EvaluationRuntime(rounds));
        services.AddScoped<Rounds>();
        services.AddScoped<ListRounds.Handler>();
        services.AddScoped<StaffRounds.Handler>();
        services.AddScoped<EvaluationDesk.Handler>();
        services.AddScoped<LedgerRecords.Handler>();
        services.AddScoped<Schemes.SchemeVersions>();
        services.AddScoped<Coverage.RoundCoverage.Handler>();
        services.AddScoped<TrackingList.TrackingListFollowUp.Handler>();
        services.AddScoped<IRoundOpeningStep>(sp => sp.GetRequiredService<TrackingList.TrackingListFollowUp.Handler>());
        services.AddScoped<Appeals.AppealHandler>();
        services.AddHostedService<Schemes.SchemeSync>();
        services.AddScoped<GetInputs.Handler>();
        services.AddScoped<SubmitRating.Handler>();
        services.AddScoped<ConfirmRating.Handler>();
        services.AddScoped<RecordInspection.Handler>();
        services.AddScoped<RecordDeduction.Handler>();
        services.AddScoped<SelfEvaluation.Handler>();
        services.AddScoped<SelfEvaluation.Reminders>();
        services.AddScoped<PublicSurvey.Handler>();
        services.AddScoped<SurveyCodeBatches.Handler>();
        services.AddSingleton(new PublicSurvey.NetworkCap(builder.Configuration.GetValue<int?>("RateLimits:SurveyPerUnitPerNetworkPerDay") ?? 10));
        services.AddScoped<RatingSpreadsheet.Handler>();
        services.AddScoped<RectificationLedger.Handler>();
        services.AddScoped<EvaluationReminders.Handler>();
        services.AddHostedService<LiaisonCheck.AtStartup>();
        // 09:00 China time (01:00 UTC) every day: reminder dates are calendar dates; quiet hours hold a
        // weekend's mail until the next working morning.
        services.AddPingYiJob(EvaluationReminders.JobId, async (sp, ct) => await sp.GetRequiredService<EvaluationReminders.Handler>().HandleAsync(ct), "0 1 * * *");
        PublicSurvey.AddRateLimit(services, builder.Configuration.GetValue<int?>("RateLimits:SurveyPerAddressPerHour")
            ?? rounds.LastOrDefault()?.PublicSurvey.PerAddressPerHour ?? 30);
        services.AddSingleton<IAuthorizationHandler, RatingAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, InspectionAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, DeductionAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, SelfEvaluationDocumentAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, EvaluationInputsAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, RoundAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, SchemeAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, RectificationAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, AppealAuthorizationHandler>();
        return true;
    }

    public static void MapEvaluation(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1").WithTags("评议");
        ListRounds.Map(api);
        Schemes.SchemeApi.Map(api);
        Coverage.RoundCoverageApi.Map(api);
        TrackingList.TrackingListFollowUp.Map(api);
        Appeals.AppealApi.Map(api);
        GetInputs.Map(api);
        SubmitRating.Map(api);
        ConfirmRating.Map(api);
        RatingSpreadsheet.Map(api);
        RecordInspection.Map(api);
        RecordDeduction.Map(api);
        RectificationLedger.Map(api);
        SelfEvaluation.Map(api);
        PublicSurvey.Map(app);
    }
}
