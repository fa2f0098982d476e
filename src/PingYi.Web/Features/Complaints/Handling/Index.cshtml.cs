using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Units;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// 反映列表: every complaint the user may see (a handler: their unit's), filtered by a plain GET form so
/// that a filtered list is a link, and paged with the keyset cursor of <see cref="ListComplaints"/>.
/// </summary>
public sealed class IndexModel(ListComplaints.Handler list, ListUnits.Handler units, WorkflowRuntime workflows, TimeProvider time, BulkAction.Handler bulk, SavedViews.Handler savedViews) : PageModel
{
    private const string ViewSavedKey = "view-saved";

    /// <summary>我的视图: the account's saved filters, as links.</summary>
    public IReadOnlyList<SavedViews.Item> Views { get; private set; } = [];

    /// <summary>Why saving a view was refused (the name typed is kept in <see cref="ViewName"/>).</summary>
    public IReadOnlyList<string> ViewErrors { get; private set; } = [];

    public string? ViewName { get; private set; }

    /// <summary>What the last save or delete of a view did (after its redirect).</summary>
    public string? ViewDone { get; private set; }

    /// <summary>保存当前筛选: the list's query string becomes a named view of this account (Post/Redirect/Get).</summary>
    public async Task<IActionResult> OnPostSaveViewAsync(string? viewName, string? returnQuery, CancellationToken ct)
    {
        var query = returnQuery is { Length: > 1 } q && q[0] == '?' ? q : string.Empty;
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
        var filters = SavedViews.Parameters.Where(parsed.ContainsKey).ToDictionary(p => p, p => (string?)parsed[p].ToString(), StringComparer.Ordinal);
        var result = await savedViews.CreateAsync(User, new SavedViews.Request(viewName, filters), ct);
        if (result.Succeeded)
        {
            TempData[ViewSavedKey] = $"已保存视图“{result.Value!.Name}”。";
            return Redirect(result.Value.Link);
        }
        // Show the list the user was on, with the name they typed and why it was refused.
        Status = filters.GetValueOrDefault("status");
        Unit = filters.GetValueOrDefault("unit");
        Category = filters.GetValueOrDefault("category");
        Overdue = filters.GetValueOrDefault("overdue");
        From = filters.GetValueOrDefault("from");
        To = filters.GetValueOrDefault("to");
        Q = filters.GetValueOrDefault("q");
        Sort = filters.GetValueOrDefault("sort");
        Dir = filters.GetValueOrDefault("dir");
        ViewName = viewName;
        ViewErrors = result.Failure!.Errors.SelectMany(e => e.Value).ToList();
        await OnGetAsync(ct);
        Response.StatusCode = result.Failure.StatusCode;
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteViewAsync(int id, CancellationToken ct)
    {
        var result = await savedViews.DeleteAsync(User, id, ct);
        TempData[ViewSavedKey] = result.Succeeded ? "已删除视图。" : "未找到该视图。";
        return Redirect("/staff/complaints");
    }

    private const string BulkKey = "bulk-summary";

    /// <summary>Supervisors select cases of the list for 批量催办 / 批量交办.</summary>
    public bool CanBulk => User.WorkflowRole() == WorkflowRoles.Supervisor;

    /// <summary>What the last bulk action did (after its redirect), read once.</summary>
    public BulkAction.Summary? BulkSummary { get; private set; }

    /// <summary>A bulk action refused as a whole (nothing selected, a bad action): its messages.</summary>
    public IReadOnlyList<string> BulkErrors { get; private set; } = [];

    /// <summary>
    /// 批量操作: each selected case gets the action on its own (see <see cref="BulkAction"/>); the summary crosses the
    /// redirect back to the same list (Post/Redirect/Get) in TempData.
    /// </summary>
    /// <param name="etags">
    /// Each listed case's ETag as the list showed it (hidden fields): a case changed since is refused alone. Named, so that
    /// a form without them binds nothing (a dictionary would otherwise fall back to every field of the form).
    /// </param>
    public async Task<IActionResult> OnPostBulkAsync(string? bulkAction, string[]? numbers,
        [FromForm(Name = "etags")] Dictionary<string, string>? etags, string? note, string? unitCode,
        string? returnQuery, CancellationToken ct)
    {
        var fields = new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(note))
        {
            fields["note"] = System.Text.Json.JsonSerializer.SerializeToElement(note);
        }
        if (bulkAction == "assign" && !string.IsNullOrWhiteSpace(unitCode))
        {
            fields["unitCode"] = System.Text.Json.JsonSerializer.SerializeToElement(unitCode);
        }
        var result = await bulk.HandleAsync(User, bulkAction, new BulkAction.Request(numbers, fields, etags), ct);
        if (!result.Succeeded)
        {
            BulkErrors = result.Failure!.Errors.SelectMany(e => e.Value).ToList();
            await OnGetAsync(ct);
            Response.StatusCode = result.Failure.StatusCode;
            return Page();
        }
        TempData[BulkKey] = System.Text.Json.JsonSerializer.Serialize(result.Value);
        // Back to the list the user was on: only its query string, never another path.
        var query = returnQuery is { Length: > 1 } q && q[0] == '?' ? q : string.Empty;
        return Redirect("/staff/complaints" + query + "#bulk-summary");
    }

    /// <summary>The list's own query string, for the bulk form to return to.</summary>
    public string CurrentQuery => Request.QueryString.HasValue ? Request.QueryString.Value! : string.Empty;

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

    /// <summary>submitted (default), due or escalation: sorted on the server, so paging keeps the order.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    /// <summary>asc or desc (empty: the sort's natural direction).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Dir { get; set; }

