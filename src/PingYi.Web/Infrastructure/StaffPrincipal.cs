using System.Security.Claims;
using PingYi.Data.Identity;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// What a staff user is, by name: the one place a role is read off the principal (an architecture test refuses
/// <c>IsInRole</c> elsewhere). Authorization handlers and pages ask these; the rules built on them — who sees the
/// complainant (<see cref="StaffClaims.SeesComplainant"/>), who may act on a case — live in their handlers.
/// </summary>
public static class StaffPrincipal
{
    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(StaffRoles.Admin);

    /// <summary>纪检监察工委: routes, supervises and decides for the committee.</summary>
    public static bool IsSupervisor(this ClaimsPrincipal user) => user.IsInRole(StaffRoles.Supervisor);

    public static bool IsInspector(this ClaimsPrincipal user) => user.IsInRole(StaffRoles.Inspector);

    public static bool IsEvaluator(this ClaimsPrincipal user) => user.IsInRole(StaffRoles.Evaluator);

    /// <summary>A unit's handler (with or without a unit on the account; <see cref="OwnUnit"/> says which).</summary>
    public static bool IsUnitHandler(this ClaimsPrincipal user) => user.IsInRole(StaffRoles.UnitHandler);

    /// <summary>The committee's own staff (Supervisors and Admins), who see every unit's figures at any time.</summary>
    public static bool IsCommittee(this ClaimsPrincipal user) => user.IsSupervisor() || user.IsAdmin();

    /// <summary>The unit a unit handler works for; null for anyone else, or for a handler without a unit.</summary>
    public static int? OwnUnit(this ClaimsPrincipal user) => user.IsUnitHandler() ? user.UnitId() : null;

    /// <summary>Whether the user is a handler of <paramref name="unitId"/>.</summary>
    public static bool HandlesUnit(this ClaimsPrincipal user, int? unitId) => unitId is not null && user.OwnUnit() == unitId;
}
