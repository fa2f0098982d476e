using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;

namespace PingYi.Web.Infrastructure;

public static class DatabaseStartup
{
    /// <summary>
    /// Applies migrations (unless <c>Database:MigrateOnStartup</c> is false) and seeds demo data when
    /// asked. A database that cannot be reached ends start-up with one log line naming the setting to fix.
    /// </summary>
    public static async Task<bool> PrepareDatabaseAsync(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<DatabaseSettings>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PingYi.Database");
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            if (app.Configuration.GetValue("Database:MigrateOnStartup", true))
            {
                await db.Database.MigrateAsync();
                if (settings.Provider == DatabaseProvider.Sqlite)
                {
                    // WAL lets readers work while a complaint is written.
                    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
                }
            }
            else if (!await db.Database.CanConnectAsync())
            {
                throw new InvalidOperationException("the database did not accept a connection");
            }
            await StaffAccounts.EnsureRolesAsync(scope.ServiceProvider);
            await DemoData.SeedIfEnabledAsync(scope.ServiceProvider, app.Configuration, app.Environment, settings, logger);
            await StaffAccounts.BootstrapAdminAsync(scope.ServiceProvider, app.Configuration, logger);
            return true;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException or IOException)
        {
            logger.LogCritical("Cannot use the {Provider} database ({Reason}). Check the setting {Setting}.",
                settings.Provider, Describe(e), settings.SettingToFix);
            return false;
        }
    }

    // The innermost message says what went wrong (password, host, file) without the stack.
    private static string Describe(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e.Message.ReplaceLineEndings(" ").Trim();
    }
}
