using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Handling;

/// <summary>
/// A named complainant's identity, for supervisors only. It is never part of the complaint's own view:
/// reading it is a deliberate act, and each read is written to the complaint's audit trail.
/// </summary>
public static class ViewComplainant
{
    public sealed record View(bool Anonymous, string? Name, string? Phone, string? Email);

    public sealed class Handler(PingYiDbContext db, ComplaintAccess access, TimeProvider time)
    {
        public async Task<Result<View>> HandleAsync(ClaimsPrincipal user, string? trackingNumber, CancellationToken ct)
        {
            var loaded = await access.LoadAsync(user, trackingNumber, ComplaintOperations.ViewContact, track: false, ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            var complaint = loaded.Value!;
            if (complaint.Anonymous)
            {
                return new View(true, null, null, null);
            }
            var contact = await db.ComplainantContacts.AsNoTracking().SingleAsync(c => c.ComplaintId == complaint.Id, ct);
            db.ComplaintEvents.Add(ComplaintEvent.ContactViewed(complaint.Id, user.UserId()!, user.WorkflowRoleFor(complaint.UnitId)!, time.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync(ct);
            return new View(false, contact.Name, contact.Phone, contact.Email);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/complaints/{trackingNumber}/complainant", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = "no-store";
                var result = await handler.HandleAsync(http.User, trackingNumber, ct);
                return result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("ViewComplainant")
            .WithSummary("查看反映人身份信息（仅纪检监察工委，查看留痕）")
            .Produces<View>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
