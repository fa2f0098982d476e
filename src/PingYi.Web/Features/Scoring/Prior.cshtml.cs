using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>导入往年评议结果: a previous round's final ranks and tracking-list flags, for the two-year rule.</summary>
public sealed class PriorModel(ImportPriorRanks.Handler import, TimeProvider time) : PageModel
{
    public IReadOnlyList<ImportPriorRanks.Imported> Years { get; private set; } = [];

    public int DefaultYear { get; private set; }

    /// <summary>Kept across the redirect that follows a successful import.</summary>
    [TempData(Key = "prior-notice")]
    public string? Message { get; set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!User.IsCommittee())
        {
            return Forbid();
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? year, IFormFile? file, CancellationToken ct)
    {
        var result = await import.HandleAsync(year ?? 0, await ImportPriorRanks.ReadAsync(file, ct), User, ct);
        if (result.Succeeded)
        {
            Message = $"已导入 {result.Value!.Year} 年度 {result.Value.Imported} 个单位的评议结果，其中重点跟踪对象 {result.Value.TrackingList} 个。";
            return RedirectToPage();
        }
        if (result.Failure!.StatusCode == StatusCodes.Status403Forbidden)
        {
            return Forbid();
        }
        Problems = [result.Failure.Title, .. result.Failure.Errors.SelectMany(e => e.Value)];
        Response.StatusCode = result.Failure.StatusCode;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        DefaultYear = PingYi.Domain.Common.ChinaTime.Today(time).Year - 1;
        Years = await import.ListAsync(ct);
    }
}
