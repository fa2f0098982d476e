using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PingYi.Web.Features.Admin;

namespace PingYi.Web.Features.Staff.Admin;

[Authorize(Policy = AdminPolicies.Audit)]
public sealed class AuditModel(ListAudit.Handler audit) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public ListAudit.Page? Result { get; private set; }

    public string Query(string? cursor = null) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(string.Empty, new Dictionary<string, string?>
        {
            ["from"] = From, ["to"] = To, ["actor"] = Actor, ["kind"] = Kind, ["cursor"] = cursor,
        }.Where(kv => !string.IsNullOrEmpty(kv.Value)));

    public async Task OnGetAsync(CancellationToken ct)
    {
        var result = await audit.HandleAsync(new ListAudit.Query(From, To, Actor, Kind, null, Cursor), ct);
        if (result.Succeeded)
        {
            Result = result.Value;
        }
        else
        {
            Show(result.Failure!);
        }
    }
}
