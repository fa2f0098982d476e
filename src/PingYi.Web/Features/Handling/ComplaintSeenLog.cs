using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Handling;

/// <summary>
/// Records that a staff user opened a complaint (its page, its API view), so the list can flag a supplement the
/// complainant added after that (新补充). Per user: a colleague's look does not clear the flag for another.
/// </summary>
public sealed class ComplaintSeenLog(PingYiDbContext db, TimeProvider time, ILogger<ComplaintSeenLog> logger)
{
    public async Task MarkAsync(ClaimsPrincipal user, long complaintId, CancellationToken ct)
    {
        if (user.UserId() is not { } userId)
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        // Set-based, so that nothing else the context tracks is saved along with it.
        var moved = await db.ComplaintSeen
            .Where(s => s.UserId == userId && s.ComplaintId == complaintId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SeenAtUtc, x => x.SeenAtUtc < now ? now : x.SeenAtUtc), ct);
        if (moved > 0)
        {
            return;
        }
        var row = new ComplaintSeen(userId, complaintId, now);
        db.ComplaintSeen.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e)
        {
            // The same user's other tab inserted the row first: it says the same thing.
            logger.LogDebug(e, "Seen mark for complaint {ComplaintId} already written.", complaintId);
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }
}
