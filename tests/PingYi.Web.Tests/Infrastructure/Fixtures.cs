using PingYi.Data;

namespace PingYi.Web.Tests.Infrastructure;

/// <summary>One app and database per test class and provider; xunit shares it between the class's tests.</summary>
public abstract class AppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public AppFactory App { get; private set; } = null!;

    public DatabaseProvider Provider => provider;

    protected virtual AppFactory Create(DatabaseProvider provider) => AppFactory.Create(provider);

    public Task InitializeAsync()
    {
        App = Create(provider);
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

/// <summary>An app that hashes passwords at the production cost (<see cref="AppFactory.WithRealPasswordHashing"/>).</summary>
public abstract class RealHashingAppFixture(DatabaseProvider provider) : AppFixture(provider)
{
    protected override AppFactory Create(DatabaseProvider provider) => AppFactory.Create(provider).WithRealPasswordHashing();
}

public sealed class SqliteRealHashingApp() : RealHashingAppFixture(DatabaseProvider.Sqlite);

public sealed class PostgresRealHashingApp() : RealHashingAppFixture(DatabaseProvider.Postgres);

/// <summary>
/// One production-mode app per class and provider (<see cref="AppFactory.CreateProduction"/>): no demo data even
/// though <c>Demo:Seed=true</c> is set, the first administrator from the bootstrap settings, one unit (<c>jyt</c>,
/// so that <see cref="TestData.Complaint"/> can be lodged), and a tracking-number lock after 3 wrong codes.
/// </summary>
public abstract class ProductionAppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public const string AdminEmail = "chief@jw.example.cn";
    public const string AdminPassword = "Bootstrap-Secret-42";

    public AppFactory App { get; private set; } = null!;

    public DatabaseProvider Provider => provider;

    /// <summary>The bootstrap administrator, signed in with a bearer token.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = AppFactory.CreateProduction(provider, new Dictionary<string, string?>
        {
            ["Demo:Seed"] = "true",
            ["Bootstrap:AdminEmail"] = AdminEmail,
            ["Bootstrap:AdminPassword"] = AdminPassword,
            ["RateLimits:AccessCodeFreeFailures"] = "3",
        });
        Admin = await BearerAsync(App, AdminEmail, AdminPassword);
        var unit = await Admin.PostAsync("/api/v1/admin/units", TestData.Json(PingYi.Web.Tests.Administration.AdminApi.Unit(TestData.DemoUnit, "省教育厅")));
        Assert.True(unit.StatusCode == System.Net.HttpStatusCode.Created, await unit.Content.ReadAsStringAsync());
    }

    public static async Task<HttpClient> BearerAsync(AppFactory app, string email, string password)
    {
        var login = await app.CreateClient().PostAsync("/api/v1/auth/login",
            TestData.Json(new System.Text.Json.Nodes.JsonObject { ["email"] = email, ["password"] = password }));
        var body = await login.Content.ReadAsStringAsync();
        Assert.True(login.IsSuccessStatusCode, $"sign-in of {email}: {(int)login.StatusCode} {body}");
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            System.Text.Json.Nodes.JsonNode.Parse(body)!["accessToken"]!.GetValue<string>());
        return client;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteProductionApp() : ProductionAppFixture(DatabaseProvider.Sqlite);

public sealed class PostgresProductionApp() : ProductionAppFixture(DatabaseProvider.Postgres);
