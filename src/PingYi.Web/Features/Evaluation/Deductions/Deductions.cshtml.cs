using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Features.Evaluation.Ratings;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Deductions;

/// <summary>
/// 扣分 on a page: a supervisor records a deduction under a rule of the round file with a reason, what it punishes and evidence,
/// and sees a unit's deductions. Saves through the API's handler (rule caps, the unit's total cap, a closed
/// round's 409) and reads through the inputs handler.
/// </summary>
public sealed class DeductionsModel(StaffRounds.Handler rounds, EvaluationRuntime runtime, RecordDeduction.Handler record, GetInputs.Handler inputs) : PageModel
{
    public EvaluationRoundDefinition? Round { get; private set; }

    public EvaluationRound? RoundRow { get; private set; }

    public IReadOnlyList<(string Code, string Name)> Units { get; private set; } = [];

    public GetInputs.View? Inputs { get; private set; }

    [BindProperty(SupportsGet = true)] public string? Unit { get; set; }
    [BindProperty] public string? Rule { get; set; }
    [BindProperty] public string? Points { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? Cites { get; set; }
    [BindProperty] public string? CitesRef { get; set; }
    [BindProperty] public List<IFormFile> Evidence { get; set; } = [];

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? Notice { get; private set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var m) ? m[0] : null;

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct)
    {
        Notice = TempData["deduction-notice"] as string;
        return await LoadAsync(year, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(int? year, CancellationToken ct)
    {
        if (await LoadAsync(year, ct) is { } refused)
        {
            return refused;
        }
        var uploads = Evidence.Select(UploadedFile.From).ToList();
        // Check the evidence before saving, so a bad file does not leave a deduction without it.
        var files = await AttachmentUploads.InspectAsync(uploads, RecordDeduction.MaxEvidence, ct);
        if (!files.Succeeded)
        {
            return Fail(files.Failure!);
        }
        double? points = null;
        if (!string.IsNullOrWhiteSpace(Points))
        {
            if (!double.TryParse(Points.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var p))
            {
                Errors = new Dictionary<string, string[]> { ["points"] = ["扣分分值应为数字，如 1 或 0.5。"] };
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            }
            points = p;
        }
        var result = await record.HandleAsync(Round!.Year, new RecordDeduction.Request(Unit, points, Reason, string.IsNullOrWhiteSpace(Rule) ? null : Rule, Cites, CitesRef), User, ct);
        if (!result.Succeeded)
        {
            return Fail(result.Failure!);
        }
        var count = 0;
        if (files.Value!.Count > 0)
        {
            count = (await record.AddEvidenceAsync(Round.Year, result.Value!.Id, uploads, User, ct)).Value;
        }
        var saved = result.Value!;
        var unitName = Units.Where(u => u.Code == saved.UnitCode).Select(u => u.Name).FirstOrDefault() ?? saved.UnitCode;
        TempData["deduction-notice"] = $"扣分已记录：{unitName} 扣 {saved.Points} 分（证据 {count} 份）。";
        return Redirect($"/staff/evaluation/deductions?year={Round.Year}&unit={Uri.EscapeDataString(saved.UnitCode)}#deduction-{saved.Id}");
    }

    private IActionResult Fail(Infrastructure.RequestFailure failure)
    {
        Errors = failure.Errors;
        Response.StatusCode = ResultHttp.StatusOf(failure.Kind);
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(int? year, CancellationToken ct)
    {
        if (!User.IsSupervisor())
        {
            return Forbid();
        }
        var y = await rounds.PickYearAsync(year, ct);
        Round = y is null ? null : runtime.Find(y.Value);
        RoundRow = y is null ? null : await rounds.RoundAsync(y.Value, ct);
        if (Round is null || RoundRow is null)
        {
            return NotFound();
        }
        Units = await rounds.UnitsAsync(ct);
        if (!string.IsNullOrWhiteSpace(Unit))
        {
            var view = await inputs.HandleAsync(Round.Year, Unit, User, ct);
            Inputs = view.Succeeded ? view.Value : null;
        }
        return null;
    }
}
