using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation;

// One requirement type per resource (bitwarden style), so that evaluation rules never collide with the
// complaint rules or with each other.

/// <summary>Entering a rating for a unit from a source.</summary>
public sealed class RatingRequirement : IAuthorizationRequirement
{
    public static readonly RatingRequirement Enter = new();
}

/// <param name="Email">The signed-in account's e-mail, which the round's liaison assignments name.</param>
public sealed record RatingTarget(EvaluationRoundDefinition Round, string Source, string UnitCode);

/// <summary>
/// An Evaluator rates only for the source bound to their account; a liaison account only the units its
/// group is assigned in the round file.
/// </summary>
public sealed class RatingAuthorizationHandler : ResourceRule<RatingRequirement, RatingTarget>
{
    protected override bool Allows(ClaimsPrincipal user, RatingRequirement requirement, RatingTarget resource) =>
        user.IsEvaluator()
            && user.EvaluationSource() == resource.Source
            && (resource.Source != EvaluationCodes.Liaison || resource.Round.LiaisonCovers(user.Email() ?? string.Empty, resource.UnitCode));
}

/// <summary>Recording an inspection (明察暗访) and its photos.</summary>
public sealed class InspectionRequirement : IAuthorizationRequirement
{
    public static readonly InspectionRequirement Record = new();
}

/// <param name="InspectorId">The inspection's author when adding photos to an existing one; null for a new inspection.</param>
public sealed record InspectionTarget(string? InspectorId);

public sealed class InspectionAuthorizationHandler : ResourceRule<InspectionRequirement, InspectionTarget>
{
    protected override bool Allows(ClaimsPrincipal user, InspectionRequirement requirement, InspectionTarget resource) =>
        user.IsInspector() && (resource.InspectorId is null || resource.InspectorId == user.UserId());
}

/// <summary>Recording a deduction and its evidence.</summary>
public sealed class DeductionRequirement : IAuthorizationRequirement
{
    public static readonly DeductionRequirement Record = new();
}

public sealed record RoundTarget(int Year);

public sealed class DeductionAuthorizationHandler : ResourceRule<DeductionRequirement, RoundTarget>
{
    protected override bool Allows(ClaimsPrincipal user, DeductionRequirement requirement, RoundTarget resource) =>
        user.IsSupervisor();
}

/// <summary>A unit's self-evaluation documents: its handlers upload and read them, supervisors read all.</summary>
public sealed class SelfEvaluationDocumentRequirement : IAuthorizationRequirement
{
    private SelfEvaluationDocumentRequirement(string name) => Name = name;

    public string Name { get; }

    public static readonly SelfEvaluationDocumentRequirement Upload = new(nameof(Upload));
    public static readonly SelfEvaluationDocumentRequirement View = new(nameof(View));
}

public sealed record UnitTarget(int UnitId);

public sealed class SelfEvaluationDocumentAuthorizationHandler : ResourceRule<SelfEvaluationDocumentRequirement, UnitTarget>
{
    protected override bool Allows(ClaimsPrincipal user, SelfEvaluationDocumentRequirement requirement, UnitTarget resource)
    {
        var ownUnit = user.HandlesUnit(resource.UnitId);
        return ownUnit || (requirement == SelfEvaluationDocumentRequirement.View && user.IsSupervisor());
    }
}

/// <summary>Reading what has been collected for a unit: supervisors for every unit, a unit's handlers for their own.</summary>
public sealed class EvaluationInputsRequirement : IAuthorizationRequirement
{
    public static readonly EvaluationInputsRequirement View = new();
}

public sealed class EvaluationInputsAuthorizationHandler : ResourceRule<EvaluationInputsRequirement, UnitTarget>
{
    protected override bool Allows(ClaimsPrincipal user, EvaluationInputsRequirement requirement, UnitTarget resource) =>
        user.IsSupervisor() || user.HandlesUnit(resource.UnitId);
}

/// <summary>
/// 整改台账 items of a unit: supervisors see every unit's, put items on any ledger and verify completions; a
/// unit's handlers see their own, put their own problems on it, and report progress and evidence.
/// </summary>
public sealed class RectificationRequirement : IAuthorizationRequirement
{
    private RectificationRequirement(string name) => Name = name;

    public string Name { get; }

    public static readonly RectificationRequirement View = new(nameof(View));
    public static readonly RectificationRequirement Create = new(nameof(Create));
    public static readonly RectificationRequirement Report = new(nameof(Report));
    public static readonly RectificationRequirement Review = new(nameof(Review));
}

public sealed class RectificationAuthorizationHandler : ResourceRule<RectificationRequirement, UnitTarget>
{
    protected override bool Allows(ClaimsPrincipal user, RectificationRequirement requirement, UnitTarget resource)
    {
        var supervisor = user.IsSupervisor();
        var ownUnit = user.HandlesUnit(resource.UnitId);
        return requirement == RectificationRequirement.Report ? ownUnit
            : requirement == RectificationRequirement.Review ? supervisor
            : supervisor || ownUnit;
    }
}

/// <summary>Opening, closing and approving a round.</summary>
public sealed class RoundRequirement : IAuthorizationRequirement
{
    public static readonly RoundRequirement Manage = new();
}

public sealed class RoundAuthorizationHandler : ResourceRule<RoundRequirement, RoundTarget>
{
    protected override bool Allows(ClaimsPrincipal user, RoundRequirement requirement, RoundTarget resource) =>
        user.IsSupervisor();
}

/// <summary>Uploading and approving a round's scheme (评议方案): Admins and Supervisors; the approver is never the uploader.</summary>
public sealed class SchemeRequirement : IAuthorizationRequirement
{
    public static readonly SchemeRequirement Manage = new();
}

public sealed class SchemeAuthorizationHandler : ResourceRule<SchemeRequirement, RoundTarget>
{
    protected override bool Allows(ClaimsPrincipal user, SchemeRequirement requirement, RoundTarget resource) =>
        user.IsCommittee();
}

public static class EvaluationClaims
{
    public const string Source = "pingyi:source";

    public static string? EvaluationSource(this System.Security.Claims.ClaimsPrincipal user) => user.FindFirst(Source)?.Value;

    public static string? Email(this System.Security.Claims.ClaimsPrincipal user) =>
        user.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value ?? user.FindFirst(System.Security.Claims.ClaimTypes.Name)?.Value;
}

/// <summary>
/// 申诉 (appeals) of a unit: its handlers file them and add evidence (<see cref="File"/>) and see them; supervisors
/// decide them (<see cref="Decide"/>); supervisors and admins see every unit's.
/// </summary>
public sealed class AppealRequirement : IAuthorizationRequirement
{
    private AppealRequirement(string name) => Name = name;

    public string Name { get; }

    public static readonly AppealRequirement View = new(nameof(View));
    public static readonly AppealRequirement File = new(nameof(File));
    public static readonly AppealRequirement Decide = new(nameof(Decide));
}

public sealed class AppealAuthorizationHandler : ResourceRule<AppealRequirement, UnitTarget>
{
    protected override bool Allows(ClaimsPrincipal user, AppealRequirement requirement, UnitTarget resource)
    {
        var ownUnit = user.HandlesUnit(resource.UnitId);
        return requirement == AppealRequirement.File ? ownUnit
            : requirement == AppealRequirement.Decide ? user.IsSupervisor()
            : ownUnit || user.IsCommittee();
    }
}
