using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace PingYi.Web.Features.Administration;

[Authorize(Policy = AdminPolicies.Audit)]
public sealed class AuditModel(ListAudit.Handler audit, ManageUnits.Handler units) : AdminPageModel
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

    /// <summary>Unit names by code: people read 省教育厅, not jyt.</summary>
    public IReadOnlyDictionary<string, string> UnitNames { get; private set; } = new Dictionary<string, string>();

    /// <summary>What a record is about, in words: the unit's name for a unit's record or a 问责 flag (<c>2020/jyt</c>), else the target as stored.</summary>
    public string TargetText(ListAudit.Item r)
    {
        var code = r.Kind.StartsWith("unit.", StringComparison.Ordinal) ? r.Target
            : r.Kind == AuditKinds.Accountability && r.Target.Split('/') is [_, var unit] ? unit
            : null;
        return code is not null && UnitNames.TryGetValue(code, out var name) ? r.Target.Replace(code, $"{name}（{code}）", StringComparison.Ordinal) : r.Target;
    }

    /// <summary>The unit an account record names (its snapshot's unitCode), by name.</summary>
    public string? AccountUnit(ListAudit.Item r) =>
        r.Kind.StartsWith("user.", StringComparison.Ordinal) && (r.After ?? r.Before) is System.Text.Json.Nodes.JsonObject snapshot
            && snapshot["unitCode"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var code)
            ? UnitNames.GetValueOrDefault(code, code) : null;

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
            UnitNames = (await units.ListAsync(ct)).ToDictionary(u => u.Code, u => u.Name);
        }
        else
        {
            Show(result.Failure!);
        }
    }
}
