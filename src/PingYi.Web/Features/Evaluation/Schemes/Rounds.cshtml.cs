using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Schemes;

/// <summary>
/// 评议年度: the life of each round on a page — create next year's scheme from the previous one, open, close, reopen
/// with a reason, approve, publish — through the same handlers as the API.
/// </summary>
public sealed class RoundsModel(StaffRounds.Handler staffRounds, ListRounds.Handler rounds, SchemeVersions schemes,
    SetPublication.Handler publication, TimeProvider time) : PageModel
{
    public IReadOnlyList<StaffRounds.RoundRow> Rows { get; private set; } = [];

    /// <summary>The year after the latest with a scheme: its draft is made from the previous year's scheme.</summary>
    public int NextYear { get; private set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    [TempData(Key = "rounds-notice")]
    public string? Notice { get; set; }

    public static string StatusLabel(string? code) => code switch
    {
        "open" => RoundStatuses.LabelOf(RoundStatus.Open),
        "closed" => RoundStatuses.LabelOf(RoundStatus.Closed),
        "approved" => RoundStatuses.LabelOf(RoundStatus.Approved),
        _ => "未开启",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostMoveAsync(int year, string? move, string? reason, bool confirmCoverage, CancellationToken ct)
    {
        if (move is not ("open" or "close" or "reopen" or "approve"))
        {
            return BadRequest();
        }
        var result = await rounds.ChangeAsync(year, move, new ListRounds.MoveRequest(reason, confirmCoverage), User, ct);
        return await AfterAsync(result.Failure, $"{year} 年度评议：{StatusLabel(result.Value?.Status)}。", ct);
    }

    public async Task<IActionResult> OnPostCopyAsync(int year, CancellationToken ct)
    {
        var result = await schemes.CopyAsync(year, new SchemeVersions.CopyRequest(null, null), User, ct);
        if (result.Succeeded)
        {
            Notice = $"已按上一年度方案创建 {year} 年度方案草案（第 {result.Value!.Version} 版），请另一位工作人员核对并审定。";
            return Redirect($"/staff/evaluation/scheme?year={year}");
        }
        return await AfterAsync(result.Failure, string.Empty, ct);
    }

    /// <summary>The publication scope: <paramref name="scope"/> (internal, units, public), or as before public/internal by <paramref name="published"/>.</summary>
    public async Task<IActionResult> OnPostPublishAsync(int year, bool published, string? scope, CancellationToken ct)
    {
        var result = await publication.HandleAsync(year, new SetPublication.Request(published, string.IsNullOrWhiteSpace(scope) ? null : scope), User, ct);
        return await AfterAsync(result.Failure, $"{year} 年度评议结果{Domain.Scoring.PublicationScopes.LabelOf(result.Value?.Scope ?? Domain.Scoring.PublicationScopes.Internal)}。", ct);
    }

    private async Task<IActionResult> AfterAsync(RequestFailure? failure, string notice, CancellationToken ct)
    {
        if (failure is null)
        {
            Notice = notice;
            return Redirect("/staff/evaluation/rounds");
        }
        Problems = failure.Errors.SelectMany(e => e.Value).ToList();
        var denied = await LoadAsync(ct);
        Response.StatusCode = failure.StatusCode;
        return denied ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!User.IsSupervisor())
        {
            return Forbid();
        }
        Rows = await staffRounds.RoundRowsAsync(ct);
        NextYear = Rows.Count == 0 ? time.GetUtcNow().Year : Rows[0].Year + 1;
        return null;
    }
}
