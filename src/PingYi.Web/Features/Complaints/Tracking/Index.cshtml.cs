using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Tracking;

/// <summary>
/// 进度查询. The number and code are posted once; the case is then remembered by <see cref="TrackingSession"/>
/// and every form that changes something (supplement, rating) answers with a redirect to <c>GET /track</c>,
/// so a reload never posts twice and the code never appears in a URL.
/// </summary>
[EnableRateLimiting(RateLimits.Lookup)]
[RequestFormLimits(MultipartBodyLengthLimit = AddSupplement.MaxFiles * Attachment.MaxBytes + AddSupplement.FormOverheadBytes)]
// The body size is set per form by the gate once it has checked the code: after the form-limits filter (900),
// before antiforgery (1000), which is the first to read the body.
[TypeFilter<SupplementBodyGate>(Order = 950)]
public sealed class IndexModel(
    LookupComplaint.Handler lookup, AddSupplement.Handler supplements, GiveFeedback.Handler feedback,
    WorkflowRuntime workflows, TrackingSession session, TimeProvider time) : PageModel
{
    private const string SupplementAddedKey = "track.supplement-added";
    private const string FeedbackGivenKey = "track.feedback-given";

    [BindProperty]
    public string? TrackingNumber { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? SupplementText { get; set; }

    [BindProperty]
    public List<IFormFile> SupplementFiles { get; set; } = [];

    public LookupComplaint.View? Complaint { get; private set; }

    public IReadOnlyList<Progress.Step> Steps { get; private set; } = [];

    public string? NotFoundMessage { get; private set; }

    public IDictionary<string, string[]> SupplementErrors { get; private set; } = new Dictionary<string, string[]>();

    public bool SupplementAdded { get; private set; }

    /// <summary>满意度 code: satisfied, basically-satisfied or dissatisfied.</summary>
    [BindProperty]
    public string? SatisfactionCode { get; set; }

    /// <summary>问题是否解决 code: resolved, partly or unresolved (optional).</summary>
    [BindProperty]
    public string? ResolvedCode { get; set; }

    [BindProperty]
    public string? FeedbackComment { get; set; }

    public IDictionary<string, string[]> FeedbackErrors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>The rating just given, to confirm it (after the redirect).</summary>
    public Satisfaction? FeedbackGiven { get; private set; }

    /// <summary>The unit's reply as published when a supervisor approved the response (the latest round).</summary>
    public string? PublicReply { get; private set; }

    public DateTime? PublicReplyAtUtc { get; private set; }

    /// <summary>Awaiting feedback and not yet rated since the reply was approved.</summary>
    public bool CanGiveFeedback { get; private set; }

    /// <summary>The last rating was 不满意 and the case waits for a supervisor's decision.</summary>
    public bool AwaitingSupervisorDecision { get; private set; }

    public int FeedbackCommentMax { get; } =
        workflows.ForNewComplaint().Engine.Definition.FindAction("feedback")?.FindField("comment")?.MaxLength ?? 1000;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        if (session.Read(HttpContext) is not { } remembered)
        {
            return;
        }
        TrackingNumber = remembered.TrackingNumber;
        Code = remembered.AccessCode;
        SupplementAdded = TempData[SupplementAddedKey] is true;
        if (TempData[SupplementBodyGate.RefusedKey] is string refused)
        {
            SupplementErrors = new Dictionary<string, string[]> { [AttachmentUploads.Field] = [refused] };
        }
        if (TempData[FeedbackGivenKey] is string given && Satisfactions.Codes.TryParse(given, out var s))
        {
            FeedbackGiven = s;
        }
        if (await LoadAsync(ct))
        {
            // Sliding: the case stays open while the citizen keeps using the page.
            session.Remember(HttpContext, remembered.TrackingNumber, remembered.AccessCode);
        }
        else
        {
            // The case is gone or the code no longer matches: ask again, with an empty form.
            session.Forget(HttpContext);
            Complaint = null;
            NotFoundMessage = null;
            Response.StatusCode = StatusCodes.Status200OK;
        }
    }

    /// <summary>Look a case up by number and code; on success remember it and show it with a GET.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Page();
        }
        session.Remember(HttpContext, Complaint!.TrackingNumber, Code!);
        return RedirectToPage();
    }

    /// <summary>下载答复函: the unit's signed letter for the case this device opened, once its response is approved.</summary>
    public async Task<IActionResult> OnGetReplyLetterAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "private, no-store";
        if (session.Read(HttpContext) is not { } remembered
            || await lookup.ReplyLetterAsync(remembered.TrackingNumber, remembered.AccessCode, ct) is not { } file)
        {
            return RedirectToPage();
        }
        return File(file.Content, file.ContentType, LookupComplaint.ReplyLetterDownloadName(remembered.TrackingNumber, file.FileName));
    }

    /// <summary>One of the complainant's own files, for the device that opened the case (as the reply letter).</summary>
    public async Task<IActionResult> OnGetFileAsync(string? id, CancellationToken ct)
    {
        Response.Headers.CacheControl = "private, no-store";
        if (session.Read(HttpContext) is not { } remembered
            || await lookup.OwnFileAsync(remembered.TrackingNumber, remembered.AccessCode, id, ct) is not { } file)
        {
            return RedirectToPage();
        }
        return File(file.Content, file.ContentType, file.FileName);
    }

    /// <summary>"查询其他反映": forget the case on this device.</summary>
    public IActionResult OnPostForget()
    {
        session.Forget(HttpContext);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSupplementAsync(CancellationToken ct)
    {
        if (!UseRememberedCase())
        {
            return RedirectToPage();
        }
        var result = await supplements.HandleAsync(
            new AddSupplement.Command(TrackingNumber, Code, SupplementText, SupplementFiles.Select(UploadedFile.From).ToList()), ct);
        if (result is { Succeeded: true })
        {
            TempData[SupplementAddedKey] = true;
            return RedirectToPage(null, null, "supplement");
        }
        if (result is { Failure: { } failure })
        {
            SupplementErrors = failure.Errors;
            Response.StatusCode = failure.StatusCode;
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostFeedbackAsync(CancellationToken ct)
    {
        if (!UseRememberedCase())
        {
            return RedirectToPage();
        }
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(SatisfactionCode))
        {
            fields["satisfaction"] = JsonSerializer.SerializeToElement(SatisfactionCode.Trim());
        }
        if (!string.IsNullOrWhiteSpace(ResolvedCode))
        {
            fields["resolved"] = JsonSerializer.SerializeToElement(ResolvedCode.Trim());
        }
        if (!string.IsNullOrWhiteSpace(FeedbackComment))
        {
            fields["comment"] = JsonSerializer.SerializeToElement(FeedbackComment);
        }
        var result = await feedback.HandleAsync(TrackingNumber, Code, fields, ct);
        if (result is { Succeeded: true, Value: var complaint })
        {
            TempData[FeedbackGivenKey] = Satisfactions.Codes.CodeOf(complaint!.Satisfaction!.Value);
            return RedirectToPage();
        }
        if (result is { Failure: { } failure })
        {
            // The handlers write "中文 / English" for API clients; the page shows the Chinese half.
            FeedbackErrors = failure.Errors.ToDictionary(
                e => e.Key,
                e => e.Value.Select(m => m.IndexOf(" / ", StringComparison.Ordinal) is > 0 and var cut ? m[..cut] : m).ToArray());
            Response.StatusCode = failure.StatusCode;
        }
        await LoadAsync(ct);
        return Page();
    }

    public string? FeedbackErrorFor(string field) =>
        FeedbackErrors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>The forms act on the case this device opened, never on a number and code posted with them.</summary>
    private bool UseRememberedCase()
    {
        if (session.Read(HttpContext) is not { } remembered)
        {
            return false;
        }
        TrackingNumber = remembered.TrackingNumber;
        Code = remembered.AccessCode;
        return true;
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        Complaint = await lookup.HandleAsync(TrackingNumber, Code, ct);
        if (Complaint is null)
        {
            NotFoundMessage = "未找到该反映，或查询码不正确。请核对受理编号（如 ZTC-2020-000123）和查询码后重试。";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return false;
        }
        Steps = Progress.For(Complaint, workflows.Calendar, time.GetUtcNow().UtcDateTime);
        PublicReply = Complaint.PublicReply;
        PublicReplyAtUtc = Complaint.RepliedAtUtc;
        CanGiveFeedback = Complaint.CanGiveFeedback;
        AwaitingSupervisorDecision = Complaint.AwaitingSupervisorDecision;
        return true;
    }
}
