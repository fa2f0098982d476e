using Microsoft.AspNetCore.Mvc;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// The 分派建议 card on a supervisor's case page: the suggested units and category with their reasons, beside the
/// unit and category the citizen picked, and the similar earlier complaints. Nothing for anyone else.
/// </summary>
public sealed class SuggestionsViewComponent(GetSuggestions.Handler handler) : ViewComponent
{
    /// <param name="CanMerge">The supervisor may merge this case now: each similar case gets a 并案 link that opens the merge form with it as the primary.</param>
    public sealed record Model(TriageSuggestions Suggestions, string PickedUnitCode, string PickedUnitName, string PickedCategory, string CategoryLabel, bool Open,
        string TrackingNumber = "", bool CanMerge = false);

    public async Task<IViewComponentResult> InvokeAsync(string trackingNumber, string pickedUnitCode, string pickedUnitName, string pickedCategory, bool open, bool canMerge = false)
    {
        if (!UserClaimsPrincipal.IsSupervisor())
        {
            return Content(string.Empty);
        }
        var result = await handler.HandleAsync(UserClaimsPrincipal, trackingNumber, HttpContext.RequestAborted);
        if (!result.Succeeded)
        {
            return Content(string.Empty);
        }
        var s = result.Value!;
        var label = ProblemCategories.Codes.TryParse(s.Category.Code, out var c) ? ProblemCategories.Codes.LabelOf(c) : s.Category.Code;
        return View("/Features/Triage/Suggestions.cshtml", new Model(s, pickedUnitCode, pickedUnitName, pickedCategory, label, open, trackingNumber, canMerge));
    }
}
