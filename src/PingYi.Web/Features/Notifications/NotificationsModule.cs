using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Data.Outbox;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Notifications;

/// <summary>The notifications area: outbox, mail templates and delivery, the daily digest, the job registry and the Hangfire dashboard.</summary>
public static class NotificationsModule
{
    /// <summary>False when a mail setting or template is unusable (already logged).</summary>
    public static bool AddNotifications(this WebApplicationBuilder builder, DatabaseSettings database, ILogger startupLogger)
    {
        var services = builder.Services;
        MailSettings settings;
        MailTemplates templates;
        SmsSettings sms;
        SmsTemplates smsTemplates;
        try
        {
            settings = MailSettings.Read(builder.Configuration, builder.Environment.ContentRootPath);
            var directory = builder.Configuration["Mail:TemplatesPath"] is { Length: > 0 } path
                ? Path.GetFullPath(path, builder.Environment.ContentRootPath)
                : MailTemplates.DefaultDirectory;
            templates = new MailTemplates(directory);
            sms = SmsSettings.Read(builder.Configuration, builder.Environment.ContentRootPath);
            smsTemplates = new SmsTemplates(directory);
        }
        catch (InvalidOperationException e)
        {
            startupLogger.LogCritical("Invalid mail configuration: {Message}", e.Message);
            return false;
        }
        if (settings.UsesPickupFolder)
        {
            startupLogger.LogInformation("No Smtp:Host: mail is written as .eml files to {Folder}.", settings.PickupFolder);
        }
        if (sms.UsesPickupFolder)
        {
            startupLogger.LogInformation("No Sms:GatewayUrl: SMS are written as .txt files to {Folder}.", sms.PickupFolder);
            services.AddSingleton<ISmsSender, PickupSmsSender>();
        }
        else
        {
            services.AddHttpClient<ISmsSender, HttpSmsSender>(HttpSmsSender.HttpClientName);
        }
        services.AddSingleton(settings);
        services.AddSingleton(templates);
        services.AddSingleton(sms);
        services.AddSingleton(smsTemplates);
        services.AddSingleton<LodgedSms>();
        services.AddSingleton<INoticeWriter, NoticeWriter>();
        services.AddScoped<DeliverOutbox.Handler>();
        services.AddScoped<DailyDigest.Handler>();
        services.AddSingleton<JobRegistry>();
        services.AddTransient<JobRunner>();
        services.AddScoped<RunJob.Handler>();
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
        if (HostingExtensions.JobsEnabled(builder.Configuration))
        {
            services.AddHangfireServer(o => o.WorkerCount = Math.Max(2, Environment.ProcessorCount));
        }

        services.AddPingYiJob(DeliverOutbox.JobId, async (sp, ct) => await sp.GetRequiredService<DeliverOutbox.Handler>().HandleAsync(ct), Cron.Minutely());
        // Every day at 08:30 China time (00:30 UTC; China has no daylight saving); the job itself skips days
        // the holiday calendar says are off.
        services.AddPingYiJob(DailyDigest.JobId, async (sp, ct) => await sp.GetRequiredService<DailyDigest.Handler>().HandleAsync(ct), "30 0 * * *");
        return true;
    }

    public static void MapNotifications(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<MailSettings>();
        if (!settings.BaseUrlConfigured)
        {
            // Development only (elsewhere Mail:BaseUrl is required): links go where this app actually listens.
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                var used = settings.UseListeningAddresses(addresses);
                app.Logger.LogInformation("No Mail:BaseUrl: links in mail, set-password links and survey QR codes use {BaseUrl}.", used);
            });
        }
        var admin = app.MapGroup("/api/v1").WithTags("管理");
        RunJob.Map(admin);

        // Admins only, by the sign-in cookie: a signed-out browser gets the sign-in page, anyone else 403.
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
            {
                Authorization = Array.Empty<IDashboardAuthorizationFilter>(),
                AppPath = "/staff",
                DashboardTitle = "评议 后台作业",
            })
            .RequireAuthorization(p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.Admin));
    }

    /// <summary>Schedules every area's registered recurring jobs (cron in UTC), each under the runner's lock.</summary>
    public static void ScheduleRegisteredJobs(this WebApplication app)
    {
        var manager = app.Services.GetRequiredService<IRecurringJobManager>();
        foreach (var job in app.Services.GetRequiredService<JobRegistry>().All.Where(j => j.Cron is not null))
        {
            var name = job.Name;
            manager.AddOrUpdate<JobRunner>(name, runner => runner.RunAsync(name, CancellationToken.None), job.Cron!, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }
    }
}
