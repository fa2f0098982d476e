using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

/// <summary>
/// Puts a problem on a unit's ledger through the API's handler. Links from a deduction or inspection prefill
/// the source (<c>?unit=…&amp;source=deduction&amp;ref=12</c>); a unit's handler can only choose their own unit.
/// </summary>
public sealed class LedgerNewModel(PingYiDbContext db, RectificationLedger.Handler ledger) : PageModel
{
    public int Year { get; private set; }

    public IReadOnlyList<(string Code, string Name)> Units { get; private set; } = [];

    /// <summary>The chosen unit's records a ledger item can point at, grouped by source; values are "source:ref".</summary>
    public IReadOnlyList<(string Source, string Label, IReadOnlyList<(string Value, string Label)> Options)> Records { get; private set; } = [];

    /// <summary>The picked record as "source:ref" (the form's 关联记录 select); splits into Source and Ref.</summary>
    [BindProperty(SupportsGet = true)] public string? Record { get; set; }

    /// <summary>Most recent complaints offered in the picker; older ones are rarely put on a ledger.</summary>
    public const int ComplaintChoices = 200;

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
        if (Record is null && !string.IsNullOrWhiteSpace(Source) && !string.IsNullOrWhiteSpace(Ref))
        {
            Record = $"{Source}:{Ref}";
        }
        await LoadRecordsAsync(supervisor, ct);
        return null;
    }

    private async Task LoadRecordsAsync(bool supervisor, CancellationToken ct)
    {
        var unitId = Units.Any(u => u.Code == Unit)
            ? await db.Units.AsNoTracking().Where(u => u.Code == Unit).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct)
            : null;
        if (unitId is null)
        {
            return;
        }
        var roundId = await db.EvaluationRounds.AsNoTracking().Where(r => r.Year == Year).Select(r => (int?)r.Id).FirstOrDefaultAsync(ct);
        var groups = new List<(string, string, IReadOnlyList<(string, string)>)>();
        // Inspections and deductions are the committee's records; a unit's handler picks among its complaints only.
        if (supervisor && roundId is { } rid)
        {
            var inspections = await db.Inspections.AsNoTracking().Where(i => i.RoundId == rid && i.UnitId == unitId)
                .OrderByDescending(i => i.VisitedOn).ThenByDescending(i => i.Id)
                .Select(i => new { i.Id, i.VisitedOn, i.Covert, Finding = i.Findings.OrderBy(f => f.Id).Select(f => f.Description).FirstOrDefault() })
                .ToListAsync(ct);
            groups.Add((PingYi.Domain.Evaluation.RectificationSources.Inspection, "明察暗访", inspections
                .Select(i => ($"{PingYi.Domain.Evaluation.RectificationSources.Inspection}:{i.Id}",
                    $"{i.VisitedOn:yyyy-MM-dd} {(i.Covert ? "暗访" : "明察")}{(i.Finding is { } f ? "：" + Shorten(f) : string.Empty)}（记录 {i.Id}）"))
                .ToList()));
            var deductions = await db.Deductions.AsNoTracking().Where(d => d.RoundId == rid && d.UnitId == unitId)
                .OrderByDescending(d => d.RecordedAtUtc).ThenByDescending(d => d.Id)
                .Select(d => new { d.Id, d.RecordedAtUtc, d.Points, d.Reason })
                .ToListAsync(ct);
            groups.Add((PingYi.Domain.Evaluation.RectificationSources.Deduction, "扣分事项", deductions
                .Select(d => ($"{PingYi.Domain.Evaluation.RectificationSources.Deduction}:{d.Id}",
                    $"{PingYi.Domain.Common.ChinaTime.DateOf(d.RecordedAtUtc):yyyy-MM-dd} 扣 {d.Points.ToString(System.Globalization.CultureInfo.InvariantCulture)} 分：{Shorten(d.Reason)}（记录 {d.Id}）"))
                .ToList()));
        }
        var cases = db.Complaints.AsNoTracking().Where(c => c.UnitId == unitId);
        if (!supervisor)
        {
            cases = cases.Where(ComplaintVisibility.ToUnit(unitId.Value));
        }
        var complaints = await cases
            .OrderByDescending(c => c.SubmittedAtUtc).Take(ComplaintChoices)
            .Select(c => new { c.TrackingNumber, c.Title })
            .ToListAsync(ct);
        groups.Add((PingYi.Domain.Evaluation.RectificationSources.Complaint, "直通车反映", complaints
            .Select(c => ($"{PingYi.Domain.Evaluation.RectificationSources.Complaint}:{c.TrackingNumber}", $"{c.TrackingNumber} {Shorten(c.Title)}"))
            .ToList()));
        Records = groups.Where(g => g.Item3.Count > 0).Select(g => (g.Item1, g.Item2, g.Item3)).ToList();
    }

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";
}
