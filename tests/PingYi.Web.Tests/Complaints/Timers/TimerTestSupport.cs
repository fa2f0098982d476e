using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Features.Complaints.Timers;
using PingYi.Web.Tests.Infrastructure;

namespace PingYi.Web.Tests.Complaints.Timers;

/// <summary>
/// Counts the SQL commands the app's DbContext sends while <see cref="Counting"/> is on, by kind (SELECT, INSERT, …).
/// A real EF Core interceptor on the real database: the measure of what a sweep costs.
/// </summary>
public sealed class CommandLog : DbCommandInterceptor
{
    private readonly List<string> _commands = [];

    public bool Counting { get; set; }

    /// <summary>The SELECT statements counted (a command batching several statements counts each).</summary>
    public int Selects
    {
        get
        {
            lock (_commands)
            {
                return _commands.Sum(c => c.Split(';').Count(s => s.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)));
            }
        }
    }

    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    public void Reset()
    {
        lock (_commands)
        {
            _commands.Clear();
        }
    }

    private void Record(DbCommand command)
    {
        if (Counting)
        {
            lock (_commands)
            {
                _commands.Add(command.CommandText);
            }
        }
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }
}

/// <summary>
/// Makes the Nth save after <see cref="Arm"/> fail inside the database: the save's command that updates the
/// complaints throws, as if the process died mid-save. Whatever that save's transaction had written is rolled back
/// (SQLite runs a statement per row inside the transaction; PostgreSQL batches them), and earlier saves stand.
/// </summary>
public sealed class SaveFault : ISaveChangesInterceptor, IDbCommandInterceptor
{
    private int _remaining = -1;
    private volatile bool _doomed;

    public int Failures { get; private set; }

    /// <summary>The <paramref name="nth"/> save from now fails (once).</summary>
    public void Arm(int nth) => _remaining = nth;

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (_remaining > 0 && Interlocked.Decrement(ref _remaining) == 0)
        {
            _doomed = true;
        }
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    private void Check(DbCommand command)
    {
        if (_doomed && command.CommandText.Contains("UPDATE", StringComparison.Ordinal) && command.CommandText.Contains("\"Complaints\"", StringComparison.Ordinal))
        {
            _doomed = false;
            Failures++;
            throw new InvalidOperationException("Injected fault: the sweep died in the middle of this batch's save.");
        }
    }
}

public static class Sweep
{
    public static async Task<int> RunAsync(AppFactory app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SweepTimers.Handler>().HandleAsync(CancellationToken.None);
    }

    public static void AddInterceptor<T>(this IServiceCollection services, T interceptor) where T : class, IInterceptor
    {
        services.AddSingleton(interceptor);
        services.AddSingleton<IInterceptor>(interceptor);
    }
}
