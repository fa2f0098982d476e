using System.Linq.Expressions;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Statistics;

/// <summary>
/// The statistics a committee reports upward (docs/statistics.md): the complaints lodged in a period of China dates,
/// grouped by unit, category, channel or month, with how many are closed and the on-time, resolution and
/// satisfaction rates of their handling. Every figure is about the same cohort — the complaints lodged in the period
/// — counted as it stands now. Two GROUP BY queries, both in the database: one over the complaints (lodged, closed),
/// one over their handling record (the rates, by the rules of <see cref="HandlingOutcomes"/>, which the channel
/// score counts with too). Supervisors and administrators see every unit; a unit's handler sees its own unit only.
/// </summary>
public static class GetStatistics
{
    /// <summary>The longest period one request may cover, in days (a year, leap day included).</summary>
    public const int MaxDays = 366;

    /// <summary>The longest groupBy accepted as sent, padding included (the API documents it; the codes are shorter).</summary>
    public const int MaxGroupByLength = 20;

    public const string ByUnit = "unit";
    public const string ByCategory = "category";
    public const string ByChannel = "channel";
    public const string ByMonth = "month";

    public static readonly IReadOnlyDictionary<string, string> GroupLabels = new Dictionary<string, string>
    {
        [ByUnit] = "按单位",
        [ByCategory] = "按问题类别",
        [ByChannel] = "按反映渠道",
        [ByMonth] = "按月份",
    };

    /// <summary>
    /// One group. Rates are shares from 0 to 1 (four decimals), null when there is nothing to measure them by.
    /// <see cref="OnTimeRate"/>: responses given before their deadline ÷ (those + deadlines missed, still-running ones
    /// included). <see cref="ResolvedRate"/>: 已解决 ÷ answers to 问题是否解决. <see cref="SatisfiedRate"/>: 满意 or
    /// 基本满意 ÷ ratings (the complainant's own, or a reached 回访 call's where they gave none).
    /// </summary>
    public sealed record Row(string Key, int Lodged, int Closed, double? OnTimeRate, double? ResolvedRate, double? SatisfiedRate)
    {
        /// <summary>How people read the key (the unit's name, 形式主义, 来电, 2026年3月).</summary>
        [JsonIgnore]
        public string Label { get; init; } = Key;
    }

    public sealed record Report(IReadOnlyList<Row> Rows)
    {
        [JsonIgnore]
        public string GroupBy { get; init; } = ByUnit;

        [JsonIgnore]
        public DateOnly From { get; init; }

        [JsonIgnore]
        public DateOnly To { get; init; }

        /// <summary>Set when a unit's handler asked: the figures are of that unit only.</summary>
        [JsonIgnore]
        public string? OnlyUnit { get; init; }
    }

    /// <summary>The query as given: China dates YYYY-MM-DD (both included; from defaults to 1 January, to to today) and the grouping.</summary>
    public sealed record Query(string? From, string? To, string? GroupBy);

