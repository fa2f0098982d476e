using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Common;
using PingYi.Domain.Units;
using PingYi.Web.Features.Handling;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Staff.Complaints;

/// <summary>
/// 反映列表: every complaint the user may see (a handler: their unit's), filtered by a plain GET form so
/// that a filtered list is a link, and paged with the keyset cursor of <see cref="ListComplaints"/>.
/// </summary>
public sealed class IndexModel(ListComplaints.Handler list, ListUnits.Handler units, WorkflowRuntime workflows, TimeProvider time) : PageModel
{
    /// <summary>The most rows one export carries; a wider export should be filtered first.</summary>
    public const int ExportMax = 5000;

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

    /// <summary>
    /// 导出 Excel: the same filters, every page (up to <see cref="ExportMax"/> rows), as an xlsx file with
    /// Chinese column names. The same handler as the list, so a unit's handler exports only their unit's.
    /// </summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        var rows = new List<Dictionary<string, object?>>();
        string? cursor = null;
        var now = time.GetUtcNow().UtcDateTime;
        do
        {
            var result = await list.HandleAsync(User, new ListComplaints.Query(
                Status, CanFilterByUnit ? Unit : null, Category, Overdue, From, To, Q, ListComplaints.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), cursor), ct);
            if (!result.Succeeded)
            {
                // The filters are wrong: show the list page with its messages.
                await OnGetAsync(ct);
                return Page();
            }
            foreach (var r in result.Value!.Items)
            {
                rows.Add(new Dictionary<string, object?>
                {
                    ["受理编号"] = r.TrackingNumber,
                    ["标题"] = r.Title,
                    ["被反映单位"] = r.Unit.Name,
                    ["问题类别"] = r.CategoryLabel,
                    ["状态"] = r.StatusLabel,
                    ["提交时间"] = ChinaTime.Format(r.SubmittedAt),
                    ["期限"] = r.DueAt is { } due && r.Status is "submitted" or "assigned" ? ChinaTime.FormatDeadline(due) : "",
                    ["剩余/超期工作日"] = DaysText(r, now),
                    ["待审批申请"] = r.PendingRequest switch { "return" => "申请退回", "extension" => "申请延期", _ => "" },
                });
            }
            cursor = result.Value.NextCursor;
        }
        while (cursor is not null && rows.Count < ExportMax);

        var stream = new MemoryStream();
        await MiniExcelLibs.MiniExcel.SaveAsAsync(stream, rows, sheetName: "反映列表", excelType: MiniExcelLibs.ExcelType.XLSX, cancellationToken: ct);
        stream.Position = 0;
        var name = $"反映列表-{ChinaTime.Today(time):yyyyMMdd}.xlsx";
        return File(stream, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    /// <summary>"剩余 3 个工作日" or "超期 2 个工作日" for a case with a running deadline; empty otherwise.</summary>
    public string DaysText(ListComplaints.Item r, DateTime nowUtc)
    {
        if (r.DueAt is not { } due || r.Status is not ("submitted" or "assigned"))
        {
            return string.Empty;
        }
        var overdue = workflows.Calendar.WorkingDaysOverdue(due, nowUtc);
        return overdue > 0 ? $"超期 {overdue} 个工作日" : $"剩余 {workflows.Calendar.WorkingDaysLeft(due, nowUtc)} 个工作日";
    }

    public DateTime NowUtc => time.GetUtcNow().UtcDateTime;

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

    /// <summary>The export of this list: the same filters, no cursor.</summary>
    public string ExportLink()
    {
        var link = PageLink(null);
        return link + (link.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "handler=Export";
    }
}
