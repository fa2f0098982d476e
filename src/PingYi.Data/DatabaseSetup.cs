using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PingYi.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The resolved database settings: which provider and which connection string.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string ProviderKey = "Database:Provider";
    public const string ConnectionStringKey = "ConnectionStrings:PingYi";

    public static readonly string SqliteMigrationsAssembly = "PingYi.Migrations.Sqlite";
    public static readonly string PostgresMigrationsAssembly = "PingYi.Migrations.Postgres";

    /// <summary>
    /// Reads <c>Database:Provider</c> (Sqlite, the default, or Postgres) and <c>ConnectionStrings:PingYi</c>.
    /// SQLite without a connection string uses <c>data/pingyi.db</c> under the content root.
    /// Throws <see cref="DatabaseConfigurationException"/> naming the setting to fix.
    /// </summary>
    public static DatabaseSettings From(IConfiguration configuration, string contentRoot)
    {
        var providerText = configuration[ProviderKey];
        DatabaseProvider provider;
        if (string.IsNullOrWhiteSpace(providerText))
        {
            provider = DatabaseProvider.Sqlite;
        }
        else if (!Enum.TryParse(providerText.Trim(), ignoreCase: true, out provider) || !Enum.IsDefined(provider))
        {
            throw new DatabaseConfigurationException($"Setting {ProviderKey} is '{providerText}'; use Sqlite or Postgres.");
        }

        var connectionString = configuration[ConnectionStringKey];
        if (provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new DatabaseConfigurationException(
                $"{ProviderKey} is Postgres but {ConnectionStringKey} is empty; set it, e.g. Host=127.0.0.1;Database=pingyi;Username=pingyi;Password=...");
        }
        if (provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(connectionString))
        {
            var dataDir = Path.Combine(contentRoot, "data");
            Directory.CreateDirectory(dataDir);
            connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "pingyi.db") }.ToString();
        }
        if (provider == DatabaseProvider.Postgres)
        {
            connectionString = WithPostgresDefaults(connectionString!);
        }
        return new DatabaseSettings(provider, connectionString!);
    }

    /// <summary>
    /// Prepared statements for the few hot queries (intake, lookups) unless the connection string says
    /// otherwise; an unparsable string is left for the provider to reject with its own message.
    /// </summary>
    private static string WithPostgresDefaults(string connectionString)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            if (builder.MaxAutoPrepare == 0)
            {
                builder.MaxAutoPrepare = 32;
                builder.AutoPrepareMinUsages = 2;
            }
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return connectionString;
        }
    }

    public void Configure(DbContextOptionsBuilder options)
    {
        switch (Provider)
        {
            case DatabaseProvider.Postgres:
                options.UseNpgsql(ConnectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly));
                break;
            default:
                options.UseSqlite(ConnectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly));
                break;
        }
        options.AddInterceptors(DeadlineRulesInterceptor.Instance);
    }

    /// <summary>The setting a person should look at when this database cannot be reached.</summary>
    public string SettingToFix => Provider == DatabaseProvider.Postgres
        ? $"{ConnectionStringKey} (PostgreSQL: host, port, database, user, password)"
        : $"{ConnectionStringKey} or the data folder's permissions (SQLite file)";
}

public sealed class DatabaseConfigurationException(string message) : Exception(message);

public static class DatabaseServiceCollectionExtensions
{
    public static IServiceCollection AddPingYiDatabase(this IServiceCollection services, DatabaseSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<IntakeKeys>();
        services.AddDbContextPool<PingYiDbContext>((sp, options) =>
        {
            settings.Configure(options);
            if (settings.Provider == DatabaseProvider.Sqlite)
            {
                options.AddInterceptors(SqliteSecureDelete.Instance);
            }
            // The host's notice writer turns complaint notices into outbox rows in the same save.
            if (sp.GetService<Outbox.INoticeWriter>() is { } writer)
            {
                options.AddInterceptors(new Outbox.NoticeInterceptor(writer));
            }
            // Any other interceptor the host registers (tests count commands or fail a commit through this seam).
            options.AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>());
        });
        return services;
    }
}

/// <summary>
/// <c>PRAGMA secure_delete=ON</c> on every SQLite connection EF opens: SQLite otherwise leaves deleted rows' bytes
/// in freed pages and cells, so contact details erased after the retention period (PIPL) would still be in the file.
/// The pragma is per connection, hence on every open (pooled connections included).
/// </summary>
public sealed class SqliteSecureDelete : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    public static readonly SqliteSecureDelete Instance = new();

    private const string Pragma = "PRAGMA secure_delete=ON;";

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
