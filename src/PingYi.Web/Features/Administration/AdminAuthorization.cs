using Microsoft.AspNetCore.Authorization;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>Managing units (参评单位). One requirement type per resource, so that unit, account and audit rules never collide.</summary>
public sealed class UnitAdministrationRequirement : IRoleRequirement
{
    public IReadOnlyList<string> Roles { get; } = [StaffRoles.Admin];
}

/// <summary>Managing staff accounts: create, change, disable, reset passwords.</summary>
public sealed class AccountAdministrationRequirement : IRoleRequirement
{
    public IReadOnlyList<string> Roles { get; } = [StaffRoles.Admin];
}

/// <summary>Reading and exporting the audit log.</summary>
public sealed class AuditLogRequirement : IRoleRequirement
{
    public IReadOnlyList<string> Roles { get; } = [StaffRoles.Admin];
}

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

/// <summary>Today only the Admin role manages units (the committee may later let a supervisor edit duties text: add the role to the requirement).</summary>
public sealed class UnitAdministrationHandler : RoleRequirementHandler<UnitAdministrationRequirement>;

public sealed class AccountAdministrationHandler : RoleRequirementHandler<AccountAdministrationRequirement>;

public sealed class AuditLogHandler : RoleRequirementHandler<AuditLogRequirement>;
