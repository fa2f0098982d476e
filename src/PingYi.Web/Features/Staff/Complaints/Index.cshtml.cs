using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Units;
using PingYi.Web.Features.Handling;
using PingYi.Web.Features.Units;

namespace PingYi.Web.Features.Staff.Complaints;

/// <summary>
/// 反映列表: every complaint the user may see (a handler: their unit's), filtered by a plain GET form so
/// that a filtered list is a link, and paged with the keyset cursor of <see cref="ListComplaints"/>.
/// </summary>
public sealed class IndexModel(ListComplaints.Handler list, ListUnits.Handler units) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Unit { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    /// <summary>"true", "false" or empty (either).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Overdue { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public ListComplaints.Page? Results { get; private set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public IReadOnlyList<ListUnits.Item> Units { get; private set; } = [];

    /// <summary>Only supervisors filter by unit: a handler's list is their own unit's anyway.</summary>
    public bool CanFilterByUnit => User.IsInRole(PingYi.Data.Identity.StaffRoles.Supervisor);

    public bool IsFiltered =>
        new[] { Status, Unit, Category, Overdue, From, To, Q }.Any(v => !string.IsNullOrWhiteSpace(v));

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (CanFilterByUnit)
        {
            Units = await units.HandleAsync(null, ct, includeRetired: true);
        }
        var result = await list.HandleAsync(User, new ListComplaints.Query(
            Status, CanFilterByUnit ? Unit : null, Category, Overdue, From, To, Q, Limit: null, Cursor), ct);
        if (result.Succeeded)
        {
            Results = result.Value;
        }
        else
        {
            Errors = result.Failure!.Errors;
            Response.StatusCode = result.Failure.StatusCode;
        }
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public string InputClass(string field) => Errors.ContainsKey(field) ? "input-error" : string.Empty;

    public IEnumerable<IGrouping<UnitCategory, ListUnits.Item>> UnitGroups => Units.GroupBy(u => u.Category);

    /// <summary>This list's URL with the same filters and another cursor (null: the first page).</summary>
    public string PageLink(string? cursor)
    {
        var query = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add(new(name, value.Trim()));
            }
        }
        Add("status", Status);
        Add("unit", Unit);
        Add("category", Category);
        Add("overdue", Overdue);
        Add("from", From);
        Add("to", To);
        Add("q", Q);
        Add("cursor", cursor);
        return "/staff/complaints" + QueryString.Create(query).ToUriComponent();
    }
}
