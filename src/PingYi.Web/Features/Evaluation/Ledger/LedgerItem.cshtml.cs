using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

/// <summary>One ledger item: its history and evidence; the unit reports progress and uploads evidence, a supervisor verifies.</summary>
public sealed class LedgerItemModel(StaffRounds.Handler rounds, RectificationLedger.Handler ledger) : PageModel
{
    public int Year { get; private set; }

    public RectificationLedger.Detail? Item { get; private set; }

    [BindProperty] public string? Note { get; set; }
    [BindProperty] public bool Completed { get; set; }
    [BindProperty] public string? ReviewNote { get; set; }
    [BindProperty] public List<IFormFile> Files { get; set; } = [];

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? Notice { get; private set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var m) ? m[0] : null;

    public async Task<IActionResult> OnGetAsync(long id, int? year, CancellationToken ct)
    {
        Notice = TempData["ledger-notice"] as string;
        return await LoadAsync(id, year, ct) ?? Page();
    }

    public Task<IActionResult> OnPostProgressAsync(long id, int? year, CancellationToken ct) =>
        ActAsync(id, year, () => ledger.ReportAsync(Year, id, new RectificationLedger.ProgressRequest(Note, Completed), User, ct),
            Completed ? "已报告整改完成，等待纪检监察工委核验。" : "整改进展已报告。", ct);

    public Task<IActionResult> OnPostEvidenceAsync(long id, int? year, CancellationToken ct) =>
        ActAsync(id, year, () => ledger.AddEvidenceAsync(Year, id, Files.Select(UploadedFile.From).ToList(), User, ct), "佐证材料已上传。", ct);

    public Task<IActionResult> OnPostVerifyAsync(long id, int? year, CancellationToken ct) =>
        ActAsync(id, year, () => ledger.ReviewAsync(Year, id, new RectificationLedger.ReviewRequest("verify", ReviewNote), User, ct), "已核验销号。", ct);

    public Task<IActionResult> OnPostSendBackAsync(long id, int? year, CancellationToken ct) =>
        ActAsync(id, year, () => ledger.ReviewAsync(Year, id, new RectificationLedger.ReviewRequest("send-back", ReviewNote), User, ct), "已退回单位继续整改。", ct);

    private async Task<IActionResult> ActAsync<T>(long id, int? year, Func<Task<Result<T>>> act, string done, CancellationToken ct)
    {
        if (await rounds.PickYearAsync(year, ct) is not { } y)
        {
            return NotFound();
        }
        Year = y;
        var result = await act();
        if (result.Succeeded)
        {
            // Post/Redirect/Get: a reload does not report twice.
            TempData["ledger-notice"] = done;
            return Redirect($"/staff/evaluation/ledger/{id}?year={Year}");
        }
        if (result.Failure!.Kind == FailureKind.NotFound)
        {
            return NotFound();
        }
        Errors = result.Failure.Errors;
        var status = ResultHttp.StatusOf(result.Failure.Kind);
        if (await LoadAsync(id, year, ct) is { } refused)
        {
            return refused;
        }
        Response.StatusCode = status;
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(long id, int? year, CancellationToken ct)
    {
        if (await rounds.PickYearAsync(year, ct) is not { } y)
        {
            return NotFound();
        }
        Year = y;
        var found = await ledger.GetAsync(Year, id, User, ct);
        if (!found.Succeeded)
        {
            return NotFound();
        }
        Item = found.Value;
        return null;
    }
}