    /// <summary>Supervisors see whether a case is named; a unit's handler must not learn even that.</summary>
    public bool ShowsNamed => User.SeesComplainant();

    public ListComplaints.Page? Results { get; private set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public IReadOnlyList<ListUnits.Item> Units { get; private set; } = [];

    /// <summary>Only supervisors filter by unit: a handler's list is their own unit's anyway.</summary>
    public bool CanFilterByUnit => User.WorkflowRole() == WorkflowRoles.Supervisor;

    public bool IsFiltered =>
        new[] { Status, Unit, Category, Overdue, From, To, Q }.Any(v => !string.IsNullOrWhiteSpace(v));

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        if (TempData[BulkKey] is string summary)
        {
            BulkSummary = System.Text.Json.JsonSerializer.Deserialize<BulkAction.Summary>(summary);
        }
        ViewDone ??= TempData[ViewSavedKey] as string;
        var mine = await savedViews.ListAsync(User, ct);
        Views = mine.Succeeded ? mine.Value! : [];
        if (CanFilterByUnit)
        {
            Units = await units.HandleAsync(null, ct, includeRetired: true);
        }
        var result = await list.HandleAsync(User, new ListComplaints.Query(
            Status, CanFilterByUnit ? Unit : null, Category, Overdue, From, To, Q, Limit: null, Cursor, Sort, Dir), ct);
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

    /// <summary>The role has no case list: the page says so and offers no filters.</summary>
    public bool Denied => Response.StatusCode == StatusCodes.Status403Forbidden;

    /// <summary>
    /// 导出 Excel: the same filters, every page (up to <see cref="ExportMax"/> rows), as an xlsx file with
    /// Chinese column names. The same handler as the list, so a unit's handler exports only their unit's.
    /// </summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var rows = new List<Dictionary<string, object?>>();
        string? cursor = null;
        var now = time.GetUtcNow().UtcDateTime;
        // The same handler on the read-only connection (a replica when ConnectionStrings:ReadOnly is set).
        var exportList = HttpContext.RequestServices.GetRequiredKeyedService<ListComplaints.Handler>(ReadOnlyDatabase.Key);
        do
        {
            var result = await exportList.HandleAsync(User, new ListComplaints.Query(
                Status, CanFilterByUnit ? Unit : null, Category, Overdue, From, To, Q, ListComplaints.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), cursor, Sort, Dir), ct);
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
                    ["提交时间"] = ChinaTime.Local(r.SubmittedAt),
                    ["期限"] = r.DueAt is { } due && r.Status is "submitted" or "assigned" ? ChinaTime.FormatDeadline(due) : "",
                    ["剩余/超期工作日"] = DaysText(r, now),
                    ["待审批申请"] = r.PendingRequest switch { "return" => "申请退回", "extension" => "申请延期", "suspension" => "申请中止", _ => "" },
                    ["升级级别"] = r.EscalationLevel,
                    ["新补充"] = r.NewSupplement ? "是" : "",
                });
                if (r.Anonymous is { } anonymous)
                {
                    rows[^1]["实名/匿名"] = anonymous ? "匿名" : "实名";
                }
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

    /// <summary>The deadline's standing (<see cref="Deadlines.Standing"/>) for a case with a running deadline; empty otherwise.</summary>
    public string DaysText(ListComplaints.Item r, DateTime nowUtc) =>
        r.DueAt is { } due && ComplaintRules.RunningDeadline(r.Status) is { } kind
            ? Deadlines.Standing(workflows.Calendar, due, nowUtc, kind).Text
            : string.Empty;

    public DateTime NowUtc => time.GetUtcNow().UtcDateTime;

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public string InputClass(string field) => Errors.ContainsKey(field) ? "input-error" : string.Empty;

    public IEnumerable<IGrouping<UnitCategory, ListUnits.Item>> UnitGroups => Units.GroupBy(u => u.Category);

    /// <summary>The sort in force (the default when none or an unknown one was asked for).</summary>
    public string CurrentSort => Sort?.Trim().ToLowerInvariant() is { } s && ListComplaints.Sorts.All.Contains(s) ? s : ListComplaints.Sorts.Submitted;

    /// <summary>Whether the list is in ascending order now (due sorts ascending by default, the others descending).</summary>
    public bool CurrentAscending => Dir?.Trim().ToLowerInvariant() switch
    {
        "asc" => true,
        "desc" => false,
        _ => CurrentSort == ListComplaints.Sorts.Due,
    };

    /// <summary>The aria-sort of a sortable column header: ascending, descending, or none for the others.</summary>
    public string AriaSort(string sort) => CurrentSort != sort ? "none" : CurrentAscending ? "ascending" : "descending";

    /// <summary>The first page sorted by <paramref name="sort"/>: the other direction when it is the current sort.</summary>
    public string SortLink(string sort)
    {
        var ascending = CurrentSort == sort ? !CurrentAscending : sort == ListComplaints.Sorts.Due;
        return PageLink(null, sort, ascending ? "asc" : "desc");
    }

    /// <summary>What activating the sort button of <paramref name="sort"/> does, for screen readers.</summary>
    public string SortHint(string sort)
    {
        var ascending = CurrentSort == sort ? !CurrentAscending : sort == ListComplaints.Sorts.Due;
        return ascending ? "，点击按升序排列" : "，点击按降序排列";
    }

    /// <summary>This list's URL with the same filters and sort and another cursor (null: the first page).</summary>
    public string PageLink(string? cursor) => PageLink(cursor, Sort, Dir);

    private string PageLink(string? cursor, string? sort, string? dir)
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
        Add("sort", sort);
        Add("dir", dir);
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
