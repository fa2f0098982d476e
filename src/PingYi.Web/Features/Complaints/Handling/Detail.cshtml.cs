using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Domain.Units;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// One complaint as staff see it, with a form for each action the workflow lets this user take now.
/// Loading goes through <see cref="ComplaintAccess"/> and actions through <see cref="PerformAction.Handler"/>,
/// so the page and the API authorize and decide exactly alike; another unit's handler gets 404.
/// </summary>
// The respond form may carry a signed reply letter; every other form is a few fields.
[RequestFormLimits(MultipartBodyLengthLimit = Attachment.MaxBytes + 1024 * 1024)]
[RequestSizeLimit(Attachment.MaxBytes + 1024 * 1024)]
public sealed class DetailModel(
    ComplaintAccess access,
    GetStaffComplaint.Handler views,
    PerformAction.Handler perform,
    ViewComplainant.Handler complainants,
    ListUnits.Handler units,
    WorkflowRuntime workflows,
    ComplaintSeenLog seen,
    AssignHandler.Handler desk,
    CaseNotes.Handler notes,
    ReplyTemplates.Handler replyTemplates) : PageModel
{
    private long SeenComplaintId { get; set; }

    public const string StaleMessage = "该反映在您打开后已有新的变化（他人办理或期限到期），本页已更新为最新情况，您填写的内容已保留，请核对后再提交。";

    /// <summary>The action whose form was posted.</summary>
    [BindProperty]
    public string? ActionCode { get; set; }

    /// <summary>The ETag the form was rendered with; a changed complaint refuses the action (412).</summary>
    [BindProperty]
    public string? ETag { get; set; }

    /// <summary>The tick an irreversible action's form asks for (the definition's <c>confirm</c>).</summary>
    [BindProperty]
    public bool Confirmed { get; set; }

    /// <summary>The posted form's fields, by field name (<c>Fields[findings]</c>).</summary>
    [BindProperty]
    public Dictionary<string, string?> Fields { get; set; } = [];

    /// <summary>The signed reply letter (答复函) sent with 办理情况报告.</summary>
    [BindProperty]
    public IFormFile? ReplyLetter { get; set; }

    public GetStaffComplaint.View? Complaint { get; private set; }

    public string? NotFoundMessage { get; private set; }

    public bool CanViewContact { get; private set; }

    public ViewComplainant.View? Contact { get; private set; }

    public IReadOnlyList<ListUnits.Item> Units { get; private set; } = [];

    /// <summary>The unit's desk: who holds the case inside the unit, and whom it may be assigned to.</summary>
    public AssignHandler.View? Desk { get; private set; }

    /// <summary>内部备注 this user may read, and whether they may write one (a supervisor or the case's unit's handler).</summary>
    public IReadOnlyList<CaseNotes.Note> Notes { get; private set; } = [];

    public bool CanWriteNote { get; private set; }

    /// <summary>A note that was refused: what was typed, and the messages by field.</summary>
    public string? NoteText { get; private set; }

    public bool NoteCommitteeOnly { get; private set; }

    public IDictionary<string, string[]> NoteErrors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>The label of the action just applied (after the redirect).</summary>
    public string? DoneLabel { get; private set; }

    /// <summary>The action that failed, its messages by field (<c>""</c>: not about one field), and what was typed.</summary>
    public string? FailedAction { get; private set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>The failed action's label when its form is no longer offered (the case moved on).</summary>
    public string? FailedActionGoneLabel { get; private set; }

    /// <summary>常用语 offered on this case (filled with its values), for the forms of <see cref="ReplyTemplates.Forms"/>.</summary>
    public IReadOnlyList<ReplyTemplates.Item> Templates { get; private set; } = [];

    /// <summary>The action whose form just had a template inserted (re-rendered open, with what was typed).</summary>
    public string? InsertedInto { get; private set; }

    /// <summary>插入: puts the chosen 常用语, filled for this case, into a field of the form being written. Saves nothing.</summary>
    public async Task<IActionResult> OnPostInsertAsync(string trackingNumber, int? templateId, string? templateField, CancellationToken ct)
    {
        var action = ActionCode?.Trim() ?? string.Empty;
        if (!await LoadAsync(trackingNumber, ct))
        {
            return Page();
        }
        // What was typed comes back as it was, as after a refused action (ValueFor reads it for this form).
        FailedAction = action;
        InsertedInto = action;
        var form = Complaint!.Actions.FirstOrDefault(a => a.Action == action);
        var field = form?.Fields.FirstOrDefault(f => f.Name == templateField && f.Type == "text")
            ?? form?.Fields.FirstOrDefault(f => ReplyTemplates.Forms.TryGetValue(action, out var fallback) && f.Name == fallback);
        var template = Templates.FirstOrDefault(t => t.Id == templateId);
        if (form is null || field is null || template is null || !ReplyTemplates.Forms.ContainsKey(action))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Errors = new Dictionary<string, string[]> { [string.Empty] = [template is null ? "请先选择要插入的常用语。" : "该表单不能插入常用语。"] };
            return Page();
        }
        var typed = Fields.GetValueOrDefault(field.Name);
        Fields[field.Name] = string.IsNullOrWhiteSpace(typed) ? template.Filled : typed.TrimEnd() + "\n" + template.Filled;
        return Page();
    }

    /// <summary>A note was just saved (after the redirect).</summary>
    public bool Noted { get; private set; }

    public async Task<IActionResult> OnGetAsync(string trackingNumber, string? done, string? noted, CancellationToken ct)
    {
        Noted = noted == "1";
        if (!await LoadAsync(trackingNumber, ct))
        {
            return Page();
        }
        // Opening the page is looking at the case: the list's 新补充 flag clears for this user.
        await seen.MarkAsync(User, SeenComplaintId, ct);
        if (TempData[ContactKey] is string revealed
            && JsonSerializer.Deserialize<RevealedContact>(revealed) is { } shown && shown.TrackingNumber == Complaint!.TrackingNumber)
        {
            Contact = shown.Contact;
        }
        if (done is not null)
        {
            DoneLabel = Complaint!.Timeline.LastOrDefault(t => t.Action == done)?.ActionLabel;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostActAsync(string trackingNumber, CancellationToken ct)
    {
        var action = ActionCode?.Trim() ?? string.Empty;
        // An action that cannot be undone is sent only once its statement is ticked: a confirmation that
        // needs no JavaScript, checked here rather than trusted to the browser.
        if (!Confirmed && await perform.ConfirmTextAsync(trackingNumber, action, ct) is { } confirm)
        {
            return await FailAsync(trackingNumber, RequestFailure.Invalid("请确认",
                "confirm", $"请先勾选“{confirm}”，再提交。"), ct);
        }
        // Strings throughout: the workflow's validator reads numbers from strings, as forms post them.
        // Blank fields are left out, so a required one is reported as missing.
        // An action without fields (签收) posts no Fields[...] keys, and model binding then falls back to the
        // empty prefix and fills Fields with the form's own keys (ActionCode, ETag, the antiforgery token).
        var posted = Request.Form.Keys.Any(k => k.StartsWith("Fields[", StringComparison.Ordinal)) ? Fields : new Dictionary<string, string?>();
        var fields = posted.Where(f => !string.IsNullOrWhiteSpace(f.Value))
            .ToDictionary(f => f.Key, f => JsonSerializer.SerializeToElement(f.Value), StringComparer.Ordinal);
        // Always compare: a form without its ETag is treated as stale rather than applied blindly.
        var result = await perform.ForStaffAsync(User, trackingNumber, action, fields, ETag ?? string.Empty, ct,
            ReplyLetter is { Length: > 0 } letter ? Intake.UploadedFile.From(letter) : null);
        if (!result.Succeeded)
        {
            return await FailAsync(trackingNumber, result.Failure!, ct);
        }
        var complaint = result.Value!;
        // Post/Redirect/Get: a reload does not post the action again.
        return RedirectToPage("/Complaints/Handling/Detail", new { trackingNumber = complaint.TrackingNumber, done = action });
    }

    /// <summary>指定承办人 (a handler chosen in the list) or 认领 (<paramref name="claim"/>): the unit's desk, not a workflow action.</summary>
    public async Task<IActionResult> OnPostHandlerAsync(string trackingNumber, string? handlerUserId, bool claim, CancellationToken ct)
    {
        var result = await desk.HandleAsync(User, trackingNumber, new AssignHandler.Request(claim ? null : handlerUserId ?? string.Empty, claim ? true : null), ct);
        if (!result.Succeeded)
        {
            return await FailAsync(trackingNumber, result.Failure!, ct);
        }
        return RedirectToPage("/Complaints/Handling/Detail", new { trackingNumber = result.Value!.TrackingNumber, done = claim ? ComplaintActions.ClaimHandler : ComplaintActions.AssignHandler });
    }

    /// <summary>写内部备注: saved and redirected (PRG); a refused note re-renders the page with the text kept.</summary>
    public async Task<IActionResult> OnPostNoteAsync(string trackingNumber, string? noteText, bool committeeOnly, CancellationToken ct)
    {
        var result = await notes.AddAsync(User, trackingNumber, new CaseNotes.Request(noteText, committeeOnly), ct);
        if (result.Succeeded)
        {
            return Redirect($"/staff/complaints/{Uri.EscapeDataString(trackingNumber)}?noted=1#notes");
        }
        if (result.Failure!.Kind != FailureKind.Invalid)
        {
            return await FailAsync(trackingNumber, result.Failure, ct);
        }
        Response.StatusCode = result.Failure.StatusCode;
        NoteText = noteText;
        NoteCommitteeOnly = committeeOnly;
        NoteErrors = result.Failure.Errors;
        await LoadAsync(trackingNumber, ct);
        return Page();
    }

    /// <summary>A POST because reading the identity writes an audit event.</summary>
    public async Task<IActionResult> OnPostContactAsync(string trackingNumber, string? reason, CancellationToken ct)
    {
        var result = await complainants.HandleAsync(User, trackingNumber, reason, ct);
        if (!result.Succeeded)
        {
            return await FailAsync(trackingNumber, result.Failure!, ct);
        }
        // Post/Redirect/Get: a reload shows nothing new and logs no second view. The details cross the redirect
        // in TempData (a cookie encrypted by data protection, read once), tied to this case.
        TempData[ContactKey] = JsonSerializer.Serialize(new RevealedContact(TrackingNumber.TryNormalize(trackingNumber, out var number) ? number : trackingNumber, result.Value!));
        return RedirectToPage("/Complaints/Handling/Detail", new { trackingNumber });
    }

    private const string ContactKey = "revealed-contact";

    private sealed record RevealedContact(string TrackingNumber, ViewComplainant.View Contact);

    private async Task<IActionResult> FailAsync(string trackingNumber, RequestFailure failure, CancellationToken ct)
    {
        // A lost race leaves the tracked complaint changed in memory; show what the database holds.
        perform.Discard();
        Response.StatusCode = failure.StatusCode;
        if (failure.StatusCode == StatusCodes.Status404NotFound && failure.Errors.ContainsKey("trackingNumber"))
        {
            NotFoundMessage = "未找到该反映，或您无权查看。";
            return Page();
        }
        FailedAction = ActionCode;
        var stale = failure.Code == RequestFailure.Codes.Stale;
        Errors = stale
            ? new Dictionary<string, string[]> { [string.Empty] = [StaleMessage] }
            : failure.Errors.ToDictionary(
                e => e.Key is "action" or "If-Match" or "trackingNumber" or "userId" or "claim" ? string.Empty : e.Key,
                e => e.Value.Select(ChineseOnly).ToArray());
        if (!await LoadAsync(trackingNumber, ct))
        {
            return Page();
        }
        if (FailedAction is not null && Complaint!.Actions.All(a => a.Action != FailedAction))
        {
            FailedActionGoneLabel = workflows.Registry.Definitions
                .Select(d => d.FindAction(FailedAction)?.Label).FirstOrDefault(l => l is not null) ?? FailedAction;
        }
        // The form renders with the fresh ETag: the user now sees the current state and may resubmit.
        ETag = Complaint!.ETag;
        return Page();
    }

    /// <summary>The handlers write "中文 / English" for API clients; the page shows the Chinese half.</summary>
    private static string ChineseOnly(string message)
    {
        var cut = message.IndexOf(" / ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private async Task<bool> LoadAsync(string trackingNumber, CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        var loaded = await access.LoadAsync(User, trackingNumber, ComplaintOperations.View, track: false, ct);
        if (!loaded.Succeeded)
        {
            NotFoundMessage = "未找到该反映，或您无权查看。";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return false;
        }
        var complaint = loaded.Value!;
        SeenComplaintId = complaint.Id;
        Complaint = await views.BuildAsync(User, complaint, ct);
        CanViewContact = await access.AllowedAsync(User, complaint, ComplaintOperations.ViewContact);
        Desk = await desk.ViewAsync(User, complaint, ct);
        Notes = await notes.ForAsync(User, complaint, ct);
        if (Complaint.Actions.Any(a => ReplyTemplates.Forms.ContainsKey(a.Action)))
        {
            Templates = await replyTemplates.ItemsAsync(User, complaint, ct);
        }
        CanWriteNote = User.WorkflowRoleFor(complaint.UnitId) is not null;
        if (Complaint.Actions.SelectMany(a => a.Fields).Any(f => f.Type == "unitCode"))
        {
            Units = await units.HandleAsync(null, ct);
        }
        return true;
    }

    // --- helpers for the view ---

    public IEnumerable<IGrouping<UnitCategory, ListUnits.Item>> UnitGroups(string? exceptCode) =>
        Units.Where(u => u.Code != exceptCode).GroupBy(u => u.Category);

    public bool Failed(string action) => FailedAction == action && Errors.Count > 0;

    /// <summary>The form is re-rendered with what was posted (a refusal, or a template inserted): it keeps the ETag it was written against.</summary>
    public bool Reposted(string action) => Failed(action) || InsertedInto == action;

    /// <summary>What was typed into <paramref name="field"/> of the failed form; else a sensible default.</summary>
    public string? ValueFor(string action, string field, string? fallback = null) =>
        FailedAction == action ? Fields.GetValueOrDefault(field) : fallback;

    public string? ErrorFor(string action, string field) =>
        FailedAction == action && Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>Where a message of the failed form points: its field, or the form itself.</summary>
    public string AnchorFor(string action, string field) =>
        field == "confirm" ? $"{action}-confirm"
        : field == PerformAction.ReplyLetterField ? $"{action}-{field}"
        : Complaint?.Actions.FirstOrDefault(a => a.Action == action)?.Fields.Any(f => f.Name == field) == true ? $"{action}-{field}"
        : $"action-{action}";

    public IEnumerable<string> FormErrors(string action) =>
        FailedAction == action
            ? Errors.Where(e => e.Key != "confirm" && e.Key != PerformAction.ReplyLetterField && (e.Key.Length == 0 || Complaint?.Actions.FirstOrDefault(a => a.Action == action)?.Fields.All(f => f.Name != e.Key) != false))
                .SelectMany(e => e.Value)
            : [];

    public static string Size(long bytes) => bytes < 1024 * 1024
        ? (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB"
        : (bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " MB";

    /// <summary>The reason given for a view of the complainant's identity (only supervisors' timelines hold such entries).</summary>
    public static string? ViewReason(GetStaffComplaint.TimelineItem item)
    {
        if (item.Action != ComplaintActions.ViewContact || string.IsNullOrEmpty(item.Data))
        {
            return null;
        }
        using var data = JsonDocument.Parse(item.Data);
        return data.RootElement.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null;
    }

    public static string StatusLabel(string? code) =>
        code is not null && ComplaintStatuses.Codes.TryParse(code, out var s) ? ComplaintStatuses.Codes.LabelOf(s) : code ?? string.Empty;

    public static string SatisfactionLabel(string code) =>
        Satisfactions.Codes.TryParse(code, out var s) ? Satisfactions.Codes.LabelOf(s) : code;
}
