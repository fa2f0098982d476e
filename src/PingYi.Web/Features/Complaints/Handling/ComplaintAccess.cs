using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>Finds a complaint for a staff user and checks the operation against it.</summary>
public sealed class ComplaintAccess(PingYiDbContext db, IAuthorizationService authorization)
{
    /// <summary>
    /// The complaint, or a failure: 404 when it does not exist or the user may not even view it (another
    /// unit's handler learns nothing), 403 when they may view it but not do <paramref name="operation"/>.
    /// </summary>
    public async Task<Result<Complaint>> LoadAsync(ClaimsPrincipal user, string? trackingNumber, OperationAuthorizationRequirement operation, bool track, CancellationToken ct)
    {
        Complaint? complaint = null;
        if (TrackingNumber.TryNormalize(trackingNumber, out var number))
        {
            // The 督办 notices are part of the aggregate's state (whether one awaits an answer, their timers).
            var query = (track ? db.Complaints : db.Complaints.AsNoTracking()).Include(c => c.SupervisionNotices);
            complaint = await query.FirstOrDefaultAsync(c => c.TrackingNumber == number, ct);
        }
        if (complaint is null || !await AllowedAsync(user, complaint, ComplaintOperations.View))
        {
            return NotFound();
        }
        if (operation != ComplaintOperations.View && !await AllowedAsync(user, complaint, operation))
        {
            return RequestFailure.Forbidden("无权操作", "trackingNumber", "您无权执行该操作。");
        }
        return complaint;
    }

    /// <summary>
    /// <see cref="LoadAsync"/> for acting on a case (tracked): the case and the user's workflow role on it, a supervisor
    /// or a handler of the case's unit. 404 for a case the user may not see; 403 (under <paramref name="field"/>, with
    /// <paramref name="refusal"/>) for one they may see but not act on.
    /// </summary>
    public async Task<Result<(Complaint Complaint, string Role)>> LoadToActAsync(ClaimsPrincipal user, string? trackingNumber, string field, string refusal, CancellationToken ct)
    {
        var loaded = await LoadAsync(user, trackingNumber, ComplaintOperations.Act, track: true, ct);
        if (!loaded.Succeeded)
        {
            return loaded.Failure!;
        }
        return user.WorkflowRoleFor(loaded.Value!.UnitId) is { } role
            ? (loaded.Value!, role)
            : RequestFailure.Forbidden("无权操作", field, refusal);
    }

    public async Task<bool> AllowedAsync(ClaimsPrincipal user, Complaint complaint, OperationAuthorizationRequirement operation) =>
        (await authorization.AuthorizeAsync(user, new ComplaintResource(complaint.UnitId, complaint.AssignedAtUtc is not null), operation)).Succeeded;

    public static RequestFailure NotFound() =>
        RequestFailure.NotFound("未找到", "trackingNumber", "未找到该反映，或您无权查看。");
}
