using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

/// <summary>
/// Puts a problem on a unit's ledger through the API's handler. Links from a deduction or inspection prefill
/// the source (<c>?unit=…&amp;source=deduction&amp;ref=12</c>); a unit's handler can only choose their own unit.
/// </summary>
public sealed class LedgerNewModel(StaffRounds.Handler rounds, LedgerRecords.Handler records, RectificationLedger.Handler ledger) : PageModel
{
    public int Year { get; private set; }

    public IReadOnlyList<(string Code, string Name)> Units { get; private set; } = [];

    /// <summary>The chosen unit's records a ledger item can point at, grouped by source; values are "source:ref".</summary>
    public IReadOnlyList<(string Source, string Label, IReadOnlyList<(string Value, string Label)> Options)> Records { get; private set; } = [];

    /// <summary>The picked record as "source:ref" (the form's 关联记录 select); splits into Source and Ref.</summary>
    [BindProperty(SupportsGet = true)] public string? Record { get; set; }

    /// <summary>Most recent complaints offered in the picker; older ones are rarely put on a ledger.</summary>
    public const int ComplaintChoices = LedgerRecords.ComplaintChoices;

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
        if (!string.IsNullOrWhiteSpace(Record))
        {
            var parts = Record.Split(':', 2);
            if (parts.Length != 2 || (!string.IsNullOrWhiteSpace(Source) && Source != parts[0]))
            {
                Errors = new Dictionary<string, string[]> { ["sourceRef"] = ["所选关联记录与问题来源不一致，请重新选择。"] };
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            }
            (Source, Ref) = (parts[0], parts[1]);
        }
        var result = await ledger.CreateAsync(Year, new RectificationLedger.CreateRequest(Unit, Source, Ref, Problem, Measures, Owner, DueOn), User, ct);
        if (!result.Succeeded)
        {
            Errors = result.Failure!.Errors;
            Response.StatusCode = ResultHttp.StatusOf(result.Failure.Kind);
            return Page();
        }
        TempData["ledger-notice"] = "整改事项已登记。";
        return Redirect($"/staff/evaluation/ledger/{result.Value!.Id}?year={Year}");
    }

    private async Task<IActionResult?> LoadAsync(int? year, CancellationToken ct)
    {
        var supervisor = User.IsSupervisor();
        if (!supervisor && !User.IsUnitHandler())
        {
            return Forbid();
        }
        if (await rounds.PickYearAsync(year, ct) is not { } y)
        {
            return NotFound();
        }
        Year = y;
        var own = User.UnitId();
        Units = await rounds.UnitsAsync(supervisor, own, false, ct);
        if (!supervisor)
        {
            Unit = Units.FirstOrDefault().Code;
        }
        if (Record is null && !string.IsNullOrWhiteSpace(Source) && !string.IsNullOrWhiteSpace(Ref))
        {
            Record = $"{Source}:{Ref}";
        }
        await LoadRecordsAsync(supervisor, ct);
        return null;
    }

    private async Task LoadRecordsAsync(bool supervisor, CancellationToken ct)
    {
        if (Units.Any(u => u.Code == Unit))
        {
            Records = await records.ListAsync(Year, Unit!, supervisor, ct);
        }
    }
}
