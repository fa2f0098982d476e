using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Evaluation.Survey;

/// <summary>
/// The public questionnaire a QR code leads to: no sign-in. With a one-time evaluation code (一事一评) one answer
/// per code; without one (the static QR) one response per browser per unit per day, weighed apart.
/// </summary>
[EnableRateLimiting(PublicSurvey.RateLimitPolicy)]
public sealed class IndexModel(PublicSurvey.Handler handler) : PageModel
{
    public PublicSurvey.Target? Target { get; private set; }

    [BindProperty]
    public string? Rating { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Answers { get; set; } = [];

    /// <summary>A one-time evaluation code (一事一评): from the printed QR's <c>?code=</c>, or typed in.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>Set after a response is saved: what was said, shown back as text.</summary>
    public Questionnaires.Filled? Submitted { get; private set; }

    public string? Refusal { get; private set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var m) ? m[0] : null;

    public async Task<IActionResult> OnGetAsync(int year, string source, string unit, CancellationToken ct)
    {
        Target = await handler.FindAsync(year, source, unit, ct);
        if (Target is null)
        {
            return NotFound();
        }
        PublicSurvey.BrowserKey(HttpContext);
        if (TempData[ThanksKey] is string thanks && JsonSerializer.Deserialize<Thanks>(thanks) is { } said)
        {
            Submitted = new Questionnaires.Filled(said.Rating, null, said.Texts.Select(t => new EvaluationAnswer(t.Item, null, t.Text)).ToList());
        }
        else if (!string.IsNullOrWhiteSpace(Code))
        {
            // Say at once that a code is spent, expired or another unit's, before anyone fills in the form.
            var (_, refusal) = await handler.CheckCodeAsync(Target, Code, ct);
            if (refusal is { StatusCode: StatusCodes.Status400BadRequest })
            {
                Errors = refusal.Errors;
            }
            else if (refusal is not null)
            {
                Refusal = refusal.Errors.Values.First()[0];
                Response.StatusCode = refusal.StatusCode;
            }
        }
        return Page();
    }

    private const string ThanksKey = "survey-thanks";

    /// <summary>What the thank-you shows back, carried across the redirect after a saved response.</summary>
    private sealed record Thanks(string Rating, List<ThanksText> Texts);

    private sealed record ThanksText(string Item, string Text);

    public async Task<IActionResult> OnPostAsync(int year, string source, string unit, CancellationToken ct)
    {
        Target = await handler.FindAsync(year, source, unit, ct);
        if (Target is null)
        {
            return NotFound();
        }
        var result = await handler.SubmitAsync(Target, PublicSurvey.BrowserKey(HttpContext), Infrastructure.RateLimits.ClientKey(HttpContext.Connection.RemoteIpAddress), Rating, Answers, ct, Code);
        if (result.Succeeded)
        {
            // Post/Redirect/Get: a reload shows the thanks again instead of posting the response a second time.
            TempData[ThanksKey] = JsonSerializer.Serialize(new Thanks(result.Value!.Rating,
                result.Value.Answers.Where(a => a.Text is not null).Select(a => new ThanksText(a.ItemCode, a.Text!)).ToList()));
            return RedirectToPage();
        }
        Errors = result.Failure!.Errors;
        if (result.Failure.StatusCode is StatusCodes.Status409Conflict or StatusCodes.Status429TooManyRequests or StatusCodes.Status410Gone or StatusCodes.Status403Forbidden)
        {
            Refusal = Errors.Values.First()[0];
        }
        Response.StatusCode = result.Failure.StatusCode;
        return Page();
    }
}
