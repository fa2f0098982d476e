using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Tracking;

[EnableRateLimiting(RateLimits.Lookup)]
[RequestFormLimits(MultipartBodyLengthLimit = AddSupplement.MaxFiles * Attachment.MaxBytes + 1024 * 1024)]
[RequestSizeLimit(AddSupplement.MaxFiles * Attachment.MaxBytes + 1024 * 1024)]
public sealed class IndexModel(LookupComplaint.Handler lookup, AddSupplement.Handler supplements, GiveFeedback.Handler feedback, WorkflowRuntime workflows) : PageModel
{
    /// <summary>The public note <c>approve</c> writes: "办理结果：" and the unit's reply.</summary>
    [BindProperty]
    public string? TrackingNumber { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? SupplementText { get; set; }

    [BindProperty]
    public List<IFormFile> SupplementFiles { get; set; } = [];

    public LookupComplaint.View? Complaint { get; private set; }

    public string? NotFoundMessage { get; private set; }

    public IDictionary<string, string[]> SupplementErrors { get; private set; } = new Dictionary<string, string[]>();

    public bool SupplementAdded { get; private set; }

    /// <summary>满意度 code: satisfied, basically-satisfied or dissatisfied.</summary>
    [BindProperty]
    public string? SatisfactionCode { get; set; }

    [BindProperty]
    public string? FeedbackComment { get; set; }

    public IDictionary<string, string[]> FeedbackErrors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>The rating just given, to confirm it.</summary>
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

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSupplementAsync(CancellationToken ct)
    {
        var result = await supplements.HandleAsync(
            new AddSupplement.Command(TrackingNumber, Code, SupplementText, SupplementFiles.Select(UploadedFile.From).ToList()), ct);
        if (result is { Succeeded: true })
        {
            SupplementAdded = true;
            SupplementText = null;
        }
        else if (result is { Failure: { } failure })
        {
            SupplementErrors = failure.Errors;
            Response.StatusCode = failure.StatusCode;
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostFeedbackAsync(CancellationToken ct)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(SatisfactionCode))
        {
            fields["satisfaction"] = JsonSerializer.SerializeToElement(SatisfactionCode.Trim());
        }
        if (!string.IsNullOrWhiteSpace(FeedbackComment))
        {
            fields["comment"] = JsonSerializer.SerializeToElement(FeedbackComment);
        }
        var result = await feedback.HandleAsync(TrackingNumber, Code, fields, ct);
        if (result is { Succeeded: true, Value: var complaint })
        {
            FeedbackGiven = complaint!.Satisfaction;
            SatisfactionCode = null;
            FeedbackComment = null;
        }
        else if (result is { Failure: { } failure })
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

    private async Task LoadAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        Complaint = await lookup.HandleAsync(TrackingNumber, Code, ct);
        if (Complaint is null)
        {
            NotFoundMessage = "未找到该反映，或查询码不正确。请核对受理编号（如 ZTC-2020-000123）和查询码后重试。";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        PublicReply = Complaint.PublicReply;
        PublicReplyAtUtc = Complaint.RepliedAtUtc;
        CanGiveFeedback = Complaint.CanGiveFeedback;
        AwaitingSupervisorDecision = Complaint.AwaitingSupervisorDecision;
    }
}
