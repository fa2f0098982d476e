using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PingYi.Web.Features.Supervision;

/// <summary>
/// 督办通知单: one 督办 notice laid out for A4 paper (print CSS), for the paper file. Whoever may view the case may
/// print its notices (supervisors; the unit's handlers). It never shows the complainant.
/// </summary>
public sealed class PrintModel(PrintNotice.Handler notices) : PageModel
{
    public PrintNotice.Sheet? Notice { get; private set; }

    public async Task OnGetAsync(string number, CancellationToken ct)
    {
        Notice = await notices.LoadAsync(number, User, ct);
        if (Notice is null)
        {
            // The same answer whether it does not exist or the user may not see it.
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }
}
