using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Domain.Complaints;
using PingYi.Domain.Units;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Intake;

[EnableRateLimiting(RateLimits.Intake)]
[RequestFormLimits(MultipartBodyLengthLimit = SubmitComplaintEndpoint.MaxMultipartBytes)]
[RequestSizeLimit(SubmitComplaintEndpoint.MaxMultipartBytes)]
public sealed class NewModel(ListUnits.Handler units, SubmitComplaint.Handler submit, Triage.TriageEngine triage) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty]
    public List<IFormFile> Attachments { get; set; } = [];

    /// <summary>
    /// Narrows the unit list without JavaScript: the 查找 button posts the whole form back (nothing typed is
    /// lost), and <c>?unitSearch=</c> still works as a link.
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public string? UnitSearch { get; set; }

    /// <summary>
    /// One per rendering of the form. Sent as the intake's idempotency key, so a form posted twice (a reload
    /// of the POST, a double tap, a retry after a lost answer) returns the first complaint instead of a new one.
    /// </summary>
    [BindProperty]
    public string? FormToken { get; set; }

    public IReadOnlyList<ListUnits.Item> Units { get; private set; } = [];

    /// <summary>您反映的问题可能涉及: the units the typed title and description point to (after 查找), never chosen for the citizen.</summary>
    public IReadOnlyList<string> MatterHints { get; private set; } = [];

    /// <summary>A hint's least score: below it the words matched too little to be worth a citizen's attention.</summary>
    public const double MatterHintScore = 0.25;

    public const int MaxMatterHints = 2;

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>Files were chosen but the form was shown again (a search or an error): they must be chosen again.</summary>
    public bool FilesDropped { get; private set; }

    /// <summary>The TempData key of the result shown once on <c>/complaints/lodged</c>.</summary>
    public const string LodgedKey = "intake.lodged";

    private const string FormTokenPrefix = "web-form:";

    public sealed class InputModel
    {
        public string? UnitCode { get; set; }
        public string? Category { get; set; }
        public string? Title { get; set; }
        public string? Description { get; set; }
        public string? OccurredOn { get; set; }
        public string? Location { get; set; }
        public bool Anonymous { get; set; } = true;
        public string? Name { get; set; }
        public string? Phone { get; set; }
        public string? Email { get; set; }

        /// <summary>Also send the access code to the mobile number by SMS (otherwise the SMS has the tracking number only).</summary>
        public bool SmsAccessCode { get; set; }
    }

    public async Task OnGetAsync(string? unit, CancellationToken ct)
    {
        FormToken = NewFormToken();
        Units = await units.HandleAsync(UnitSearch, ct);
        if (Units.Count == 1)
        {
            Input.UnitCode = Units[0].Code;
        }
        else if (unit is not null)
        {
            Input.UnitCode = unit;
        }
    }

    /// <summary>查找: narrows the unit list and shows the form again with everything typed.</summary>
    public async Task<IActionResult> OnPostSearchAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        FormToken ??= NewFormToken();
        FilesDropped = Attachments.Count > 0;
        var all = await units.HandleAsync(null, ct);
        var found = await units.HandleAsync(UnitSearch, ct);
        // Words in no unit's name (养老金, 暖气) find the units whose duties (or known names) they match instead.
        var matter = found.Count > 0 ? [] : triage.UnitsFor(UnitSearch).Select(u => u.Code).ToHashSet(StringComparer.Ordinal);
        // The unit already chosen stays choosable whatever the search.
        Units = all.Where(u => found.Contains(u) || matter.Contains(u.Code) || u.Code == Input.UnitCode).ToList();
        if (found.Count == 1)
        {
            // One unit's name typed: chosen, as before. A unit the matter points to is never chosen for the citizen.
            Input.UnitCode = found[0].Code;
        }
        MatterHints = string.IsNullOrWhiteSpace(Input.Title + Input.Description) ? []
            : triage.UnitsFor(Input.Title + "。" + Input.Description).Where(u => u.Score >= MatterHintScore).Take(MaxMatterHints).Select(u => u.Name).ToList();
        ModelState.Clear();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = SecurityHeaders.NoStore;
        if (Input.Anonymous && !string.IsNullOrWhiteSpace(Input.Name + Input.Phone + Input.Email))
        {
            // Never drop what a citizen typed without telling them.
            return await ShowErrorsAsync(new Dictionary<string, string[]> { ["anonymous"] = ["您选择了匿名反映，但填写了姓名或联系方式：请改选“实名反映”，或清空这些信息后再提交。"] },
                StatusCodes.Status400BadRequest, ct);
        }
        if (UnitChoice.Missing(Input.UnitCode))
        {
            return await ShowErrorsAsync(new Dictionary<string, string[]> { ["unitCode"] = [UnitChoice.MissingMessage] }, StatusCodes.Status400BadRequest, ct);
        }
        var submission = new ComplaintSubmission(
            UnitChoice.CodeOf(Input.UnitCode), Input.Category, Input.Title, Input.Description, Input.OccurredOn, Input.Location,
            Input.Anonymous, Input.Name, Input.Phone, Input.Email);
        var files = Attachments.Select(UploadedFile.From).ToList();
        var key = IsFormToken(FormToken) ? FormTokenPrefix + FormToken : null;
        var smsCode = !Input.Anonymous && Input.SmsAccessCode;
        var result = await submit.HandleAsync(new SubmitComplaint.Command(submission, files, ComplaintChannel.Web, key, smsCode), ct);
        if (!result.Succeeded && key is not null && result.Failure!.Errors.ContainsKey("Idempotency-Key"))
        {
            // The same form sent again with different content (back, edit, send): that is a new complaint.
            FormToken = NewFormToken();
            result = await submit.HandleAsync(new SubmitComplaint.Command(submission, files, ComplaintChannel.Web, FormTokenPrefix + FormToken, smsCode), ct);
        }
        if (!result.Succeeded)
        {
            return await ShowErrorsAsync(result.Failure!.Errors, result.Failure.StatusCode, ct);
        }
        // Post/Redirect/Get. The access code is shown once: it travels in TempData, a cookie encrypted by
        // Data Protection and deleted when read, never in a URL (which would be logged and kept in history).
        var lodged = result.Value!;
        var texted = Input.Anonymous || Notifications.SmsNotices.Mobile(Input.Phone) is null ? null
            : smsCode ? "受理编号和查询码已同时以短信发到您的手机。" : "受理编号已以短信发到您的手机（短信不含查询码）。";
        TempData[LodgedKey] = JsonSerializer.Serialize(new LodgedModel.Result(lodged.TrackingNumber, AccessCode.Display(lodged.AccessCode), Input.Anonymous, texted));
        return RedirectToPage("/Complaints/Intake/Lodged");
    }

    private async Task<IActionResult> ShowErrorsAsync(IDictionary<string, string[]> errors, int status, CancellationToken ct)
    {
        Errors = errors;
        Response.StatusCode = status;
        FilesDropped = Attachments.Count > 0;
        FormToken ??= NewFormToken();
        Units = await units.HandleAsync(null, ct);
        return Page();
    }

    private static string NewFormToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    private static bool IsFormToken(string? token) =>
        token is { Length: 22 } && Base64Url.IsValid(token, out var length) && length == 16;

    /// <summary>Where each field's message links to: the id of its input.</summary>
    public static string AnchorFor(string field) => field switch
    {
        "unitCode" => "unit",
        "complainant.name" => "name",
        "complainant.phone" => "phone",
        "complainant.email" => "email",
        "anonymous" or "complainant" => "anonymous-choice",
        "title" or "description" or "category" or "occurredOn" or "location" or "attachments" => field,
        _ => "title",
    };

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public string InputClass(string field) => Errors.ContainsKey(field) ? "input-error" : string.Empty;

    public IEnumerable<IGrouping<UnitCategory, ListUnits.Item>> UnitGroups => Units.GroupBy(u => u.Category);
}
