using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Tracking;

[EnableRateLimiting(RateLimits.Lookup)]
[RequestFormLimits(MultipartBodyLengthLimit = AddSupplement.MaxFiles * Attachment.MaxBytes + 1024 * 1024)]
[RequestSizeLimit(AddSupplement.MaxFiles * Attachment.MaxBytes + 1024 * 1024)]
public sealed class IndexModel(LookupComplaint.Handler lookup, AddSupplement.Handler supplements) : PageModel
{
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

    private async Task LoadAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        Complaint = await lookup.HandleAsync(TrackingNumber, Code, ct);
        if (Complaint is null)
        {
            NotFoundMessage = "未找到该反映，或查询码不正确。请核对受理编号（如 ZTC-2020-000123）和查询码后重试。";
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }
}
