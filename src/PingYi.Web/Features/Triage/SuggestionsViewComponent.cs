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
    public sealed record Model(TriageSuggestions Suggestions, string PickedUnitCode, string PickedUnitName, string PickedCategory, string CategoryLabel, bool Open);

    public async Task<IViewComponentResult> InvokeAsync(string trackingNumber, string pickedUnitCode, string pickedUnitName, string pickedCategory, bool open)
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
        return View("/Features/Triage/Suggestions.cshtml", new Model(s, pickedUnitCode, pickedUnitName, pickedCategory, label, open));
    }
}
