using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PingYi.Web.Features.Scoring.Dossier;

/// <summary>单位档案: the page of <c>GET /api/v1/units/{code}/dossier</c>, through the same handler.</summary>
public sealed class DossierModel(UnitDossier.Handler handler) : PageModel
{
    public UnitDossier.View D { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        var result = await handler.HandleAsync(code, User, ct);
        if (!result.Succeeded)
        {
            return NotFound();
        }
        D = result.Value!;
        return Page();
    }
}
