using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Inspections;

/// <summary>明察暗访 on a phone: an inspector records a visit, up to three findings and photos, through the API's handler.</summary>
public sealed class InspectModel(StaffRounds.Handler rounds, EvaluationRuntime runtime, RecordInspection.Handler record,
    TrackingList.TrackingListFollowUp.Handler trackingList) : PageModel
{
    public const int FindingRows = 3;

    public EvaluationRoundDefinition? Round { get; private set; }

    public IReadOnlyList<(string Code, string Name)> Units { get; private set; } = [];

    /// <summary>The worklist: last year's tracking-list units and the inspections the round file still asks for.</summary>
    public TrackingList.TrackingListFollowUp.View? TrackingList { get; private set; }

    [BindProperty] public string? UnitCode { get; set; }
    [BindProperty] public string? Date { get; set; }
    [BindProperty] public bool Covert { get; set; }
    [BindProperty] public string? Rating { get; set; }
    [BindProperty] public List<RecordInspection.FindingRequest> Findings { get; set; } = [];
    [BindProperty] public List<IFormFile> Photos { get; set; } = [];

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>Set after the redirect that follows a saved inspection: a reload cannot record it twice, and the
    /// form comes back empty with all its 发现的问题 blocks.</summary>
    [TempData(Key = "inspection-saved")]
    public string? Saved { get; set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var m) ? m[0] : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }
        var uploads = Photos.Select(UploadedFile.From).ToList();
        // Check the photos before saving anything, so a bad photo does not leave an inspection without them.
        var photos = await AttachmentUploads.InspectAsync(uploads, RecordInspection.MaxPhotos, ct);
        if (!photos.Succeeded)
        {
            Errors = photos.Failure!.Errors;
            Response.StatusCode = ResultHttp.StatusOf(photos.Failure.Kind);
            return Page();
        }
        var findings = Findings.Where(f => !string.IsNullOrWhiteSpace(f.Description) || !string.IsNullOrWhiteSpace(f.Severity)).ToList();
        var result = await record.HandleAsync(Round!.Year, new RecordInspection.Request(UnitCode, Date, Covert, findings, Rating), User, ct);
        if (!result.Succeeded)
        {
            Errors = result.Failure!.Errors;
            Response.StatusCode = ResultHttp.StatusOf(result.Failure.Kind);
            return Page();
        }
        var count = 0;
        if (photos.Value!.Count > 0)
        {
            var added = await record.AddPhotosAsync(Round.Year, result.Value!.Id, uploads, User, ct);
            count = added.Value;
        }
        Saved = $"检查记录已保存（{result.Value!.Findings} 个问题，{count} 张照片）。";
        return RedirectToPage();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!User.IsInspector())
        {
            return Forbid();
        }
        var open = await rounds.OpenRoundAsync(null, ct);
        Round = open is null ? null : runtime.Find(open.Year);
        if (Round is null)
        {
            return NotFound();
        }
        TrackingList = await trackingList.ViewAsync(new RoundContext(open!, Round), ct);
        Units = await rounds.UnitsAsync(ct);
        while (Findings.Count < FindingRows)
        {
            Findings.Add(new RecordInspection.FindingRequest(null, null));
        }
        return null;
    }
}
