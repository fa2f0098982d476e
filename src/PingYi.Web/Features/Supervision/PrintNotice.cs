using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Complaints.Handling;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Supervision;

/// <summary>
/// One 督办 notice as the 督办通知单 prints it. Whoever may view the case may print its notices (supervisors; the
/// unit's handlers); it never carries the complainant.
/// </summary>
public static class PrintNotice
{
    public sealed record Sheet(
        string Number, string UnitName, string TrackingNumber, string Title, string Category, string Reason,
        DateTime IssuedAtUtc, string IssuedBy, DateTime DueAtUtc, int WorkingDays, DateTime? AnsweredAtUtc, string? Answer, DateTime? WithdrawnAtUtc = null);

    public sealed class Handler(PingYiDbContext db, ComplaintAccess access)
    {
        /// <summary>Null whether the notice does not exist or the user may not see its case: the same answer.</summary>
        public async Task<Sheet?> LoadAsync(string number, ClaimsPrincipal user, CancellationToken ct)
        {
            var notice = SupervisionNotice.IsValidNumber(number)
                ? await db.SupervisionNotices.AsNoTracking().SingleOrDefaultAsync(n => n.Number == number, ct)
                : null;
            var tracking = notice is null ? null : await db.Complaints.Where(c => c.Id == notice.ComplaintId).Select(c => c.TrackingNumber).SingleAsync(ct);
            var loaded = await access.LoadAsync(user, tracking, ComplaintOperations.View, track: false, ct);
            if (notice is null || tracking is null || !loaded.Succeeded)
            {
                return null;
            }
            var c = loaded.Value!;
            var unit = await db.Units.AsNoTracking().Where(u => u.Id == notice.UnitId).Select(u => u.Name).SingleAsync(ct);
            var issuer = await db.Users.AsNoTracking().Where(u => u.Id == notice.IssuedBy).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
            return new Sheet(notice.Number, unit, c.TrackingNumber, c.Title, ProblemCategories.Codes.LabelOf(c.Category), notice.Reason,
                notice.IssuedAtUtc, issuer ?? "纪检监察工委", notice.DueAtUtc, notice.WorkingDays, notice.AnsweredAtUtc, notice.Answer, notice.WithdrawnAtUtc);
        }
    }
}
