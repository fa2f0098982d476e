using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Account;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Evaluation.Deductions;
using PingYi.Web.Features.Evaluation.Inspections;
using PingYi.Web.Features.Evaluation.Ledger;
using PingYi.Web.Features.Evaluation.Ratings;
using PingYi.Web.Features.Evaluation.Survey;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Complaints.Handling;
using PingYi.Web.Features.Complaints.Timers;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Features.Calendars;
using PingYi.Web.Features.Oversight;
using PingYi.Web.Features.Privacy;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Features.Security;
using PingYi.Web.Features.Shared;
using PingYi.Web.Features.Complaints.Tracking;
using PingYi.Web.Features.Units;
using Scalar.AspNetCore;

namespace PingYi.Web.Infrastructure;

public static class HostingExtensions
{
    /// <summary>Registers every service. False when the configuration is unusable (already logged).</summary>
    public static bool AddPingYi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        using var loggers = LoggerFactory.Create(l => l.AddConsole());
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
        WorkflowRuntime workflows;
        var directory = builder.Configuration["Workflows:Path"] is { Length: > 0 } path
            ? Path.GetFullPath(path, builder.Environment.ContentRootPath)
            : Path.Combine(AppContext.BaseDirectory, "workflows");
        try
        {
            workflows = WorkflowRuntime.Load(directory, startupLogger);
        }
        catch (Exception e) when (e is WorkflowDefinitionException or CalendarDataException)
        {
            startupLogger.LogCritical("Invalid workflow definition: {Message}", e.Message);
            return false;
        }
        if (!builder.AddEvaluation(directory, startupLogger))
        {
            return false;
        }
        var today = ChinaTime.Today(TimeProvider.System);
        if (!workflows.Calendar.HasDataFor(today.Year))
        {
            startupLogger.LogWarning("No holiday calendar for {Year}: deadlines count Monday–Friday until workflows/calendars/cn/{Year}.json is added.", today.Year, today.Year);
        }

        if (!builder.AddNotifications(startupLogger))
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
        services.AddSingleton(workflows);

        services.AddDataProtection()
            .SetApplicationName("PingYi")
            .PersistKeysToDbContext<PingYiDbContext>();

