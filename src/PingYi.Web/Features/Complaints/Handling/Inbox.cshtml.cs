using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>工作台: the signed-in user's inbox, as <see cref="GetInbox"/> makes it for this page and GET /api/v1/inbox.</summary>
public sealed class InboxModel(GetInbox.Handler inbox) : PageModel
{
    public GetInbox.View View { get; private set; } = new(string.Empty, [], null, []);

    public IReadOnlyList<GetInbox.Section> Sections => View.Sections;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var result = await inbox.HandleAsync(User, ct);
        if (!result.Succeeded)
        {
            // The account went away between sign-in and now: the cookie is stale.
            return Challenge();
        }
        View = result.Value!;
        return Page();
    }
}
