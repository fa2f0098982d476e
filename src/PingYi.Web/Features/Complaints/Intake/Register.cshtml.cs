using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>
/// 来电/来信/来访 登记 (supervisors): the same intake as the web form, with the channel and the time received; ends on
/// a printable receipt with the tracking number and access code (also sent by SMS when a mobile number was given).
/// </summary>
[Authorize(Roles = StaffRoles.Supervisor)]
[RequestFormLimits(MultipartBodyLengthLimit = SubmitComplaintEndpoint.MaxMultipartBytes)]
[RequestSizeLimit(SubmitComplaintEndpoint.MaxMultipartBytes)]
public sealed class RegisterModel(ListUnits.Handler units, SubmitComplaint.Handler submit, TimeProvider time) : PageModel
{
    [BindProperty]
    public NewModel.InputModel Input { get; set; } = new();

    [BindProperty]
    public string Channel { get; set; } = "phone";

    /// <summary>China time, as a <c>datetime-local</c> input gives it (2026-12-07T09:30).</summary>
    [BindProperty]
    public string? ReceivedAt { get; set; }

    [BindProperty]
    public List<IFormFile> Attachments { get; set; } = [];

    /// <summary>
    /// One per rendering of the form, sent as the intake's idempotency key: a reload of the POST (or a double click)
    /// answers the same receipt and registers nothing twice.
    /// </summary>
    [BindProperty]
    public string? FormToken { get; set; }

    public IReadOnlyList<ListUnits.Item> Units { get; private set; } = [];

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public sealed record Receipt(string TrackingNumber, string AccessCode, string ChannelLabel, DateTime ReceivedAtUtc, bool Anonymous, bool Texted);

    public Receipt? Done { get; private set; }

    public static IReadOnlyList<(string Code, string Label)> Channels { get; } =
        [("phone", "来电"), ("letter", "来信"), ("visit", "来访")];

    public async Task OnGetAsync(CancellationToken ct)
    {
        FormToken = NewFormToken();
        ReceivedAt = ChinaTime.Now(time).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        Units = await units.HandleAsync(null, ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        if (!ComplaintChannels.Codes.TryParse(Channel, out var channel) || !ComplaintChannels.IsStaffRegistered(channel))
        {
            return await ShowErrorsAsync(new Dictionary<string, string[]> { ["channel"] = ["请选择来电、来信或来访。"] }, ct);
        }
        var iso = string.IsNullOrWhiteSpace(ReceivedAt) ? null : ReceivedAt.Trim() + (ReceivedAt.Trim().Length == 16 ? ":00" : "") + "+08:00";
        var received = StaffRegistration.ReceivedAt(iso, time);
        if (!received.Succeeded)
        {
            return await ShowErrorsAsync(received.Failure!.Errors, ct);
        }
        if (UnitChoice.Missing(Input.UnitCode))
        {
            return await ShowErrorsAsync(new Dictionary<string, string[]> { ["unitCode"] = [UnitChoice.MissingMessage] }, ct);
        }
        var submission = new ComplaintSubmission(
            UnitChoice.CodeOf(Input.UnitCode), Input.Category, Input.Title, Input.Description, Input.OccurredOn, Input.Location,
            Input.Anonymous, Input.Anonymous ? null : Input.Name, Input.Anonymous ? null : Input.Phone, Input.Anonymous ? null : Input.Email);
        var smsCode = !Input.Anonymous && Input.SmsAccessCode;
        FormToken = FormToken is { Length: 22 } token && System.Buffers.Text.Base64Url.IsValid(token) ? token : NewFormToken();
        var result = await submit.HandleAsync(new SubmitComplaint.Command(submission, Attachments.Select(UploadedFile.From).ToList(), channel,
            "staff-register:" + FormToken, smsCode, received.Value), ct);
        if (!result.Succeeded)
        {
            return await ShowErrorsAsync(result.Failure!.Errors, ct);
        }
        var lodged = result.Value!;
        if (!lodged.Replayed)
        {
            await StaffRegistration.AuditAsync(HttpContext, lodged, channel, ct);
        }
        Done = new Receipt(lodged.TrackingNumber, AccessCode.Display(lodged.AccessCode), ComplaintChannels.Codes.LabelOf(channel), lodged.SubmittedAtUtc,
            Input.Anonymous, !Input.Anonymous && Notifications.SmsNotices.Mobile(Input.Phone) is not null);
        return Page();
    }

    private async Task<IActionResult> ShowErrorsAsync(IDictionary<string, string[]> errors, CancellationToken ct)
    {
        Errors = errors;
        FormToken ??= NewFormToken();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Units = await units.HandleAsync(null, ct);
        return Page();
    }

    private static string NewFormToken() => System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
