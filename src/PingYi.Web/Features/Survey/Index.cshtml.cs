using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Web.Features.Evaluation;

namespace PingYi.Web.Features.Survey;

/// <summary>The public questionnaire a QR code leads to: no sign-in, one response per browser per unit per day.</summary>
[EnableRateLimiting(PublicSurvey.RateLimitPolicy)]
public sealed class IndexModel(PublicSurvey.Handler handler) : PageModel
{
    public PublicSurvey.Target? Target { get; private set; }

    [BindProperty]
    public string? Rating { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Answers { get; set; } = [];

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
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int year, string source, string unit, CancellationToken ct)
    {
        Target = await handler.FindAsync(year, source, unit, ct);
        if (Target is null)
        {
            return NotFound();
        }
        var result = await handler.SubmitAsync(Target, PublicSurvey.BrowserKey(HttpContext), Infrastructure.RateLimits.ClientKey(HttpContext.Connection.RemoteIpAddress), Rating, Answers, ct);
        if (result.Succeeded)
        {
            Submitted = result.Value;
            return Page();
        }
        Errors = result.Failure!.Errors;
        if (result.Failure.StatusCode is StatusCodes.Status409Conflict or StatusCodes.Status429TooManyRequests)
        {
            Refusal = Errors.Values.First()[0];
        }
        Response.StatusCode = result.Failure.StatusCode;
        return Page();
    }
}
