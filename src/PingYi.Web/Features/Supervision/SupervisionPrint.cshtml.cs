using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Complaints.Handling;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Supervision;

/// <summary>
/// 督办通知单: one 督办 notice laid out for A4 paper (print CSS), for the paper file. Whoever may view the case may
/// print its notices (supervisors; the unit's handlers). It never shows the complainant.
/// </summary>
public sealed class PrintModel(PingYiDbContext db, ComplaintAccess access) : PageModel
{
    public sealed record Sheet(
        string Number, string UnitName, string TrackingNumber, string Title, string Category, string Reason,
        DateTime IssuedAtUtc, string IssuedBy, DateTime DueAtUtc, int WorkingDays, DateTime? AnsweredAtUtc, string? Answer, DateTime? WithdrawnAtUtc = null);

    public Sheet? Notice { get; private set; }

    public async Task OnGetAsync(string number, CancellationToken ct)
    {
        var notice = SupervisionNotice.IsValidNumber(number)
            ? await db.SupervisionNotices.AsNoTracking().SingleOrDefaultAsync(n => n.Number == number, ct)
            : null;
        var tracking = notice is null ? null : await db.Complaints.Where(c => c.Id == notice.ComplaintId).Select(c => c.TrackingNumber).SingleAsync(ct);
        var loaded = await access.LoadAsync(User, tracking, ComplaintOperations.View, track: false, ct);
        if (notice is null || tracking is null || !loaded.Succeeded)
        {
            // The same answer whether it does not exist or the user may not see it.
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var c = loaded.Value!;
        var unit = await db.Units.AsNoTracking().Where(u => u.Id == notice.UnitId).Select(u => u.Name).SingleAsync(ct);
        var issuer = await db.Users.AsNoTracking().Where(u => u.Id == notice.IssuedBy).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
        Notice = new Sheet(notice.Number, unit, c.TrackingNumber, c.Title, ProblemCategories.Codes.LabelOf(c.Category), notice.Reason,
            notice.IssuedAtUtc, issuer ?? "纪检监察工委", notice.DueAtUtc, notice.WorkingDays, notice.AnsweredAtUtc, notice.Answer, notice.WithdrawnAtUtc);
    }
}
