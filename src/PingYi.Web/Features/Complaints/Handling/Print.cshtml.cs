using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// Paper for the files: 交办单 (the assignment sheet a unit files) and 办理情况报告 (the unit's report as
/// approved), laid out for A4 by the print stylesheet. Read through the same <see cref="GetStaffComplaint"/>
/// view as the complaint page, so a handler's sheet carries nothing of who complained.
/// </summary>
public sealed class PrintModel(GetStaffComplaint.Handler views, TimeProvider time) : PageModel
{
    public const string Assignment = "assignment";
    public const string Report = "report";

    public string Kind { get; private set; } = Assignment;

    public GetStaffComplaint.View? Complaint { get; private set; }

    public DateTime PrintedAtUtc => time.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(string trackingNumber, string kind, CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        if (kind is not (Assignment or Report))
        {
            return NotFound();
        }
        Kind = kind;
        var view = await views.HandleAsync(User, trackingNumber, ct);
        if (!view.Succeeded)
        {
            return NotFound();
        }
        Complaint = view.Value;
        // A report exists only once the unit has responded; an unassigned case has no sheet yet.
        if (Kind == Report && Complaint!.Response is null || Kind == Assignment && Complaint!.Timeline.All(t => t.Action != "assign"))
        {
            return NotFound();
        }
        return Page();
    }

    public string TitleText => Kind == Assignment ? "作风问题反映交办单" : "作风问题反映办理情况报告";

    /// <summary>The latest entry of <paramref name="action"/>, e.g. the assignment this sheet is about.</summary>
    public GetStaffComplaint.TimelineItem? Last(string action) => Complaint?.Timeline.LastOrDefault(t => t.Action == action);
}
