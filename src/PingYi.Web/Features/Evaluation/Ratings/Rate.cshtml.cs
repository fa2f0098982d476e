using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Evaluation.Ratings;

/// <summary>The rating form of one unit for the evaluator's source; posts through the same handler as the API.</summary>
public sealed class RateModel(StaffRounds.Handler rounds, EvaluationRuntime runtime, SubmitRating.Handler submit) : PageModel
{
    public EvaluationRoundDefinition? Round { get; private set; }

    public SourceDefinition? Source { get; private set; }

    public string UnitName { get; private set; } = string.Empty;

    [BindProperty]
    public string? Rating { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    [BindProperty]
    public string? FormReference { get; set; }

    /// <summary>The saved rating exceeded the cap per account and unit and waits for a Supervisor.</summary>
    [TempData(Key = "rating-awaiting")]
    public bool AwaitingConfirmation { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Answers { get; set; } = [];

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>Set after the redirect that follows a saved rating, so a reload cannot save it twice.</summary>
    [TempData(Key = "rating-saved")]
    public bool Saved { get; set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var m) ? m[0] : null;

    public async Task<IActionResult> OnGetAsync(string unit, CancellationToken ct) => await LoadAsync(unit, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(string unit, CancellationToken ct)
    {
        if (await LoadAsync(unit, ct) is { } refused)
        {
            return refused;
        }
        var result = await submit.HandleAsync(Round!.Year, new SubmitRating.Request(Source!.Code, unit, Rating, Comment, Answers, FormReference), User, ResponseChannel.Form, ct);
        if (result.Succeeded)
        {
            Saved = true;
            AwaitingConfirmation = result.Value!.AwaitingConfirmation;
            return RedirectToPage(new { unit });
        }
        Errors = result.Failure!.Errors;
        Response.StatusCode = result.Failure.StatusCode;
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(string unit, CancellationToken ct)
    {
        var year = (await rounds.OpenRoundAsync(null, ct))?.Year;
        Round = year is null ? null : runtime.Find(year.Value);
        Source = Round?.FindSource(User.EvaluationSource() ?? string.Empty);
        if (Round is null || Source is not { Input: SourceInput.Rating })
        {
            return Forbid();
        }
        var name = await rounds.ActiveUnitNameAsync(unit, ct);
        if (name is null)
        {
            return NotFound();
        }
        if (Source.Code == EvaluationCodes.Liaison && !Round.LiaisonCovers(User.Email() ?? string.Empty, unit))
        {
            return Forbid();
        }
        UnitName = name;
        return null;
    }
}
