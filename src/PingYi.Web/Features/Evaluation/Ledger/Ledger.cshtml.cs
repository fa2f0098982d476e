using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

/// <summary>整改台账: supervisors see every unit's items, overdue first; a unit's handlers their own. Reads through the API's handler.</summary>
public sealed class LedgerModel(StaffRounds.Handler rounds, RectificationLedger.Handler ledger) : PageModel
{
    public RectificationLedger.ListView? List { get; private set; }

    public IReadOnlyList<(string Code, string Name)> Units { get; private set; } = [];

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? Notice { get; private set; }

    public bool IsSupervisor => User.IsSupervisor();

    public async Task<IActionResult> OnGetAsync(int? year, string? unit, string? status, CancellationToken ct)
    {
        if (!IsSupervisor && !User.IsUnitHandler())
        {
            return Forbid();
        }
        if (await rounds.PickYearAsync(year, ct) is not { } y)
        {
            return NotFound();
        }
        Notice = TempData["ledger-notice"] as string;
        var result = await ledger.ListAsync(y, unit, string.IsNullOrWhiteSpace(status) ? null : status, User, ct);
        if (!result.Succeeded)
        {
            if (result.Failure!.Kind == FailureKind.Forbidden)
            {
                return Forbid();
            }
            Errors = result.Failure.Errors;
            Response.StatusCode = ResultHttp.StatusOf(result.Failure.Kind);
            return Page();
        }
        List = result.Value;
        if (IsSupervisor)
        {
            Units = await rounds.UnitsAsync(ct);
        }
        return Page();
    }
}
