using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>工作台: the signed-in user's inbox, as <see cref="GetInbox"/> makes it for this page and GET /api/v1/inbox.</summary>
public sealed class InboxModel(GetInbox.Handler inbox) : PageModel
{
    public GetInbox.View View { get; private set; } = new(string.Empty, [], null, []);

    public IReadOnlyList<GetInbox.Section> Sections => View.Sections;

    /// <param name="desk">A unit handler's tab (我的 mine / 本单位未分配 unassigned / 全部 all); anything else shows 全部.</param>
    public async Task<IActionResult> OnGetAsync(string? desk, CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var known = GetInbox.DeskViews.Any(d => d.Id == desk);
        var result = await inbox.HandleAsync(User, ct, known ? desk : null);
        if (!result.Succeeded)
        {
            // The account went away between sign-in and now: the cookie is stale.
            return Challenge();
        }
        View = result.Value!;
        return Page();
    }
}
