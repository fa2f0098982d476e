using Microsoft.EntityFrameworkCore;
using PingYi.Data;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// <c>ConnectionStrings:ReadOnly</c> (optional; unset by default): a second connection for what only reads and may be a
/// moment behind, on PostgreSQL typically every host of the cluster with <c>Target Session Attributes=prefer-standby</c>
/// (a streaming replica while there is one, the primary otherwise). Used by the exports (反映列表 导出 Excel) through a
/// keyed handler (<see cref="Key"/>); every other page and every write keeps the main connection. Unset, the exports
/// read the main database like everything else. A replica that cannot be reached answers those pages 503 with
/// Retry-After, as the main database does. See docs/operations.md (replication lag).
/// </summary>
public sealed class ReadOnlyDatabase
{
    public const string ConnectionStringKey = "ConnectionStrings:ReadOnly";

    /// <summary>The DI key of services (handlers) that read through this connection.</summary>
    public const string Key = "read-only";

    private readonly DbContextOptions<PingYiDbContext>? _options;

    public ReadOnlyDatabase(IConfiguration configuration, DatabaseSettings main)
    {
        var connectionString = configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }
        var builder = new DbContextOptionsBuilder<PingYiDbContext>();
        (main with { ConnectionString = connectionString }).Configure(builder);
        // Nothing read here is ever saved.
        builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        _options = builder.Options;
    }

    /// <summary>Whether <c>ConnectionStrings:ReadOnly</c> is set.</summary>
    public bool Configured => _options is not null;

    /// <summary>A context on the read-only connection (the caller disposes it); only when <see cref="Configured"/>.</summary>
    public PingYiDbContext CreateDbContext() =>
        new(_options ?? throw new InvalidOperationException($"{ConnectionStringKey} is not set."));

    /// <summary>
    /// The context a read-only handler of this request uses: one of its own on the read-only connection when set
    /// (disposed with the request's scope), the request's main context otherwise.
    /// </summary>
    public sealed class Lease(ReadOnlyDatabase database, IServiceProvider services) : IDisposable
    {
        private PingYiDbContext? _own;

        public PingYiDbContext Context => database.Configured
            ? _own ??= database.CreateDbContext()
            : services.GetRequiredService<PingYiDbContext>();

        public void Dispose() => _own?.Dispose();
    }
}

public static class ReadOnlyDatabaseExtensions
{
    public static IServiceCollection AddPingYiReadOnlyDatabase(this IServiceCollection services)
    {
        services.AddSingleton<ReadOnlyDatabase>();
        services.AddScoped<ReadOnlyDatabase.Lease>();
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> a second time under <see cref="ReadOnlyDatabase.Key"/>, built with the
    /// read-only context in place of the main one (resolve it with <c>GetRequiredKeyedService</c>).
    /// </summary>
    public static IServiceCollection AddReadOnlyHandler<THandler>(this IServiceCollection services) where THandler : class =>
        services.AddKeyedScoped<THandler>(ReadOnlyDatabase.Key, (sp, _) =>
            ActivatorUtilities.CreateInstance<THandler>(sp, sp.GetRequiredService<ReadOnlyDatabase.Lease>().Context));
}
