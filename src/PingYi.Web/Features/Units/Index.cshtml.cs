using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PingYi.Web.Features.Units;

public sealed class IndexModel(ListUnits.Handler units) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public IReadOnlyList<ListUnits.Item> Units { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Units = await units.HandleAsync(Q, ct);
}
