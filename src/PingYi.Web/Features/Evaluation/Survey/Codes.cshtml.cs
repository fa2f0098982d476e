using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Survey;

/// <summary>
/// 评价码 (一事一评): a unit's handler (own unit) or a Supervisor (any unit in the hall) makes a batch of one-time codes
/// and prints it: each code with its QR leading to the survey with the code filled in. The codes are in this one
/// response only; the list shows counts, and the same form posted again shows nothing.
/// </summary>
public sealed class CodesModel(StaffRounds.Handler rounds, SurveyCodeBatches.Handler batches, MailSettings mail, EvaluationRuntime runtime) : PageModel
{
    public sealed record Printed(string Code, string Display, string Url, string Svg);

    public int Year { get; private set; }

    /// <summary>The round file's <c>publicSurvey.codeValidDays</c>.</summary>
    public int ValidDays { get; private set; }

    public IReadOnlyList<(string Code, string Name)> Units { get; private set; } = [];

    public IReadOnlyList<SurveyCodeBatches.Summary> Batches { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public string? Unit { get; set; }

    [BindProperty] public int Count { get; set; } = 50;

    [BindProperty] public string? Nonce { get; set; }

    public SurveyCodeBatches.Made? Made { get; private set; }

    public IReadOnlyList<Printed> Sheet { get; private set; } = [];

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var m) ? m[0] : null;

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct) => await LoadAsync(year, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(int? year, CancellationToken ct)
    {
        if (await LoadAsync(year, ct) is { } refused)
        {
            return refused;
        }
        // Printed codes must never sit in a cache (the browser's back button included).
        Response.Headers.CacheControl = "no-store";
        var result = await batches.MakeAsync(Year, Unit, Count, Nonce, User, ct);
        if (!result.Succeeded)
        {
            Errors = result.Failure!.Errors;
            Response.StatusCode = result.Failure.StatusCode;
            Nonce = SurveyCodeBatches.NewNonce();
            return Page();
        }
        Made = result.Value!;
        // The configured public address, never the request's Host header (a printed code outlives the request).
        var path = PublicSurvey.PathOf(Made.Year, EvaluationCodes.ServiceHall, Made.UnitCode);
        Sheet = Made.Codes.Select(c =>
        {
            var url = mail.Link($"{path}?code={c}");
            return new Printed(c, SurveyCodeFormat.Display(c), url, PublicSurvey.QrSvg(url));
        }).ToList();
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(int? year, CancellationToken ct)
    {
        var supervisor = User.IsSupervisor();
        var own = User.OwnUnit();
        if (!supervisor && own is null)
        {
            return Forbid();
        }
        var round = await rounds.OpenRoundAsync(year, ct);
        if (round is null)
        {
            return NotFound();
        }
        Year = round.Year;
        ValidDays = runtime.Find(Year)?.PublicSurvey.CodeValidDays ?? PublicSurveyLimits.DefaultCodeValidDays;
        Units = await rounds.UnitsAsync(supervisor, own, true, ct);
        Unit ??= Units.Count == 1 ? Units[0].Code : null;
        Batches = await batches.ListAsync(round.Id, User, ct);
        Nonce ??= SurveyCodeBatches.NewNonce();
        return null;
    }
}
