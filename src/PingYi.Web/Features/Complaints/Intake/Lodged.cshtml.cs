using System.Text.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>
/// 提交成功: where <c>POST /complaints/new</c> redirects. The number and the access code come from TempData
/// (read once, then deleted), so a reload of this page lodges nothing and no longer shows the code.
/// </summary>
public sealed class LodgedModel(WorkflowRuntime workflows) : PageModel
{
    /// <param name="Anonymous">An anonymous complainant left no contact: a lost code cannot be recovered.</param>
    /// <param name="Texted">What went to the complainant's mobile by SMS: null, the number only, or the number and code.</param>
    public sealed record Result(string TrackingNumber, string AccessCode, bool Anonymous = false, string? Texted = null);

    public Result? Lodged { get; private set; }

    /// <summary>The accept deadline new complaints get (the workflow's <c>acceptWorkingDays</c>), so the promise is the rule.</summary>
    public int AcceptWorkingDays => workflows.ForNewComplaint().Deadlines.AcceptWorkingDays;

    public void OnGet()
    {
        // The code must not stay in any cache: a back button or a shared phone would show it again.
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        if (TempData[NewModel.LodgedKey] is string json)
        {
            Lodged = JsonSerializer.Deserialize<Result>(json);
        }
    }
}
