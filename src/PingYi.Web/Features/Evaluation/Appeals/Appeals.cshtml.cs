using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Appeals;

/// <summary>
/// 公示 and 申诉 on a page: a unit's handlers file appeals against their own unit's inputs and follow them; supervisors
/// decide them. Everything goes through <see cref="AppealHandler"/>, the handler the API calls.
/// </summary>
public sealed class AppealsModel(AppealHandler appeals) : PageModel
{
    public int Year { get; private set; }

    public AppealViews.List? View { get; private set; }

    public AppealHandler.FilingForm? Filing { get; private set; }

    public bool CanDecide => User.IsSupervisor();

    /// <summary>The item chosen in the filing form: <c>kind:ref</c>.</summary>
    [BindProperty] public string? Item { get; set; }
    [BindProperty] public string? Ground { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public long AppealId { get; set; }
    [BindProperty] public string? DecisionReason { get; set; }

    /// <summary>Evidence for one of the unit's pending appeals (<see cref="AppealId"/>), as the API's <c>attachments</c>.</summary>
    [BindProperty] public List<IFormFile> Attachments { get; set; } = [];

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? Notice { get; private set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var m) ? m[0] : null;

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct)
    {
        Notice = TempData["appeal-notice"] as string;
        return await LoadAsync(year, ct) ?? Page();
    }

    public Task<IActionResult> OnPostFileAsync(int? year, CancellationToken ct)
    {
        var parts = (Item ?? "").Split(':', 2);
        return ActAsync(year, y => appeals.FileAsync(y, new AppealViews.FileRequest(Filing?.UnitCode,
            new AppealViews.ItemRequest(parts[0], parts.Length > 1 ? parts[1] : null, Ground), Reason), User, ct), "申诉已提交，等待纪检监察工委裁定。", ct);
    }

    public Task<IActionResult> OnPostUpholdAsync(int? year, CancellationToken ct) =>
        ActAsync(year, y => appeals.DecideAsync(y, AppealId, new AppealViews.DecisionRequest(true, DecisionReason), User, ct), "已裁定：申诉成立，得分已重新计算，已通知申诉单位。", ct);

    public Task<IActionResult> OnPostRejectAsync(int? year, CancellationToken ct) =>
        ActAsync(year, y => appeals.DecideAsync(y, AppealId, new AppealViews.DecisionRequest(false, DecisionReason), User, ct), "已裁定：申诉不成立，已通知申诉单位。", ct);

    public Task<IActionResult> OnPostEvidenceAsync(int? year, CancellationToken ct) =>
        ActAsync(year, y => appeals.AddEvidenceAsync(y, AppealId, Attachments.Select(UploadedFile.From).ToList(), User, ct), "证据材料已上传。", ct);

    private async Task<IActionResult> ActAsync<T>(int? year, Func<int, Task<Result<T>>> act, string done, CancellationToken ct)
    {
        if (await LoadAsync(year, ct) is { } refused)
        {
            return refused;
        }
        var result = await act(Year);
        if (result.Succeeded)
        {
            // Post/Redirect/Get: a reload does not file or decide twice.
            TempData["appeal-notice"] = done;
            return Redirect($"/staff/evaluation/appeals?year={Year}");
        }
        Errors = result.Failure!.Errors;
        Response.StatusCode = ResultHttp.StatusOf(result.Failure.Kind);
        return await LoadAsync(year, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(int? year, CancellationToken ct)
    {
        if (await appeals.YearAsync(year, ct) is not { } y)
        {
            return NotFound();
        }
        Year = y;
        var list = await appeals.ListAsync(y, null, User, ct);
        if (!list.Succeeded)
        {
            return list.Failure!.Kind == FailureKind.Forbidden ? Forbid() : NotFound();
        }
        View = list.Value;
        Filing = await appeals.CandidatesAsync(y, User, ct);
        return null;
    }
}
