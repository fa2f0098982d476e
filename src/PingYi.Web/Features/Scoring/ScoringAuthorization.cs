using Microsoft.AspNetCore.Authorization;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

// One requirement type per resource (bitwarden style): rankings, one unit's breakdown, the accountability flag,
// imported prior ranks and the publication switch each have their own rule.

/// <summary>Reading a round's ranking tables (pages, API, exports, charts).</summary>
public sealed class RankingsRequirement : IAuthorizationRequirement
{
    public static readonly RankingsRequirement View = new();
}

/// <param name="Published">Whether the round's results are public.</param>
/// <param name="SharedWithUnits">Fed back to the units: a unit's handlers read (their category of) the rankings.</param>
public sealed record RankingsTarget(int Year, bool Published, bool SharedWithUnits = false);

/// <summary>Before publication only Supervisors and Admins read rankings; once published, everyone.</summary>
public sealed class RankingsAuthorizationHandler : AuthorizationHandler<RankingsRequirement, RankingsTarget>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RankingsRequirement requirement, RankingsTarget resource)
    {
        if (resource.Published || ScoringRoles.SeesAll(context.User)
            || (resource.SharedWithUnits && context.User.IsInRole(StaffRoles.UnitHandler) && context.User.UnitId() is not null))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Reading one unit's breakdown (its explanation page and xlsx).</summary>
public sealed class UnitBreakdownRequirement : IAuthorizationRequirement
{
    public static readonly UnitBreakdownRequirement View = new();
}

public sealed record BreakdownTarget(int UnitId);

/// <summary>A unit's handlers see their own unit's breakdown; Supervisors and Admins every unit's.</summary>
public sealed class UnitBreakdownAuthorizationHandler : AuthorizationHandler<UnitBreakdownRequirement, BreakdownTarget>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UnitBreakdownRequirement requirement, BreakdownTarget resource)
    {
        var user = context.User;
        if (ScoringRoles.SeesAll(user) || (user.IsInRole(StaffRoles.UnitHandler) && user.UnitId() == resource.UnitId))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Setting or clearing the 问责 flag of a unit.</summary>
public sealed class AccountabilityRequirement : IAuthorizationRequirement
{
    public static readonly AccountabilityRequirement Set = new();
}

public sealed record AccountabilityTarget(int Year, int UnitId);

public sealed class AccountabilityAuthorizationHandler : AuthorizationHandler<AccountabilityRequirement, AccountabilityTarget>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AccountabilityRequirement requirement, AccountabilityTarget resource)
    {
        if (context.User.IsInRole(StaffRoles.Supervisor))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Importing a previous round's final ranks.</summary>
public sealed class PriorRanksRequirement : IAuthorizationRequirement
{
    public static readonly PriorRanksRequirement Import = new();
}

public sealed record PriorRanksTarget(int Year);

public sealed class PriorRanksAuthorizationHandler : AuthorizationHandler<PriorRanksRequirement, PriorRanksTarget>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PriorRanksRequirement requirement, PriorRanksTarget resource)
    {
        if (ScoringRoles.SeesAll(context.User))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Switching a round's results between internal and public.</summary>
public sealed class PublicationRequirement : IAuthorizationRequirement
{
    public static readonly PublicationRequirement Change = new();
}

public sealed record PublicationTarget(int Year);

public sealed class PublicationAuthorizationHandler : AuthorizationHandler<PublicationRequirement, PublicationTarget>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PublicationRequirement requirement, PublicationTarget resource)
    {
        if (context.User.IsInRole(StaffRoles.Supervisor))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

public static class ScoringRoles
{
    /// <summary>Supervisors (纪检监察工委) and Admins see every unit's results at any time.</summary>
    public static bool SeesAll(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(StaffRoles.Supervisor) || user.IsInRole(StaffRoles.Admin);
}
