using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
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
public sealed class RankingsAuthorizationHandler : ResourceRule<RankingsRequirement, RankingsTarget>
{
    protected override bool Allows(ClaimsPrincipal user, RankingsRequirement requirement, RankingsTarget resource) =>
        resource.Published || user.IsCommittee()
            || (resource.SharedWithUnits && user.OwnUnit() is not null);
}

/// <summary>Reading one unit's breakdown (its explanation page and xlsx).</summary>
public sealed class UnitBreakdownRequirement : IAuthorizationRequirement
{
    public static readonly UnitBreakdownRequirement View = new();
}

public sealed record BreakdownTarget(int UnitId);

/// <summary>A unit's handlers see their own unit's breakdown; Supervisors and Admins every unit's.</summary>
public sealed class UnitBreakdownAuthorizationHandler : ResourceRule<UnitBreakdownRequirement, BreakdownTarget>
{
    protected override bool Allows(ClaimsPrincipal user, UnitBreakdownRequirement requirement, BreakdownTarget resource) =>
        user.IsCommittee() || user.HandlesUnit(resource.UnitId);
}

/// <summary>Setting or clearing the 问责 flag of a unit.</summary>
public sealed class AccountabilityRequirement : IAuthorizationRequirement
{
    public static readonly AccountabilityRequirement Set = new();
}

public sealed record AccountabilityTarget(int Year, int UnitId);

public sealed class AccountabilityAuthorizationHandler : ResourceRule<AccountabilityRequirement, AccountabilityTarget>
{
    protected override bool Allows(ClaimsPrincipal user, AccountabilityRequirement requirement, AccountabilityTarget resource) =>
        user.IsSupervisor();
}

/// <summary>Importing a previous round's final ranks.</summary>
public sealed class PriorRanksRequirement : IAuthorizationRequirement
{
    public static readonly PriorRanksRequirement Import = new();
}

public sealed record PriorRanksTarget(int Year);

public sealed class PriorRanksAuthorizationHandler : ResourceRule<PriorRanksRequirement, PriorRanksTarget>
{
    protected override bool Allows(ClaimsPrincipal user, PriorRanksRequirement requirement, PriorRanksTarget resource) =>
        user.IsCommittee();
}

/// <summary>Switching a round's results between internal and public.</summary>
public sealed class PublicationRequirement : IAuthorizationRequirement
{
    public static readonly PublicationRequirement Change = new();
}

public sealed record PublicationTarget(int Year);

public sealed class PublicationAuthorizationHandler : ResourceRule<PublicationRequirement, PublicationTarget>
{
    protected override bool Allows(ClaimsPrincipal user, PublicationRequirement requirement, PublicationTarget resource) =>
        user.IsSupervisor();
}
