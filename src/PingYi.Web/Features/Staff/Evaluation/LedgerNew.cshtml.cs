using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Infrastructure;
using PingYi.Web.Features.Units;

namespace PingYi.Web.Features.Staff.Evaluation;

/// <summary>
/// Puts a problem on a unit's ledger through the API's handler. Links from a deduction or inspection prefill
/// the source (<c>?unit=…&amp;source=deduction&amp;ref=12</c>); a unit's handler can only choose their own unit.
/// </summary>
public sealed class LedgerNewModel(PingYiDbContext db, Ledger.Handler ledger) : PageModel
{
    public int Year { get; private set; }

    public IReadOnlyList<(string Code, string Name)> Units { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public string? Unit { get; set; }
    [BindProperty(SupportsGet = true)] public string? Source { get; set; }
    [BindProperty(SupportsGet = true)] public string? Ref { get; set; }
    [BindProperty] public string? Problem { get; set; }
    [BindProperty] public string? Measures { get; set; }
    [BindProperty] public string? Owner { get; set; }
    [BindProperty] public string? DueOn { get; set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var m) ? m[0] : null;

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct) => await LoadAsync(year, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(int? year, CancellationToken ct)
    {
        if (await LoadAsync(year, ct) is { } refused)
        {
            return refused;
        }
        var result = await ledger.CreateAsync(Year, new Ledger.CreateRequest(Unit, Source, Ref, Problem, Measures, Owner, DueOn), User, ct);
        if (!result.Succeeded)
        {
            Errors = result.Failure!.Errors;
            Response.StatusCode = result.Failure.StatusCode;
            return Page();
        }
        TempData["ledger-notice"] = "整改事项已登记。";
        return Redirect($"/staff/evaluation/ledger/{result.Value!.Id}?year={Year}");
    }

    private async Task<IActionResult?> LoadAsync(int? year, CancellationToken ct)
    {
        var supervisor = User.IsInRole(StaffRoles.Supervisor);
        if (!supervisor && !User.IsInRole(StaffRoles.UnitHandler))
        {
            return Forbid();
        }
        if (await StaffRounds.PickAsync(db, year, ct) is not { } y)
        {
            return NotFound();
        }
        Year = y;
        var own = User.UnitId();
        Units = (await db.Units.AsNoTracking().Where(u => u.Active && (supervisor || u.Id == own)).InListOrder().Select(u => new { u.Code, u.Name }).ToListAsync(ct))
            .Select(u => (u.Code, u.Name)).ToList();
        if (!supervisor)
        {
            Unit = Units.FirstOrDefault().Code;
        }
        return null;
    }
}
