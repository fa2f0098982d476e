using Microsoft.AspNetCore.Authorization;
using PingYi.Data.Identity;

namespace PingYi.Web.Features.Admin;

/// <summary>Managing units (参评单位). One requirement type per resource, so that unit, account and audit rules never collide.</summary>
public sealed class UnitAdministrationRequirement : IAuthorizationRequirement;

/// <summary>Managing staff accounts: create, change, disable, reset passwords.</summary>
public sealed class AccountAdministrationRequirement : IAuthorizationRequirement;

/// <summary>Reading and exporting the audit log.</summary>
public sealed class AuditLogRequirement : IAuthorizationRequirement;

public static class AdminPolicies
{
    public const string Units = "admin.units";
    public const string Accounts = "admin.accounts";
    public const string Audit = "admin.audit";

    /// <summary>The admin pages' folder: any of the three (each page then names its own policy).</summary>
    public const string AnyAdmin = "admin.any";

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(Units, p => p.RequireAuthenticatedUser().AddRequirements(new UnitAdministrationRequirement()));
        o.AddPolicy(Accounts, p => p.RequireAuthenticatedUser().AddRequirements(new AccountAdministrationRequirement()));
        o.AddPolicy(Audit, p => p.RequireAuthenticatedUser().AddRequirements(new AuditLogRequirement()));
        o.AddPolicy(AnyAdmin, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles.Admin));
    }
}

/// <summary>Today only the Admin role manages units; the committee may later let a supervisor edit duties text.</summary>
public sealed class UnitAdministrationHandler : AuthorizationHandler<UnitAdministrationRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UnitAdministrationRequirement requirement)
    {
        if (context.User.IsInRole(StaffRoles.Admin))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

public sealed class AccountAdministrationHandler : AuthorizationHandler<AccountAdministrationRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AccountAdministrationRequirement requirement)
    {
        if (context.User.IsInRole(StaffRoles.Admin))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

public sealed class AuditLogHandler : AuthorizationHandler<AuditLogRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AuditLogRequirement requirement)
    {
        if (context.User.IsInRole(StaffRoles.Admin))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
