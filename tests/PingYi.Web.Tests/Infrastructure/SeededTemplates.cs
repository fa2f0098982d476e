using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Npgsql;
using PingYi.Data;

namespace PingYi.Web.Tests.Infrastructure;

/// <summary>
/// Most test apps start on a fresh database and spend their start-up applying every migration and loading the demo
/// data, the same for every app with the same <see cref="AppFactory.SeedKey"/>. The second app with a key has a
/// template database prepared once by a real start-up of the app, then each app starts on a copy of it (PostgreSQL's
/// <c>CREATE DATABASE … TEMPLATE</c>, a file copy for SQLite) and its own start-up finds nothing left to do, as a
/// restarted node does. A key seen once starts directly: a template would cost it a second start-up.
/// </summary>
internal static class SeededTemplates
{
    private static readonly ConcurrentDictionary<string, int> Seen = new();
    private static readonly ConcurrentDictionary<string, Lazy<string>> Templates = new();
    private static readonly ConcurrentBag<string> PostgresTemplates = [];
    private static readonly DirectoryInfo SqliteTemplates = Directory.CreateTempSubdirectory("pingyi-templates-");

    static SeededTemplates() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DropAll();

    public static void CopyInto(AppFactory app)
    {
        var key = app.SeedKey();
        if (key is null || Seen.AddOrUpdate(key, 1, (_, n) => n + 1) < 2)
        {
            return;
        }
        var template = Templates.GetOrAdd(key, _ => new Lazy<string>(() => BuildApart(app), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        if (app.Provider == DatabaseProvider.Sqlite)
        {
            File.Copy(template, new SqliteConnectionStringBuilder(app.ConnectionString).DataSource);
        }
        else
        {
            CreatePostgresCopy(template, new NpgsqlConnectionStringBuilder(app.ConnectionString).Database!);
        }
    }

    /// <summary>
    /// Starts the template's app on a thread of its own, with none of this one's async-local state flowing either way:
    /// WebApplicationFactory finds the host a Program builds through an async-local listener, and a host built inline
    /// here would leave its listener in place of the one the app being started waits on.
    /// </summary>
    private static string BuildApart(AppFactory app)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(() => Build(app)).GetAwaiter().GetResult();
        }
    }

    private static string Build(AppFactory app)
    {
        if (app.Provider == DatabaseProvider.Sqlite)
        {
            var path = Path.Combine(SqliteTemplates.FullName, Guid.NewGuid().ToString("N") + ".db");
            var connectionString = $"Data Source={path}";
            using (var builder = app.TemplateBuilder(connectionString))
            {
                _ = builder.Server;
            }
            // Fold the write-ahead log into the file, so that the file alone is the whole database.
            using (var connection = new SqliteConnection(connectionString + ";Pooling=False"))
            {
                connection.Open();
                using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                checkpoint.ExecuteNonQuery();
            }
            SqliteConnection.ClearPool(new SqliteConnection(connectionString));
            return path;
        }
        var name = "pingyi_template_" + Guid.NewGuid().ToString("N")[..12];
        var template = new NpgsqlConnectionStringBuilder(Server()) { Database = name }.ConnectionString;
        PostgresTemplates.Add(name);
        using (var builder = app.TemplateBuilder(template))
        {
            _ = builder.Server;
        }
        // A template may have no session open on it while it is copied. Pools of the finished app other than the
        // one cleared here (Hangfire's storage keeps its own) can hold a session for minutes, and CI once saw one
        // outlast every retry: close the template to new sessions, then end the ones left, as template0 is kept.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(template));
        using (var connection = Maintenance())
        {
            connection.Open();
            using var close = new NpgsqlCommand(
                $"ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS false; " +
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid();",
                connection);
            close.Parameters.AddWithValue("name", name);
            close.ExecuteNonQuery();
        }
        return name;
    }

    private static void CreatePostgresCopy(string template, string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = Maintenance();
                connection.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\" TEMPLATE \"{template}\"", connection);
                create.ExecuteNonQuery();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                // A session that was ending as the template was closed has not quite gone yet.
                Thread.Sleep(50 * attempt);
            }
        }
    }

    private static void DropAll()
    {
        try
        {
            SqliteConnection.ClearAllPools();
            SqliteTemplates.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary file is not worth failing the run for.
        }
        if (PostgresTemplates.IsEmpty)
        {
            return;
        }
        try
        {
            using var connection = Maintenance();
            connection.Open();
            foreach (var name in PostgresTemplates)
            {
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
            }
        }
        catch (NpgsqlException)
        {
            // The throwaway server of ./test.sh goes with them; on a shared server they only cost disk.
        }
    }

    private static string Server() => Environment.GetEnvironmentVariable("PINGYI_TEST_POSTGRES")
        ?? throw new InvalidOperationException("PINGYI_TEST_POSTGRES is not set: run ./test.sh.");

    private static NpgsqlConnection Maintenance() =>
        new(new NpgsqlConnectionStringBuilder(Server()) { Database = "postgres", Pooling = false }.ConnectionString);
}
