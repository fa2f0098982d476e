using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Domain.Complaints;
using PingYi.Domain.Units;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Intake;

[EnableRateLimiting(RateLimits.Intake)]
[RequestFormLimits(MultipartBodyLengthLimit = SubmitComplaintEndpoint.MaxMultipartBytes)]
[RequestSizeLimit(SubmitComplaintEndpoint.MaxMultipartBytes)]
public sealed class NewModel(ListUnits.Handler units, SubmitComplaint.Handler submit) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty]
    public List<IFormFile> Attachments { get; set; } = [];

    /// <summary>Narrows the unit list without JavaScript (a GET with <c>?unitSearch=</c>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? UnitSearch { get; set; }

    public IReadOnlyList<ListUnits.Item> Units { get; private set; } = [];

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public SubmitComplaint.Success? Lodged { get; private set; }

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
    }

    public async Task OnGetAsync(string? unit, CancellationToken ct)
    {
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

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Input.Anonymous && !string.IsNullOrWhiteSpace(Input.Name + Input.Phone + Input.Email))
        {
            // Never drop what a citizen typed without telling them.
            Errors = new Dictionary<string, string[]> { ["anonymous"] = ["您选择了匿名反映，但填写了姓名或联系方式：请改选“实名反映”，或清空这些信息后再提交。"] };
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Units = await units.HandleAsync(null, ct);
            return Page();
        }
        var submission = new ComplaintSubmission(
            Input.UnitCode, Input.Category, Input.Title, Input.Description, Input.OccurredOn, Input.Location,
            Input.Anonymous, Input.Name, Input.Phone, Input.Email);
        var result = await submit.HandleAsync(
            new SubmitComplaint.Command(submission, Attachments.Select(UploadedFile.From).ToList(), ComplaintChannel.Web), ct);
        Response.Headers.CacheControl = "no-store";
        if (result.Succeeded)
        {
            Lodged = result.Value;
            return Page();
        }
        Errors = result.Failure!.Errors;
        Response.StatusCode = result.Failure.StatusCode;
        Units = await units.HandleAsync(null, ct);
        return Page();
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public string InputClass(string field) => Errors.ContainsKey(field) ? "input-error" : string.Empty;

    public IEnumerable<IGrouping<UnitCategory, ListUnits.Item>> UnitGroups => Units.GroupBy(u => u.Category);
}
