using System.Globalization;
using System.Linq.Expressions;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PingYi.Data.Identity;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Web.Infrastructure;

/// <summary>What a staff user may do with one complaint; checked by <see cref="ComplaintAuthorizationHandler"/>.</summary>
public static class ComplaintOperations
{
    public static readonly OperationAuthorizationRequirement View = new() { Name = nameof(View) };
    public static readonly OperationAuthorizationRequirement Act = new() { Name = nameof(Act) };

    /// <summary>See a named complainant's identity. Supervisors only, and every view is logged.</summary>
    public static readonly OperationAuthorizationRequirement ViewContact = new() { Name = nameof(ViewContact) };
}

/// <summary>The same rule as <see cref="ComplaintAuthorizationHandler"/>, as a query filter for lists.</summary>
public static class ComplaintVisibility
{
    /// <summary>The complaints a handler of <paramref name="unitId"/> may see: those assigned to the unit.</summary>
    public static Expression<Func<Complaint, bool>> ToUnit(int unitId) => c => c.UnitId == unitId && c.AssignedAtUtc != null;
}

/// <summary>The part of a complaint that decides who may touch it.</summary>
/// <param name="AssignedToUnit">A supervisor has handed it to the unit: until then (and after a return is approved) the unit does not see it.</param>
public sealed record ComplaintResource(int? UnitId, bool AssignedToUnit);

/// <summary>
/// Supervisors may do anything with any complaint; a unit's handler may view and act on the complaints
/// assigned to their unit, and never see who complained (<see cref="WorkflowRoles.SeesComplainant"/>).
/// </summary>
public sealed class ComplaintAuthorizationHandler : AuthorizationHandler<OperationAuthorizationRequirement, ComplaintResource>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement, ComplaintResource resource)
    {
        var role = context.User.WorkflowRoleFor(resource.UnitId);
        var onCase = role == WorkflowRoles.Supervisor || (role == WorkflowRoles.UnitHandler && resource.AssignedToUnit);
        if (onCase && (requirement != ComplaintOperations.ViewContact || WorkflowRoles.SeesComplainant(role)))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

public static class StaffClaims
{
    public const string Unit = "pingyi:unit";
    public const string DisplayName = "pingyi:name";

    public static int? UnitId(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(Unit), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>
    /// The workflow role a staff user has on complaints at all (<see cref="WorkflowRoles.Supervisor"/>, or
    /// <see cref="WorkflowRoles.UnitHandler"/> for a handler with a unit), or null. The one place staff roles
    /// become workflow roles: the rules (<see cref="WorkflowRoles.SeesComplainant"/>) are asked of this.
    /// </summary>
    public static string? WorkflowRole(this ClaimsPrincipal user) =>
        user.IsSupervisor() ? WorkflowRoles.Supervisor
        : user.OwnUnit() is not null ? WorkflowRoles.UnitHandler
        : null;

    /// <summary>The workflow role a staff user takes on a complaint of <paramref name="unitId"/> (null: 待确定单位, supervisors only), or null.</summary>
    public static string? WorkflowRoleFor(this ClaimsPrincipal user, int? unitId) =>
        user.WorkflowRole() is var role && (role != WorkflowRoles.UnitHandler || user.UnitId() == unitId) ? role : null;

    /// <summary>Whether <paramref name="user"/> may learn who complained (<see cref="WorkflowRoles.SeesComplainant"/>).</summary>
    public static bool SeesComplainant(this ClaimsPrincipal user) => WorkflowRoles.SeesComplainant(user.WorkflowRole());

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static bool IsStaff(this ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true;
}

/// <summary>Puts the handler's unit and the display name into the cookie and the bearer token.</summary>
public sealed class StaffClaimsPrincipalFactory(UserManager<StaffUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.UnitId is { } unitId)
        {
            identity.AddClaim(new Claim(StaffClaims.Unit, unitId.ToString(CultureInfo.InvariantCulture)));
        }
        identity.AddClaim(new Claim(StaffClaims.DisplayName, user.DisplayName));
        if (user.EvaluationSource is { Length: > 0 } source)
        {
            identity.AddClaim(new Claim(Features.Evaluation.EvaluationClaims.Source, source));
        }
        return identity;
    }
}
