using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>Field errors shown beside the inputs, as the API's problem details carry them.</summary>
public abstract class AdminPageModel : PageModel
{
    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>What the last form did; kept across the redirect that follows a successful POST.</summary>
    [TempData(Key = "admin-notice")]
    public string? Message { get; set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public string InputClass(string field) => Errors.ContainsKey(field) ? "input-error" : string.Empty;

    protected void Show(RequestFailure failure) => Errors = failure.Errors;
}
