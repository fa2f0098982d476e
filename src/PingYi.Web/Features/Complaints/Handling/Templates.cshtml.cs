using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// 常用语 (/staff/reply-templates): the committee's templates kept by supervisors and administrators, each unit's by its
/// handlers; everyone sees the ones they may use. Every change goes through <see cref="ReplyTemplates.Handler"/>, as the API's.
/// </summary>
public sealed class TemplatesModel(ReplyTemplates.Handler templates) : PageModel
{
    public IReadOnlyList<ReplyTemplates.Item> Items { get; private set; } = [];

    /// <summary>The template whose form failed (0: the new one), what was typed and the messages by field.</summary>
    public int? FailedId { get; private set; }

    public string? TypedTitle { get; private set; }

    public string? TypedText { get; private set; }

    public string? TypedScope { get; private set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? Done { get; private set; }

    public bool KeepsCommittee => ReplyTemplates.Handler.KeepsCommittee(User);

    public bool KeepsUnit => ReplyTemplates.Handler.KeepsUnit(User) is not null;

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken ct)
    {
        Done = done switch { "created" => "已新增常用语。", "updated" => "已保存修改。", "deleted" => "已删除常用语。", _ => null };
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string? title, string? text, string? scope, CancellationToken ct) =>
        await AfterAsync(0, title, text, scope, await templates.CreateAsync(User, new ReplyTemplates.Request(title, text, scope), ct), "created", ct);

    public async Task<IActionResult> OnPostUpdateAsync(int id, string? title, string? text, CancellationToken ct) =>
        await AfterAsync(id, title, text, null, await templates.UpdateAsync(User, id, new ReplyTemplates.Request(title, text), ct), "updated", ct);

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken ct)
    {
        var result = await templates.DeleteAsync(User, id, ct);
        return result.Succeeded
            ? RedirectToPage("/Complaints/Handling/Templates", new { done = "deleted" })
            : await FailAsync(id, null, null, null, result.Failure!, ct);
    }

    private async Task<IActionResult> AfterAsync<T>(int id, string? title, string? text, string? scope, Result<T> result, string done, CancellationToken ct) =>
        result.Succeeded
            // Post/Redirect/Get: a reload does not add the template twice.
            ? RedirectToPage("/Complaints/Handling/Templates", new { done })
            : await FailAsync(id, title, text, scope, result.Failure!, ct);

    private async Task<IActionResult> FailAsync(int id, string? title, string? text, string? scope, RequestFailure failure, CancellationToken ct)
    {
        Response.StatusCode = failure.StatusCode;
        FailedId = id;
        TypedTitle = title;
        TypedText = text;
        TypedScope = scope;
        Errors = failure.Errors;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        Items = await templates.ItemsAsync(User, null, ct);
    }

    public string? ErrorFor(int id, string field) =>
        FailedId == id && Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public IEnumerable<string> OtherErrors(int id) =>
        FailedId == id ? Errors.Where(e => e.Key is not ("title" or "text")).SelectMany(e => e.Value) : [];
}