    public sealed class Handler(PingYiDbContext db, TimeProvider time)
    {
        public async Task<Result<Report>> HandleAsync(Query query, ClaimsPrincipal user, CancellationToken ct)
        {
            var scope = ScopeOf(user);
            if (scope is null)
            {
                return RequestFailure.Forbidden("无权查看统计", "user", "只有纪检监察工委、系统管理员和单位承办人可以查看统计。");
            }
            var errors = new ValidationErrors();
            var groupBy = string.IsNullOrWhiteSpace(query.GroupBy) ? ByUnit : query.GroupBy.Trim();
            if (!GroupLabels.ContainsKey(groupBy) || query.GroupBy is { Length: > MaxGroupByLength })
            {
                errors.Add("groupBy", "分组方式应为 unit（单位）、category（问题类别）、channel（反映渠道）或 month（月份）。");
            }
            var today = ChinaTime.Today(time);
            var range = DateRange.Parse(query.From, query.To, errors);
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var from = range.StartUtc is { } f ? ChinaTime.DateOf(f) : new DateOnly(today.Year, 1, 1);
            var to = range.EndUtc is { } t ? ChinaTime.DateOf(t).AddDays(-1) : today;
            if (to < from)
            {
                errors.Add(query.To is null ? "from" : "to", "结束日期不能早于开始日期。");
            }
            else if (to.DayNumber - from.DayNumber + 1 > MaxDays)
            {
                errors.Add("to", $"统计期间最长 {MaxDays} 天，请缩短日期范围。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var rows = await RowsAsync(groupBy, from, to, scope.UnitId, ct);
            var unitCode = scope.UnitId is { } only ? await db.Units.AsNoTracking().Where(u => u.Id == only).Select(u => u.Code).SingleAsync(ct) : null;
            return new Report(rows) { GroupBy = groupBy, From = from, To = to, OnlyUnit = unitCode };
        }

        /// <summary>The totals of the complaints lodged in a calendar year (China time), for the public results page: numbers only.</summary>
        public async Task<Row> YearTotalsAsync(int year, CancellationToken ct)
        {
            var rows = await RowsAsync(Total, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), unitId: null, ct);
            return rows[0] with { Key = year.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        private const string Total = "total";

        private sealed record Scope(int? UnitId);

        /// <summary>Supervisors and administrators: everything; a unit's handler: its own unit; anyone else: nothing.</summary>
        private static Scope? ScopeOf(ClaimsPrincipal user) =>
            user.IsCommittee() ? new Scope(null)
            : user.OwnUnit() is { } unit ? new Scope(unit)
            : null;

        private async Task<List<Row>> RowsAsync(string groupBy, DateOnly from, DateOnly to, int? unitId, CancellationToken ct)
        {
            var startUtc = ChinaTime.StartOfDayUtc(from);
            var endUtc = ChinaTime.StartOfDayUtc(to.AddDays(1));
            var now = time.GetUtcNow().UtcDateTime;
            var months = Months(from, to);
            var complaintKey = ComplaintKey(groupBy, months);

            var lodged = db.Complaints.AsNoTracking().Where(c => c.SubmittedAtUtc >= startUtc && c.SubmittedAtUtc < endUtc);
            if (unitId is { } own)
            {
                // What the unit may see of its cases: those assigned to it (ComplaintVisibility, the lists' rule).
                lodged = lodged.Where(ComplaintVisibility.ToUnit(own));
            }
            var counts = await lodged.GroupBy(complaintKey)
                .Select(g => new { g.Key, Lodged = g.Count(), Closed = g.Count(c => c.Status == ComplaintStatus.Closed) })
                .ToListAsync(ct);

            var handled = db.HandlingRecords.AsNoTracking()
                .Join(db.Complaints.AsNoTracking(), r => r.ComplaintId, c => c.Id, (r, c) => new Handled { R = r, C = c })
                .Where(x => x.C.SubmittedAtUtc >= startUtc && x.C.SubmittedAtUtc < endUtc);
            if (unitId is { } mine)
            {
                handled = handled.Where(x => x.R.UnitId == mine);
            }
            var rates = await handled.GroupBy(HandledKey(groupBy, complaintKey))
                .Select(g => new
                {
                    g.Key,
                    OnTime = g.Count(x => HandlingOutcomes.OnTimeBy(x.R, now)),
                    Missed = g.Count(x => HandlingOutcomes.StoppedLateBy(x.R, now) || HandlingOutcomes.RunningOverdueAt(x.R, now)),
                    Rated = g.Count(x => HandlingOutcomes.SatisfactionBy(x.R, now) != null),
                    Satisfied = g.Count(x => HandlingOutcomes.SatisfiedBy(x.R, now)),
                    Answered = g.Count(x => HandlingOutcomes.ResolutionBy(x.R, now) != null),
                    Resolved = g.Count(x => HandlingOutcomes.ResolutionBy(x.R, now) == Domain.Workflow.Resolution.Resolved),
                })
                .ToListAsync(ct);

            var keys = await KeysAsync(groupBy, months, unitId, counts.Select(c => c.Key).Concat(rates.Select(r => r.Key)).ToHashSet(), ct);
            return keys.Select(k =>
            {
                var c = counts.FirstOrDefault(x => x.Key == k.Value);
                var r = rates.FirstOrDefault(x => x.Key == k.Value);
                return new Row(k.Code, c?.Lodged ?? 0, c?.Closed ?? 0,
                    Share(r?.OnTime ?? 0, (r?.OnTime ?? 0) + (r?.Missed ?? 0)),
                    Share(r?.Resolved ?? 0, r?.Answered ?? 0),
                    Share(r?.Satisfied ?? 0, r?.Rated ?? 0)) { Label = k.Label };
            }).ToList();
        }

        private static double? Share(int numerator, int denominator) => denominator == 0 ? null : Math.Round((double)numerator / denominator, 4);

        private sealed record Key(int Value, string Code, string Label);

        /// <summary>Every group the table shows, in order: all categories, channels and months, every active unit (or the handler's own) and any other unit with figures.</summary>
        private async Task<List<Key>> KeysAsync(string groupBy, IReadOnlyList<DateOnly> months, int? unitId, HashSet<int> present, CancellationToken ct)
        {
            switch (groupBy)
            {
                case Total:
                    return [new Key(0, Total, "合计")];
                case ByCategory:
                    return ProblemCategories.Codes.All.Select(e => new Key((int)e.Value, e.Code, e.Label)).ToList();
                case ByChannel:
                    return ComplaintChannels.Codes.All.Select(e => new Key((int)e.Value, e.Code, e.Label)).ToList();
                case ByMonth:
                    return months.Select((m, i) => new Key(i, $"{m:yyyy-MM}", $"{m.Year}年{m.Month}月")).ToList();
            }
            var units = await db.Units.AsNoTracking()
                .Where(u => unitId == null ? u.Active || present.Contains(u.Id) : u.Id == unitId)
                .OrderBy(u => u.Code)
                .Select(u => new { u.Id, u.Code, u.Name })
                .ToListAsync(ct);
            return units.OrderBy(u => u.Code, StringComparer.Ordinal).Select(u => new Key(u.Id, u.Code, u.Name)).ToList();
        }
    }

    /// <summary>A handling-record row with its complaint, for grouping by the complaint's category, channel or month.</summary>
    private sealed class Handled
    {
        public HandlingRecord R { get; init; } = null!;

        public Complaint C { get; init; } = null!;
    }

    /// <summary>The first day of every month the period touches.</summary>
    private static List<DateOnly> Months(DateOnly from, DateOnly to)
    {
        var months = new List<DateOnly>();
        for (var m = new DateOnly(from.Year, from.Month, 1); m <= to; m = m.AddMonths(1))
        {
            months.Add(m);
        }
        return months;
    }

    /// <summary>
    /// The group of a complaint as an int the database computes: the unit's id, the category or channel, or the
    /// month's index in the period — a CASE over the months' first instants (China time), so both databases group
    /// by the same boundaries without date functions of their own.
    /// </summary>
    private static Expression<Func<Complaint, int>> ComplaintKey(string groupBy, IReadOnlyList<DateOnly> months)
    {
        switch (groupBy)
        {
            case ByUnit:
                // A case still 待确定单位 has no unit: 0 is no unit's id, so it counts for none.
                return c => c.UnitId ?? 0;
            case ByCategory:
                return c => (int)c.Category;
            case ByChannel:
                return c => (int)c.Channel;
            case ByMonth:
                var c = Expression.Parameter(typeof(Complaint), "c");
                var submitted = Expression.Property(c, nameof(Complaint.SubmittedAtUtc));
                Expression key = Expression.Constant(months.Count - 1);
                for (var i = months.Count - 2; i >= 0; i--)
                {
                    var next = Expression.Constant(ChinaTime.StartOfDayUtc(months[i + 1]));
                    key = Expression.Condition(Expression.LessThan(submitted, next), Expression.Constant(i), key);
                }
                return Expression.Lambda<Func<Complaint, int>>(key, c);
            default:
                return _ => 0;
        }
    }

    /// <summary>The same group for a handling-record row: by unit it is the unit that held the case then, otherwise the complaint's.</summary>
    private static Expression<Func<Handled, int>> HandledKey(string groupBy, Expression<Func<Complaint, int>> complaintKey)
    {
        if (groupBy == ByUnit)
        {
            return x => x.R.UnitId;
        }
        var x = Expression.Parameter(typeof(Handled), "x");
        var body = new ReplaceParameter(complaintKey.Parameters[0], Expression.Property(x, nameof(Handled.C))).Visit(complaintKey.Body);
        return Expression.Lambda<Func<Handled, int>>(body, x);
    }

    private sealed class ReplaceParameter(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
