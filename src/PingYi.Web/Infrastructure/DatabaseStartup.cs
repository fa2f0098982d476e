using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PingYi.Data;

namespace PingYi.Web.Infrastructure;

public static class DatabaseStartup
{
    /// <summary>Any 64-bit number all PingYi nodes agree on: the advisory lock that serialises start-up work.</summary>
    private const long StartupLockKey = 0x50_69_6E_67_59_69_01;

    /// <summary>
    /// Applies migrations (unless <c>Database:MigrateOnStartup</c> is false) and seeds demo data when
    /// asked, under a PostgreSQL advisory lock held on a connection of its own, so that any number of
    /// nodes can start together on a fresh or outdated database: one does the work, the others wait and
    /// then find nothing left to do. A failure is logged with its real cause and the step it happened in;
    /// only a failure to connect names the connection setting.
    /// </summary>
    public static Task<bool> PrepareDatabaseAsync(this WebApplication app) =>
        RunLockedAsync(app, app.Configuration.GetValue("Database:MigrateOnStartup", true), seed: true);

    /// <summary>
    /// <c>dotnet PingYi.Web.dll migrate</c>: applies the migrations (and creates the roles and the bootstrap
    /// administrator) under the same lock, then exits, for deployments that run with
    /// <c>Database:MigrateOnStartup=false</c>.
    /// </summary>
    public static Task<bool> MigrateOnlyAsync(this WebApplication app) => RunLockedAsync(app, migrate: true, seed: false);

    private static async Task<bool> RunLockedAsync(WebApplication app, bool migrate, bool seed)
    {
        var settings = app.Services.GetRequiredService<DatabaseSettings>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PingYi.Database");
        var step = "connecting";
        try
        {
            await using var startupLock = await StartupLock.AcquireAsync(settings, migrate, logger);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            if (migrate)
            {
                step = "applying migrations";
                var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
                if (pending.Count > 0)
                {
                    logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
                }
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
            if (migrate)
            {
                // With the migrations, so that a deployment that migrates by command backfills there too.
                step = "backfilling the handling record";
                await Features.Scoring.HandlingRecordBackfill.RunAsync(scope.ServiceProvider, logger);
            }
            step = "creating the roles";
            await StaffAccounts.EnsureRolesAsync(scope.ServiceProvider);
            if (seed && !app.Environment.IsDevelopment())
            {
                step = "checking for demo accounts";
                var demo = await DemoData.FindDemoAccountsAsync(db, 3);
                if (demo.Count > 0)
                {
                    logger.LogCritical(
                        "Refusing to start in the {Environment} environment: the database holds demo accounts ({Accounts}) whose password is public. Demo data belongs to Development only: use a fresh database (or delete every @pingyi.local account), then start again.",
                        app.Environment.EnvironmentName, string.Join(", ", demo) + (demo.Count == 3 ? ", …" : string.Empty));
                    return false;
                }
            }
            if (seed)
            {
                step = "loading the demo data";
                await DemoData.SeedIfEnabledAsync(scope.ServiceProvider, app.Configuration, app.Environment, logger);
                if (settings.Provider == DatabaseProvider.Postgres && HostingExtensions.JobsEnabled(app.Configuration))
                {
                    // Hangfire creates its own schema when its storage is first used: do that under the lock too.
                    step = "preparing the job storage";
                    _ = app.Services.GetService<Hangfire.JobStorage>();
                }
            }
            step = "creating the bootstrap administrator";
            await StaffAccounts.BootstrapAdminAsync(scope.ServiceProvider, app.Configuration, logger);
            return true;
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            logger.LogCritical("Cannot connect to the {Provider} database ({Reason}). Check the setting {Setting}.",
                settings.Provider, Describe(e), settings.SettingToFix);
            return false;
        }
        catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException or TimeoutException or IOException)
        {
            logger.LogCritical("Database start-up failed while {Step} on {Provider}: {Reason}", step, settings.Provider, Describe(e));
            return false;
        }
    }

    /// <summary>The connection itself failed (host, port, credentials, missing database, file access), not what ran on it.</summary>
    private static bool IsConnectionFailure(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException p when p.SqlState is "28P01" or "28000" or "3D000" || p.SqlState.StartsWith("08", StringComparison.Ordinal):
                case SocketException:
                case NpgsqlException { InnerException: SocketException or TimeoutException or IOException }:
                case SqliteException { SqliteErrorCode: 14 }: // SQLITE_CANTOPEN
                case InvalidOperationException when x.Message == "the database did not accept a connection":
                    return true;
            }
        }
        return false;
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

    /// <summary>
    /// A session-level advisory lock on a dedicated, unpooled connection: it cannot be released early by
    /// a pooled connection going back to the pool, and dies with the process if the node crashes.
    /// SQLite is a single file with its own locking; a no-op there.
    /// </summary>
    private sealed class StartupLock(NpgsqlConnection? connection) : IAsyncDisposable
    {
        public static async Task<StartupLock> AcquireAsync(DatabaseSettings settings, bool mayCreate, ILogger logger)
        {
            if (settings.Provider != DatabaseProvider.Postgres)
            {
                return new StartupLock(null);
            }
            var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false, MaxAutoPrepare = 0 };
            if (mayCreate)
            {
                await EnsureDatabaseExistsAsync(builder, logger);
            }
            var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
            {
                command.Parameters.AddWithValue("key", StartupLockKey);
                command.CommandTimeout = 0; // wait as long as the node ahead needs
                await command.ExecuteNonQueryAsync();
            }
            return new StartupLock(connection);
        }

        /// <summary>Advisory locks live inside a database, so the database must exist first; two nodes may both try to create it.</summary>
        private static async Task EnsureDatabaseExistsAsync(NpgsqlConnectionStringBuilder target, ILogger logger)
        {
            try
            {
                await using var probe = new NpgsqlConnection(target.ConnectionString);
                await probe.OpenAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == "3D000")
            {
                // invalid_catalog_name: create it below.
            }
            var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres" };
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync();
            var name = target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal);
            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
                logger.LogInformation("Created the database {Database}.", target.Database);
            }
            catch (PostgresException e) when (e.SqlState is "42P04" or "23505")
            {
                // Another node created it at the same moment (42P04 duplicate_database, or the catalog's unique index).
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (connection is null)
            {
                return;
            }
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", StartupLockKey);
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
