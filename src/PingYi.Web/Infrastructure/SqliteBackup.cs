using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PingYi.Data;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// <c>dotnet PingYi.Web.dll backup &lt;dir&gt;</c> / <c>restore &lt;dir&gt;</c> for the SQLite default. Everything the app
/// keeps is in the database file: complaints, attachments (their bytes are rows), the outbox, accounts and the Data
/// Protection key ring (PersistKeysToDbContext). The backup is SQLite's online backup API — a consistent copy
/// while the app keeps serving — plus the Data Protection certificate file when one is configured (the key ring
/// is sealed with it outside Development; its password is not copied), and a manifest with the file's SHA-256.
/// Restore checks the manifest and copies the database back through the same API (into the live file, WAL
/// included), so stop every node first. PostgreSQL has its own tools (pg_basebackup + WAL archive, pg_dump):
/// docs/operations.md.
/// </summary>
public static class SqliteBackup
{
    public const string DatabaseFile = "pingyi.db";
    public const string ManifestFile = "manifest.json";
    public const string CertificateFolder = "dataprotection";

    /// <summary>Runs <c>backup</c> or <c>restore</c>; the exit code (0 done, 1 failed, 2 misused).</summary>
    public static async Task<int> RunAsync(string command, string directory, WebApplicationBuilder builder)
    {
        using var loggers = LoggingSetup.StartupLoggers(builder);
        var logger = loggers.CreateLogger("PingYi.Backup");
        DatabaseSettings settings;
        try
        {
            settings = DatabaseSettings.From(builder.Configuration, builder.Environment.ContentRootPath);
        }
        catch (DatabaseConfigurationException e)
        {
            logger.LogCritical("Invalid database configuration: {Message}", e.Message);
            return 2;
        }
        if (settings.Provider != DatabaseProvider.Sqlite)
        {
            logger.LogCritical("{Command} is for the SQLite database; back up PostgreSQL with pg_basebackup and WAL archiving, or pg_dump (docs/operations.md).", command);
            return 2;
        }
        var certificate = builder.Configuration[Features.Security.ProductionDefaults.CertificateKey] is { Length: > 0 } path
            ? Path.GetFullPath(path, builder.Environment.ContentRootPath)
            : null;
        try
        {
            if (command == "backup")
            {
                await BackupAsync(settings.ConnectionString, directory, certificate, TimeProvider.System, logger);
            }
            else
            {
                await RestoreAsync(settings.ConnectionString, directory, certificate, logger);
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or SqliteException or InvalidOperationException or UnauthorizedAccessException)
        {
            logger.LogCritical("{Command} failed: {Message}", command, e.Message);
            return 1;
        }
    }

    public static async Task BackupAsync(string connectionString, string directory, string? certificate, TimeProvider time, ILogger logger)
    {
        directory = Path.GetFullPath(directory);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new InvalidOperationException($"{directory} is not empty; back up into a new folder (one per backup).");
        }
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, DatabaseFile);
        using (var source = Open(connectionString, SqliteOpenMode.ReadOnly))
        using (var copy = Open(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString(), SqliteOpenMode.ReadWriteCreate))
        {
            // One consistent snapshot, taken while the app keeps writing (writers wait for the copy's read lock only).
            source.BackupDatabase(copy);
            using var single = copy.CreateCommand();
            // A self-contained file: no -wal beside it.
            single.CommandText = "PRAGMA journal_mode=DELETE;";
            single.ExecuteNonQuery();
        }
        var manifest = new JsonObject
        {
            ["createdAtUtc"] = time.GetUtcNow().UtcDateTime.ToString("O"),
            ["database"] = DatabaseFile,
            ["sha256"] = await HashAsync(target),
            ["complaints"] = Count(target, "Complaints"),
            ["attachments"] = Count(target, "Attachments"),
            ["dataProtectionKeys"] = Count(target, "DataProtectionKeys"),
        };
        if (certificate is not null && File.Exists(certificate))
        {
            Directory.CreateDirectory(Path.Combine(directory, CertificateFolder));
            File.Copy(certificate, Path.Combine(directory, CertificateFolder, Path.GetFileName(certificate)));
            manifest["certificate"] = Path.GetFileName(certificate);
        }
        await File.WriteAllTextAsync(Path.Combine(directory, ManifestFile), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        logger.LogInformation("Backup written to {Directory}: {Complaints} complaints, {Attachments} attachments, {Keys} Data Protection keys{Certificate}.",
            directory, manifest["complaints"], manifest["attachments"], manifest["dataProtectionKeys"], certificate is null ? "" : ", and the key certificate");
    }

    public static async Task RestoreAsync(string connectionString, string directory, string? certificate, ILogger logger)
    {
        directory = Path.GetFullPath(directory);
        var manifestPath = Path.Combine(directory, ManifestFile);
        var backup = Path.Combine(directory, DatabaseFile);
        if (!File.Exists(manifestPath) || !File.Exists(backup))
        {
            throw new InvalidOperationException($"{directory} holds no backup ({ManifestFile} and {DatabaseFile} expected).");
        }
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        if (manifest["sha256"]?.GetValue<string>() != await HashAsync(backup))
        {
            throw new InvalidOperationException($"{backup} does not match its manifest (damaged or changed); not restored.");
        }
        using (var source = Open(new SqliteConnectionStringBuilder { DataSource = backup, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString(), SqliteOpenMode.ReadOnly))
        using (var live = Open(connectionString, SqliteOpenMode.ReadWriteCreate))
        {
            // Page by page into the live file, through SQLite (its -wal and -shm stay consistent).
            source.BackupDatabase(live);
            using var wal = live.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        if (manifest["certificate"]?.GetValue<string>() is { } name && certificate is not null && !File.Exists(certificate))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(certificate)!);
            File.Copy(Path.Combine(directory, CertificateFolder, name), certificate);
            logger.LogWarning("The Data Protection certificate was missing; restored it to {Path} from the backup.", certificate);
        }
        logger.LogInformation("Restored the backup of {CreatedAt} from {Directory}: {Complaints} complaints. Start the app: it applies newer migrations, if any.",
            manifest["createdAtUtc"], directory, manifest["complaints"]);
    }

    private static SqliteConnection Open(string connectionString, SqliteOpenMode mode)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Mode = mode, Pooling = false };
        if (mode != SqliteOpenMode.ReadWriteCreate && !File.Exists(builder.DataSource))
        {
            throw new InvalidOperationException($"No database at {builder.DataSource}.");
        }
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        return connection;
    }

    private static long Count(string file, string table)
    {
        using var connection = Open(new SqliteConnectionStringBuilder { DataSource = file }.ToString(), SqliteOpenMode.ReadOnly);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }

    private static async Task<string> HashAsync(string file)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }
}
