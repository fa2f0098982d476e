using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Outbox;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>
/// 发件箱 for administrators: the newest messages, optionally of one state, with the count of each state. A message
/// to a complainant shows neither the address nor the text (<see cref="OutboxMasking"/>).
/// </summary>
public static class ListOutbox
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

    public sealed record Row(long Id, string Kind, string Recipient, string Subject, OutboxState State, int Attempts, DateTime CreatedAtUtc, DateTime NextAttemptAtUtc, DateTime? SentAtUtc, string? LastError,
        bool ToComplainant = false);

    public sealed record Page(IReadOnlyDictionary<OutboxState, int> Counts, IReadOnlyList<Row> Rows);

    public sealed class Handler(PingYiDbContext db)
    {
        public async Task<Result<Page>> HandleAsync(string? state, CancellationToken ct)
        {
            var query = db.OutboxMessages.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(state))
            {
                var match = States.FirstOrDefault(s => s.Code == state.Trim().ToLowerInvariant());
                if (match.Code is null)
                {
                    return RequestFailure.Invalid("提交的内容有误", "state", "状态只能是待发送、发送中、已发送或发送失败。");
                }
                query = query.Where(m => m.State == match.State);
            }
            var counts = await db.OutboxMessages.GroupBy(m => m.State).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
            var rows = (await query.OrderByDescending(m => m.Id).Take(PageSize)
                .Select(m => new Row(m.Id, m.Kind, m.Recipient, m.Subject, m.State, m.Attempts, m.CreatedAtUtc, m.NextAttemptAtUtc, m.SentAtUtc, m.LastError, m.ToComplainant))
                .ToListAsync(ct))
                .Select(r => r with
                {
                    Recipient = OutboxMasking.Recipient(r.ToComplainant, r.Recipient),
                    Subject = OutboxMasking.Text(r.ToComplainant, r.Subject)!,
                    LastError = OutboxMasking.Text(r.ToComplainant, r.LastError),
                }).ToList();
            return new Page(counts, rows);
        }
    }
}
