using System.Security.Claims;
using PingYi.Data;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// Records that a staff user opened a complaint (its page, its API view), so the list can flag a supplement the
/// complainant added after that (新补充). Per user: a colleague's look does not clear the flag for another.
/// </summary>
public sealed class ComplaintSeenLog(PingYiDbContext db, TimeProvider time)
{
    public async Task MarkAsync(ClaimsPrincipal user, long complaintId, CancellationToken ct)
    {
        if (user.UserId() is not { } userId)
        {
            return;
        }
        await ComplaintSeen.MarkAsync(db, userId, complaintId, time.GetUtcNow().UtcDateTime, ct);
    }
}
