using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;
using PingYi.Data.Outbox;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>发件箱: the outbox for administrators, newest first, filtered by state (<see cref="ListOutbox"/>).</summary>
[Authorize(Roles = StaffRoles.Admin)]
public sealed class OutboxModel(ListOutbox.Handler outbox) : PageModel
{
    public static IReadOnlyList<(string Code, OutboxState State, string Label)> States => ListOutbox.States;

    public static string LabelOf(OutboxState state) => ListOutbox.LabelOf(state);

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    public string? StateError { get; private set; }

    public IReadOnlyList<ListOutbox.Row> Rows { get; private set; } = [];

    public IReadOnlyDictionary<OutboxState, int> Counts { get; private set; } = new Dictionary<OutboxState, int>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var result = await outbox.HandleAsync(State, ct);
        if (!result.Succeeded)
        {
            StateError = result.Failure!.Errors["state"][0];
            Response.StatusCode = ResultHttp.StatusOf(result.Failure.Kind);
            return;
        }
        (Counts, Rows) = (result.Value!.Counts, result.Value.Rows);
    }
}
