using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Statistics;

/// <summary>
/// 每月一题 (issue 23 §5, for the committee's 分析研判): the complaints lodged in one China calendar month by problem
/// category and unit, in one GROUP BY, and the month's question — the most frequent category and the units where it
/// came up most. Supervisors and administrators only: it compares units.
/// </summary>
public static class GetTopics
{
    /// <param name="UnitCode">Null for complaints still 待确定单位 (no unit chosen yet).</param>
    public sealed record Cell(string? UnitCode, string UnitName, int Count);

    /// <param name="Units">The units with complaints of this category in the month, most first.</param>
    public sealed record Topic(string Category, string Label, int Count, IReadOnlyList<Cell> Units);

    /// <param name="Topics">Every category, the most frequent first (ties by the category's order).</param>
    public sealed record Month(DateOnly First, IReadOnlyList<Topic> Topics, int Total)
    {
        /// <summary>每月一题: the most frequent category of the month; null when nothing was lodged.</summary>
        public Topic? Question => Total == 0 ? null : Topics[0];
    }

    public sealed class Handler(PingYiDbContext db, TimeProvider time)
    {
        /// <param name="month">YYYY-MM; the current China month when empty.</param>
        public async Task<Result<Month>> HandleAsync(string? month, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!user.IsSupervisor() && !user.IsAdmin())
            {
                return RequestFailure.Forbidden("无权查看", "user", "只有纪检监察工委和系统管理员可以查看每月一题。");
            }
            var today = ChinaTime.Today(time);
            DateOnly first;
            if (string.IsNullOrWhiteSpace(month))
            {
                first = new DateOnly(today.Year, today.Month, 1);
            }
            else if (DateOnly.TryParseExact(month.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                first = parsed;
            }
            else
            {
                return RequestFailure.Invalid("提交的内容有误", "month", "月份格式应为 YYYY-MM。");
            }
            var start = ChinaTime.StartOfDayUtc(first);
            var end = ChinaTime.StartOfDayUtc(first.AddMonths(1));
            var counts = await (
                    from c in db.Complaints.AsNoTracking()
                    where c.SubmittedAtUtc >= start && c.SubmittedAtUtc < end
                    group c by new { c.Category, c.UnitId } into g
                    select new { g.Key.Category, g.Key.UnitId, Count = g.Count() })
                .ToListAsync(ct);
            var unitIds = counts.Where(c => c.UnitId is not null).Select(c => c.UnitId!.Value).Distinct().ToList();
            var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).Select(u => new { u.Id, u.Code, u.Name }).ToDictionaryAsync(u => u.Id, ct);
            var topics = ProblemCategories.Codes.All
                .Select((e, order) =>
                {
                    var cells = counts.Where(c => c.Category == e.Value)
                        .Select(c => c.UnitId is { } id ? new Cell(units[id].Code, units[id].Name, c.Count) : new Cell(null, ComplaintTexts.UnitUndetermined, c.Count))
                        .OrderByDescending(c => c.Count).ThenBy(c => c.UnitCode, StringComparer.Ordinal)
                        .ToList();
                    return (Order: order, Topic: new Topic(e.Code, e.Label, cells.Sum(c => c.Count), cells));
                })
                .OrderByDescending(t => t.Topic.Count).ThenBy(t => t.Order)
                .Select(t => t.Topic)
                .ToList();
            return new Month(first, topics, counts.Sum(c => c.Count));
        }
    }
}
