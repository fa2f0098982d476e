using PingYi.Data;

namespace PingYi.Web.Tests.Infrastructure;

/// <summary>One app and database per test class and provider; xunit shares it between the class's tests.</summary>
public abstract class AppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public AppFactory App { get; private set; } = null!;

    public DatabaseProvider Provider => provider;

    public Task InitializeAsync()
    {
        App = AppFactory.Create(provider);
        // Start the host now so that migrations and demo data are in place before the first test.
        _ = App.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteApp() : AppFixture(DatabaseProvider.Sqlite);

public sealed class PostgresApp() : AppFixture(DatabaseProvider.Postgres);
