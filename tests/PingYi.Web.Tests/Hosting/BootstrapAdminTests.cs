using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Hosting;

/// <summary>Outside demo mode the first administrator comes from the Bootstrap settings, once, and no demo account exists.</summary>
public abstract class BootstrapAdminTests(DatabaseProvider provider)
{
    private const string Email = "chief@jw.example.cn";
    private const string Password = "Bootstrap-Secret-42";

    [Fact]
    public async Task The_first_administrator_is_made_from_the_bootstrap_settings_and_no_demo_account_exists()
    {
        using var app = AppFactory.Create(provider, new Dictionary<string, string?>
        {
            ["Demo:Seed"] = "false",
            ["Bootstrap:AdminEmail"] = Email,
            ["Bootstrap:AdminPassword"] = Password,
        });
        var client = app.CreateClient();

        var admin = await client.PostAsync("/api/v1/auth/login", Json(new JsonObject { ["email"] = Email, ["password"] = Password }));
        var demo = await client.PostAsync("/api/v1/auth/login", Json(new JsonObject { ["email"] = "admin@pingyi.local", ["password"] = "PingYi-Demo-2020" }));

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, demo.StatusCode);
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var created = Assert.Single(await users.GetUsersInRoleAsync(StaffRoles.Admin));
        Assert.Equal(Email, created.Email);
        Assert.True(await users.IsInRoleAsync(created, StaffRoles.Supervisor));
        Assert.Equal(StaffRoles.All.Count, scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().Roles.Count());
    }

    [Fact]
    public async Task Without_bootstrap_settings_there_is_no_account_at_all()
    {
        using var app = AppFactory.Create(provider, new Dictionary<string, string?> { ["Demo:Seed"] = "false" });
        _ = app.Server;

        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        Assert.Empty(users.Users.ToList());
        Assert.Empty(await users.GetUsersInRoleAsync(StaffRoles.Admin));
    }
}

public sealed class SqliteBootstrapAdminTests() : BootstrapAdminTests(DatabaseProvider.Sqlite);

public sealed class PostgresBootstrapAdminTests() : BootstrapAdminTests(DatabaseProvider.Postgres);
