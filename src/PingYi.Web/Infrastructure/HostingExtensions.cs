using Microsoft.AspNetCore.DataProtection;
using PingYi.Data;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Account;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Calendars;
using PingYi.Web.Features.Complaints;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Features.Privacy;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Features.Security;
using PingYi.Web.Features.Shared;
using PingYi.Web.Features.Statistics;
using PingYi.Web.Features.Supervision;
using PingYi.Web.Features.Triage;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure.Telemetry;
using Scalar.AspNetCore;

namespace PingYi.Web.Infrastructure;

public static class HostingExtensions
{
    /// <summary>Registers every service. False when the configuration is unusable (already logged).</summary>
    public static bool AddPingYi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddPingYiLogging();
        using var loggers = LoggingSetup.StartupLoggers(builder);
        DatabaseSettings database;
        try
        {
            database = DatabaseSettings.From(builder.Configuration, builder.Environment.ContentRootPath);
        }
        catch (DatabaseConfigurationException e)
        {
            loggers.CreateLogger("PingYi.Database").LogCritical("Invalid database configuration: {Message}", e.Message);
            return false;
        }

        var startupLogger = loggers.CreateLogger("PingYi.Workflows");
        var directory = WorkflowsDirectory(builder);
        if (LoadWorkflows(directory, startupLogger) is not { } workflows || !builder.AddEvaluation(directory, startupLogger))
        {
            return false;
        }

        if (!builder.AddNotifications(database, startupLogger))
        {
            return false;
        }
        if (!builder.AddPingYiProductionDefaults(startupLogger))
        {
            return false;
        }
        if (!builder.AddPrivacy(startupLogger))
        {
            return false;
        }

        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddPingYiDatabase(database);
        services.AddPingYiReadOnlyDatabase();
        services.AddSingleton(workflows);

        services.AddDataProtection()
            .SetApplicationName("PingYi")
            .PersistKeysToDbContext<PingYiDbContext>();

        builder.AddStaffIdentity();
        services.AddAuthorization();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ComplaintAuthorizationHandler>();

        services.AddProblemDetails(ChineseProblemDetails.Configure);
        services.AddPingYiOpenApi();
        services.AddPingYiHealthChecks(builder.Configuration);
        builder.AddPingYiTelemetry();
        services.AddPingYiRateLimits(builder.Configuration);
        services.AddPingYiLoadShedding(builder.Configuration);
        builder.AddPingYiSecurity();
        services.AddPingYiPages();
        services.AddComplaints();
        services.AddUnits();
        services.AddTriage();

        services.AddCalendars();
        services.AddSupervision(builder.Configuration);
        services.AddChannelScores();
        services.AddScoring();
        services.AddStatistics();
        builder.AddAdministration();
        builder.AddAccount();

        return true;
    }

    private static string WorkflowsDirectory(WebApplicationBuilder builder) =>
        builder.Configuration["Workflows:Path"] is { Length: > 0 } path
            ? Path.GetFullPath(path, builder.Environment.ContentRootPath)
            : Path.Combine(AppContext.BaseDirectory, "workflows");

    /// <summary>The workflow definitions and calendars, or null when one is broken (logged, naming the file and the fault).</summary>
    private static WorkflowRuntime? LoadWorkflows(string directory, ILogger startupLogger)
    {
        WorkflowRuntime workflows;
        try
        {
            workflows = WorkflowRuntime.Load(directory, startupLogger);
        }
        catch (Exception e) when (e is WorkflowDefinitionException or CalendarDataException)
        {
            startupLogger.LogCritical("Invalid workflow definition: {Message}", e.Message);
            return null;
        }
        var today = ChinaTime.Today(TimeProvider.System);
        if (!workflows.Calendar.HasDataFor(today.Year))
        {
            startupLogger.LogWarning("No holiday calendar for {Year}: deadlines count Monday–Friday until workflows/calendars/cn/{Year}.json is added.", today.Year, today.Year);
        }
        return workflows;
    }

    public static void UsePingYi(this WebApplication app)
    {
        app.UsePingYiForwardedHeaders();
        // Set as the response starts, so that every response has them, whatever wrote it (redirects, 429s, error pages).
        app.UsePingYiSecurityHeaders();
        // Before any work is spent on a request the server has no room for.
        app.UsePingYiLoadShedding();
        if (!app.Environment.IsDevelopment())
        {
            // API clients get problem details for a crash, browsers the site's error page.
            app.UseWhen(http => http.Request.Path.StartsWithSegments("/api"), api => api.UseExceptionHandler());
            app.UseWhen(http => !http.Request.Path.StartsWithSegments("/api"), pages => pages.UseExceptionHandler("/error"));
        }
        // Inside the exception handlers: the database being away is a 503 with Retry-After, never a 500.
        app.UsePingYiDatabaseUnavailable();
        app.UsePingYiMetricsEndpoint();
        app.UsePingYiTransportSecurity();
        app.UsePingYiSecurity();
        app.UseStatusCodePages();
        app.UsePingYiErrorPages();
        app.UsePingYiApiDocsGate();
        app.UseRouting();
        app.UseAuthentication();
        // After authentication, so that a policy can tell staff from anonymous callers.
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();

        app.MapUnits();
        app.MapComplaints();
        app.MapTriage();
        app.MapSupervision();
        app.MapCalendars();

        app.MapNotifications();
        app.MapEvaluation();
        app.MapScoring();
        app.MapStatistics();

        app.MapAdministration();

        // Our own sign-in, refresh and sign-out (not MapIdentityApi: staff accounts are not self-service, and its
        // login tells a locked account from a wrong password); register, manage/* and the mail flows stay unmapped.
        app.MapAccount();

        app.MapOpenApi();
        // Offline: Scalar's scripts come from the package; no web fonts, telemetry, agent or proxy from scalar.com.
        app.MapScalarApiReference("/scalar", o => o.WithTitle("评议 PingYi API").DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp());
        app.MapPingYiHealthChecks();
        app.MapPingYiMetricsEndpoint();
    }

    /// <summary><c>Jobs:Enabled</c> (default true): whether this node runs background jobs.</summary>
    public static bool JobsEnabled(IConfiguration configuration) => configuration.GetValue("Jobs:Enabled", true);

    /// <summary>Registers the recurring jobs every area declared; called once the database is ready.</summary>
    public static void ScheduleJobs(this WebApplication app)
    {
        if (JobsEnabled(app.Configuration))
        {
            app.ScheduleRegisteredJobs();
        }
    }

}