        services.AddIdentityApiEndpoints<StaffUser>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = true;
                o.Tokens.AuthenticatorTokenProvider = OneTimeAuthenticatorTokenProvider.Name;
            })
            .AddTokenProvider<OneTimeAuthenticatorTokenProvider>(OneTimeAuthenticatorTokenProvider.Name)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PingYiDbContext>()
            .AddClaimsPrincipalFactory<StaffClaimsPrincipalFactory>();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "pingyi.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // The API answers 401/403; only pages redirect to the sign-in form.
            o.Events.OnRedirectToLogin = ctx => ApiOr(ctx.HttpContext, StatusCodes.Status401Unauthorized, () => ctx.Response.Redirect(ctx.RedirectUri));
            o.Events.OnRedirectToAccessDenied = ctx => ApiOr(ctx.HttpContext, StatusCodes.Status403Forbidden, () => ctx.Response.Redirect(ctx.RedirectUri));
        });
        // AddIdentityApiEndpoints challenges with Bearer; a signed-out browser should see the sign-in page
        // instead. The cookie's redirect hook still answers 401 under /api.
        services.Configure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(o => o.DefaultChallengeScheme = IdentityConstants.ApplicationScheme);
        services.AddAuthorization();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ComplaintAuthorizationHandler>();

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
            o.Conventions.AddFolderRouteModelConvention("/", model =>
            {
                foreach (var selector in model.Selectors)
                    if (selector.AttributeRouteModel?.Template is { } template
                        && (template.Equals("staff", StringComparison.OrdinalIgnoreCase) || template.StartsWith("staff/", StringComparison.OrdinalIgnoreCase)))
                        selector.EndpointMetadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute());
            });
        });
        services.AddProblemDetails(ChineseProblemDetails.Configure);
        services.AddPingYiOpenApi();
        services.AddHealthChecks()
            .AddDbContextCheck<PingYiDbContext>("database")
            .AddCheck<CalendarHealthCheck>("calendar");
        services.AddPingYiRateLimits(builder.Configuration);
        services.AddPingYiLoadShedding(builder.Configuration);
        builder.AddPingYiSecurity();
        services.AddPingYiPages();

        services.AddScoped<SubmitComplaint.Handler>();
        services.AddScoped<LookupComplaint.Handler>();
        services.AddScoped<AddSupplement.Handler>();
        services.AddScoped<ListUnits.Handler>();
        services.AddScoped<GiveFeedback.Handler>();
        services.AddScoped<ComplaintAccess>();
        services.AddScoped<GetStaffComplaint.Handler>();
        services.AddScoped<PerformAction.Handler>();
        services.AddScoped<ListComplaints.Handler>();
        services.AddScoped<GetInbox.Handler>();
        services.AddScoped<ViewComplainant.Handler>();
        services.AddScoped<SweepTimers.Handler>();
        services.AddScoped<SweepTimers.Batch>();
        services.AddScoped<SweepTimers.Job>();
        services.AddCalendars();
        services.AddOversight(builder.Configuration);
        services.AddChannelScores();
        services.AddScoring();
        builder.AddAdministration();
        builder.AddAccount();

        // Deadlines and mail live in our own tables, so in-memory job storage is safe with SQLite.
        // The storage is this app's own singleton, created when first asked for. Hangfire's AddHangfire would answer
        // with its process-wide JobStorage.Current, which another app in the same process (the tests run many)
        // may have set in between: two apps then share one storage and its job locks.
        services.AddSingleton<JobStorage>(_ =>
        {
            if (database.Provider == DatabaseProvider.Postgres)
            {
                var options = new PostgreSqlStorageOptions();
                return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(database.ConnectionString, options), options);
            }
            return new Hangfire.InMemory.InMemoryStorage();
        });
        services.AddHangfire((sp, hangfire) =>
            hangfire.UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings().UseStorage(sp.GetRequiredService<JobStorage>()));
        if (JobsEnabled(builder.Configuration))
        {
            services.AddHangfireServer(o => o.WorkerCount = Math.Max(2, Environment.ProcessorCount));
        }
        return true;
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

        var api = app.MapGroup("/api/v1").WithTags("直通车");
        ListUnits.Map(api);
        ListCategories.Map(api);
        SubmitComplaintEndpoint.Map(api);
        LookupComplaint.Map(api);
        AddSupplement.Map(api);
        GiveFeedback.Map(api);

        var staffApi = app.MapGroup("/api/v1").WithTags("办理");
        ListComplaints.Map(staffApi);
        GetInbox.Map(staffApi);
        PerformAction.Map(staffApi);
        ViewComplainant.Map(staffApi);
        DownloadAttachment.Map(staffApi);
        app.MapCalendars();

        app.MapNotifications();
        app.MapEvaluation();
        app.MapScoring();

        app.MapAdministration();

        // Our own sign-in, refresh and sign-out (not MapIdentityApi: staff accounts are not self-service, and its
        // login tells a locked account from a wrong password); register, manage/* and the mail flows stay unmapped.
        app.MapAccount();

        app.MapOpenApi();
        // Offline: Scalar's scripts come from the package; no web fonts, telemetry, agent or proxy from scalar.com.
        app.MapScalarApiReference("/scalar", o => o.WithTitle("评议 PingYi API").DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp());
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
    }

    /// <summary><c>Jobs:Enabled</c> (default true): whether this node runs background jobs.</summary>
    public static bool JobsEnabled(IConfiguration configuration) => configuration.GetValue("Jobs:Enabled", true);

    /// <summary>Registers the recurring jobs; called once the database is ready.</summary>
    public static void ScheduleJobs(this WebApplication app)
    {
        if (!JobsEnabled(app.Configuration))
        {
            return;
        }
        app.Services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<SweepTimers.Job>(SweepTimers.JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        app.ScheduleNotificationJobs();
    }

    private static Task ApiOr(HttpContext http, int status, Action page)
    {
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            http.Response.StatusCode = status;
        }
        else
        {
            page();
        }
        return Task.CompletedTask;
    }
}
