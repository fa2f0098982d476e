using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// The database going away (PostgreSQL restarting or failing over, a SQLite file locked or unreadable) is a
/// temporary state, not a fault of the app: a request that meets it is answered 503 with Retry-After, problem
/// details under /api and a short Chinese page elsewhere, never 500. Nothing is kept between requests, so the
/// first request after the database is back is served as usual (Npgsql drops broken pooled connections itself).
/// A request that already started its response cannot be changed any more and fails as before.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary><c>Database:UnavailableRetryAfterSeconds</c> (default 5): the Retry-After of such an answer.</summary>
    public static int RetryAfterSeconds(IConfiguration configuration) =>
        Math.Max(1, configuration.GetValue("Database:UnavailableRetryAfterSeconds", 5));

    /// <summary>Inside the exception handlers: the answer is written here, before they would turn it into a 500.</summary>
    public static IApplicationBuilder UsePingYiDatabaseUnavailable(this WebApplication app)
    {
        var retryAfter = RetryAfterSeconds(app.Configuration);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseUnavailable).FullName!);
        var metrics = app.Services.GetRequiredService<Telemetry.PingYiMetrics>();
        return app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception e) when (Transient(e) is { } cause && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
            {
                logger.LogWarning("Database unavailable: {Method} {Path} answered 503 ({Error}: {Message})",
                    http.Request.Method, http.Request.Path, cause.GetType().Name, cause.Message);
                metrics.DatabaseUnavailable();
                http.Response.Clear();
                await Refusals.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, "服务暂时不可用",
                    $"系统正在恢复，请在 {retryAfter} 秒后重试。", retryAfter, CancellationToken.None);
            }
        });
    }

    /// <summary>The exception (or an inner one) that says the database could not be reached for now; null for any other fault.</summary>
    public static Exception? Transient(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (IsTransient(e))
            {
                return e;
            }
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(Transient).FirstOrDefault(x => x is not null) is { } inner)
            {
                return inner;
            }
        }
        return null;
    }

    /// <summary>
    /// A connection string naming several hosts (<c>Target Session Attributes=primary</c>) while none of them is the
    /// kind asked for: during a failover the old primary is down and the replica not yet promoted, or promoted but still
    /// remembered as a standby for <c>Host Recheck Seconds</c>. Npgsql says so with a plain NpgsqlException, not marked
    /// transient and without an inner exception, recognisable only by its text (Npgsql 8-10).
    /// </summary>
    private static bool NoSuitableHost(NpgsqlException e) =>
        e.InnerException is null && e.Message.StartsWith("No suitable host was found", StringComparison.Ordinal);

    private static bool IsTransient(Exception e) => e switch
    {
        // Class 08 (connection exception), 57P01-57P03 (shutting down, crashed, starting up), 53300 (too many connections).
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException npgsql => npgsql.IsTransient || NoSuitableHost(npgsql),
        // SQLITE_BUSY, SQLITE_LOCKED (another writer held the file past the busy timeout), SQLITE_IOERR, SQLITE_CANTOPEN.
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6 or 10 or 14,
        SocketException or TimeoutException => true,
        _ => false,
    };
}
