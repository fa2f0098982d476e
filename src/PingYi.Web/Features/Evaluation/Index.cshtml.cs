using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Features.Evaluation.Ledger;
using PingYi.Web.Features.Evaluation.Ratings;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation;

/// <summary>
/// 评议工作: what each role does in the open round — an evaluator's units to rate and the paper-form
/// spreadsheet, a unit's self-evaluation uploads, the supervisors' late and missing list.
/// </summary>
public sealed class IndexModel(EvaluationDesk.Handler desk, EvaluationRuntime runtime, RatingSpreadsheet.Handler spreadsheet,
    SelfEvaluation.Handler selfEvaluation) : PageModel
{
    public EvaluationRoundDefinition? Round { get; private set; }

    /// <summary>The round's state: after closing the page stays, read-only (the ledger, deductions and filing remain reachable).</summary>
    public RoundStatus Status { get; private set; }

    public bool Open => Status == RoundStatus.Open;

    public SourceDefinition? Source { get; private set; }

    public IReadOnlyList<EvaluationDesk.UnitLink> Units { get; private set; } = [];

    public IReadOnlyList<SelfEvaluation.UnitStatus> Filing { get; private set; } = [];

    public IReadOnlyList<SelfEvaluation.MilestoneStatus> OwnFiling { get; private set; } = [];

    /// <summary>What the last form did; kept across the redirect that follows a successful POST.</summary>
    [TempData(Key = "evaluation-notice")]
    public string? Message { get; set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Round is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Round is null)
        {
            return NotFound();
        }
        if (file is null || file.Length == 0 || file.Length > RatingSpreadsheet.MaxBytes)
        {
            Problems = [file is null || file.Length == 0 ? "请选择填好的评议表（.xlsx）。" : $"文件不能超过 {RatingSpreadsheet.MaxBytes / 1024 / 1024} MB。"];
            return Page();
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var result = await spreadsheet.ImportAsync(Round.Year, buffer.ToArray(), User, ct);
        if (result.Succeeded)
        {
            Message = result.Value!.AwaitingConfirmation > 0
                ? $"已导入 {result.Value.Imported} 份评议，其中 {result.Value.AwaitingConfirmation} 份超出本账号对同一单位的录入上限，须经纪检监察工委确认后才计入。"
                : $"已导入 {result.Value.Imported} 份评议。";
            return RedirectToPage();
        }
        Problems = [result.Failure!.Title, .. result.Failure.Errors.SelectMany(e => e.Value)];
        Response.StatusCode = result.Failure.StatusCode;
        return Page();
    }

    public async Task<IActionResult> OnPostDocumentAsync(string? milestone, IFormFile? file, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Round is null)
        {
            return NotFound();
        }
        var result = await selfEvaluation.UploadAsync(Round.Year, milestone ?? string.Empty, file is null ? null : UploadedFile.From(file), User, ct);
        if (result.Succeeded)
        {
            Message = $"已上传“{result.Value!.FileName}”{(result.Value.Late ? "（已超过报送期限）" : string.Empty)}。";
            return RedirectToPage();
        }
        Problems = result.Failure!.Errors.SelectMany(e => e.Value).ToList();
        Response.StatusCode = result.Failure.StatusCode;
        return Page();
    }

    /// <summary>Why an evaluator has no units to rate: no source on the account, or one not rated by form.</summary>
    public static string NoSourceMessage(EvaluationRoundDefinition round, System.Security.Claims.ClaimsPrincipal user) =>
        round.FindSource(user.EvaluationSource() ?? string.Empty) is { } bound
            ? $"您的账号绑定的评议来源“{bound.Label}”不通过评议表录入，本页没有需要您填写的评议表。如绑定有误，请联系系统管理员修改账号的评议来源。"
            : "您的账号尚未绑定评议来源，因此没有需要填写评议表的单位。请联系系统管理员在账号设置中选择您所属的评议来源。";

    private async Task LoadAsync(CancellationToken ct)
    {
        var round = await desk.CurrentRoundAsync(ct);
        Round = round is null ? null : runtime.Find(round.Year);
        Status = round?.Status ?? RoundStatus.Open;
        if (Round is null)
        {
            return;
        }
        if (User.IsEvaluator() && Round.FindSource(User.EvaluationSource() ?? string.Empty) is { Input: SourceInput.Rating } source)
        {
            Source = source;
            Units = await desk.UnitsToRateAsync(round!, Round, source, User, ct);
        }
        if (User.IsSupervisor())
        {
            var status = await selfEvaluation.StatusAsync(Round.Year, User, ct);
            Filing = status.Succeeded ? status.Value! : [];
        }
        if (User.OwnUnit() is { } unitId)
        {
            OwnFiling = await desk.OwnFilingAsync(round!, Round, unitId, ct);
        }
    }
}
