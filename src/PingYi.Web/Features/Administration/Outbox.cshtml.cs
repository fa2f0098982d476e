using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Data.Outbox;

namespace PingYi.Web.Features.Administration;

/// <summary>发件箱: the outbox for administrators, newest first, filtered by state.</summary>
[Authorize(Roles = StaffRoles.Admin)]
public sealed class OutboxModel(PingYiDbContext db) : PageModel
{
    public const int PageSize = 100;

    public static readonly IReadOnlyList<(string Code, OutboxState State, string Label)> States =
    [
        ("pending", OutboxState.Pending, "待发送"),
        ("sending", OutboxState.Sending, "发送中"),
        ("sent", OutboxState.Sent, "已发送"),
        ("failed", OutboxState.Failed, "发送失败"),
    ];

    public static string LabelOf(OutboxState state) => States.First(s => s.State == state).Label;

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    public string? StateError { get; private set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public IReadOnlyDictionary<OutboxState, int> Counts { get; private set; } = new Dictionary<OutboxState, int>();

    public sealed record Row(long Id, string Kind, string Recipient, string Subject, OutboxState State, int Attempts, DateTime CreatedAtUtc, DateTime NextAttemptAtUtc, DateTime? SentAtUtc, string? LastError,
        bool ToComplainant = false);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.OutboxMessages.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(State))
        {
            var match = States.FirstOrDefault(s => s.Code == State.Trim().ToLowerInvariant());
            if (match.Code is null)
            {
                StateError = "状态只能是待发送、发送中、已发送或发送失败。";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            query = query.Where(m => m.State == match.State);
        }
        Counts = await db.OutboxMessages.GroupBy(m => m.State).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Rows = (await query.OrderByDescending(m => m.Id).Take(PageSize)
            .Select(m => new Row(m.Id, m.Kind, m.Recipient, m.Subject, m.State, m.Attempts, m.CreatedAtUtc, m.NextAttemptAtUtc, m.SentAtUtc, m.LastError, m.ToComplainant))
            .ToListAsync(ct))
            .Select(r => r with
            {
                Recipient = OutboxMasking.Recipient(r.ToComplainant, r.Recipient),
                Subject = OutboxMasking.Text(r.ToComplainant, r.Subject)!,
                LastError = OutboxMasking.Text(r.ToComplainant, r.LastError),
            }).ToList();
    }
}
