using Microsoft.AspNetCore.Identity;
using PingYi.Data.Identity;

namespace PingYi.Web.Infrastructure;

/// <summary>Roles and the accounts made at start-up: the first administrator of a real deployment, and the demo accounts.</summary>
public static class StaffAccounts
{
    public const string BootstrapEmailKey = "Bootstrap:AdminEmail";
    public const string BootstrapPasswordKey = "Bootstrap:AdminPassword";

    public static async Task EnsureRolesAsync(IServiceProvider services)
    {
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in StaffRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)));
            }
        }
    }

    /// <summary>
    /// A deployment with no administrator gets one from <c>Bootstrap:AdminEmail</c> and
    /// <c>Bootstrap:AdminPassword</c> (give them as environment variables for the first start, then remove
    /// them). Without them the app runs, and says in the log how to make the first account.
    /// </summary>
    public static async Task BootstrapAdminAsync(IServiceProvider services, IConfiguration configuration, ILogger logger)
    {
        var users = services.GetRequiredService<UserManager<StaffUser>>();
        if ((await users.GetUsersInRoleAsync(StaffRoles.Admin)).Count > 0)
        {
            return;
        }
        var email = configuration[BootstrapEmailKey]?.Trim();
        var password = configuration[BootstrapPasswordKey];
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password))
        {
            logger.LogWarning("There is no administrator account. Start once with {EmailKey} and {PasswordKey} set to create it.",
                BootstrapEmailKey, BootstrapPasswordKey);
            return;
        }
        var result = await CreateAsync(users, email, "系统管理员", unitId: null, password, StaffRoles.Admin, StaffRoles.Supervisor);
        if (result.Succeeded)
        {
            logger.LogInformation("Created the administrator account {Email}.", email);
        }
        else
        {
            logger.LogError("Could not create the administrator account {Email}: {Errors}", email, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    /// <summary>Creates the account unless one with that e-mail exists.</summary>
    public static async Task EnsureUserAsync(UserManager<StaffUser> users, string email, string displayName, int? unitId, string password, params string[] roles)
    {
        if (await users.FindByEmailAsync(email) is null)
        {
            Check(await CreateAsync(users, email, displayName, unitId, password, roles));
        }
    }

    private static async Task<IdentityResult> CreateAsync(UserManager<StaffUser> users, string email, string displayName, int? unitId, string password, params string[] roles)
    {
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, UnitId = unitId };
        var created = await users.CreateAsync(user, password);
        return created.Succeeded ? await users.AddToRolesAsync(user, roles) : created;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Staff account: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
