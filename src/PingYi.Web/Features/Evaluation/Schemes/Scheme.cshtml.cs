using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Schemes;

/// <summary>
/// 评议方案 on a page: every figure of the scheme (sources and weights, scales, the channel block, deductions, the
/// liaison lists) with the version that set it and where that version came from; the versions; upload of a draft and
/// its approval by another account. Saves through the API's handler.
/// </summary>
public sealed class SchemeModel(SchemeVersions schemes, TimeProvider time) : PageModel
{
    public const long MaxUploadBytes = Domain.Evaluation.EvaluationScheme.MaxJsonLength;

    [BindProperty(SupportsGet = true)] public int Year { get; set; }

    [BindProperty] public string? Reason { get; set; }

    public SchemeVersions.SchemeView? Scheme { get; private set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    [TempData(Key = "scheme-notice")]
    public string? Notice { get; set; }

    public SchemeVersions.VersionView? Draft => Scheme?.Versions.LastOrDefault(v => v.Status == "draft");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0 || file.Length > MaxUploadBytes)
        {
            return await FailAsync(file is null || file.Length == 0 ? "请选择评议方案文件（.json）。" : $"方案文件不能超过 {MaxUploadBytes / 1000} KB。", ct);
        }
        using var reader = new StreamReader(file.OpenReadStream());
        var text = await reader.ReadToEndAsync(ct);
        JsonElement element;
        try
        {
            using var document = JsonDocument.Parse(text);
            element = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return await FailAsync("方案文件不是有效的 JSON，请检查后重新上传。", ct);
        }
        var result = await schemes.UploadAsync(Year, new SchemeVersions.UploadRequest(element, Reason), User, ct);
        return await AfterAsync(result, v => $"已上传第 {v.Version} 版方案草案，须由另一位工作人员审定后生效。", ct);
    }

    public async Task<IActionResult> OnPostCopyAsync(CancellationToken ct)
    {
        var result = await schemes.CopyAsync(Year, new SchemeVersions.CopyRequest(null, Reason), User, ct);
        return await AfterAsync(result, v => $"已按上一年度方案创建第 {v.Version} 版草案，须由另一位工作人员审定后生效。", ct);
    }

    public async Task<IActionResult> OnPostApproveAsync(int version, CancellationToken ct)
    {
        var result = await schemes.ApproveAsync(Year, version, User, ct);
        return await AfterAsync(result, v => $"第 {v.Version} 版方案已审定，自即日起作为 {Year} 年度评议方案。", ct);
    }

    public static string Origin(SchemeVersions.VersionView v) => SchemeVersions.OriginText(v);

    private async Task<IActionResult> AfterAsync(Result<SchemeVersions.VersionView> result, Func<SchemeVersions.VersionView, string> notice, CancellationToken ct)
    {
        if (result.Succeeded)
        {
            Notice = notice(result.Value!);
            return Redirect($"/staff/evaluation/scheme?year={Year}");
        }
        Response.StatusCode = result.Failure!.StatusCode;
        return await FailAsync(result.Failure.Errors.SelectMany(e => e.Value).ToList(), ct);
    }

    private Task<IActionResult> FailAsync(string problem, CancellationToken ct)
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return FailAsync([problem], ct);
    }

    private async Task<IActionResult> FailAsync(IReadOnlyList<string> problems, CancellationToken ct)
    {
        Problems = problems;
        var status = Response.StatusCode;
        var failed = await LoadAsync(ct);
        if (failed is ForbidResult)
        {
            return failed;
        }
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>Null when the page can show; a year with no scheme at all still shows (to copy or upload one).</summary>
    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!User.IsSupervisor() && !User.IsAdmin())
        {
            return Forbid();
        }
        if (Year == 0)
        {
            Year = time.GetUtcNow().Year;
        }
        var view = await schemes.ViewAsync(Year, User, ct);
        Scheme = view.Succeeded ? view.Value : null;
        return null;
    }
}
