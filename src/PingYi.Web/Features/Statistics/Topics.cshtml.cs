using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Statistics;

/// <summary>每月一题: one month's complaints by category and unit, and the most frequent problem.</summary>
[Authorize(Roles = StaffRoles.Supervisor + "," + StaffRoles.Admin)]
public sealed class TopicsModel(GetTopics.Handler topics) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Month { get; set; }

    public GetTopics.Month? Result { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var result = await topics.HandleAsync(Month, User, ct);
        if (result.Succeeded)
        {
            Result = result.Value;
        }
        else
        {
            Error = string.Join(" ", result.Failure!.Errors.SelectMany(e => e.Value));
        }
    }
}
