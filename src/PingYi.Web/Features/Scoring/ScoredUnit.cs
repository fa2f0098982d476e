using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// One unit's part of a round as the breakdown, the 反馈函 and the verification file read it: the unit by its code
/// (404 when there is none) that the user may see (<see cref="UnitBreakdownRequirement.View"/>, 403 otherwise), and
/// its fingerprint in the approved result.
/// </summary>
public static class ScoredUnit
{
    public static async Task<Result<Domain.Units.Unit>> FindViewableAsync(PingYiDbContext db, IAuthorizationService authorization,
        string? unitCode, ClaimsPrincipal user, string forbiddenTitle, string forbiddenDetail, CancellationToken ct)
    {
        var code = unitCode?.Trim().ToLowerInvariant();
        var unit = string.IsNullOrEmpty(code) ? null : await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == code, ct);
        if (unit is null)
        {
            return RequestFailure.Field(StatusCodes.Status404NotFound, "单位不存在", "unitCode", $"没有代码为“{unitCode}”的参评单位。");
        }
        if (!(await authorization.AuthorizeAsync(user, new BreakdownTarget(unit.Id), UnitBreakdownRequirement.View)).Succeeded)
        {
            return RequestFailure.Field(StatusCodes.Status403Forbidden, forbiddenTitle, "unitCode", forbiddenDetail);
        }
        return unit;
    }

    /// <summary>The unit's part fingerprint in the year's approved result; null before approval or for a result sealed without one.</summary>
    public static Task<string?> FingerprintAsync(PingYiDbContext db, int year, string unitCode, CancellationToken ct) =>
        db.ResultSnapshotParts.AsNoTracking()
            .Where(p => p.UnitCode == unitCode && db.ResultSnapshots.Any(s => s.Id == p.SnapshotId && s.Year == year))
            .Select(p => (string?)p.Fingerprint).SingleOrDefaultAsync(ct);
}
