using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Complaints;

namespace PingYi.Web.Features.Staff;

/// <summary>工作台: who is signed in and the cases waiting for them.</summary>
public sealed class IndexModel(PingYiDbContext db, UserManager<StaffUser> users) : PageModel
{
    public string DisplayName { get; private set; } = string.Empty;

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public string? UnitName { get; private set; }

    public IReadOnlyList<Row> Waiting { get; private set; } = [];

    public string? WaitingTitle { get; private set; }

    public sealed record Row(string TrackingNumber, string Title, string UnitName, ComplaintStatus Status, DateTime SubmittedAtUtc);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User) ?? throw new InvalidOperationException("Signed-in user not found.");
        DisplayName = user.DisplayName;
        Roles = User.FindAll(ClaimTypes.Role).Select(r => StaffRoles.LabelOf(r.Value)).ToList();

        var query = db.Complaints.AsNoTracking().Join(db.Units, c => c.UnitId, u => u.Id, (c, u) => new { c, u });
        if (User.IsInRole(StaffRoles.Supervisor))
        {
            WaitingTitle = "待受理";
            query = query.Where(x => x.c.Status == ComplaintStatus.Submitted);
        }
        else if (User.IsInRole(StaffRoles.UnitHandler) && user.UnitId is { } unitId)
        {
            UnitName = await db.Units.Where(u => u.Id == unitId).Select(u => u.Name).SingleAsync(ct);
            WaitingTitle = "本单位待办";
            query = query.Where(x => x.c.UnitId == unitId && x.c.Status == ComplaintStatus.Assigned);
        }
        else
        {
            return;
        }
        Waiting = await query
            .OrderBy(x => x.c.SubmittedAtUtc)
            .Take(50)
            .Select(x => new Row(x.c.TrackingNumber, x.c.Title, x.u.Name, x.c.Status, x.c.SubmittedAtUtc))
            .ToListAsync(ct);
    }
}
