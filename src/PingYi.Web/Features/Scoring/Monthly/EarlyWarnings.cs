using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;

namespace PingYi.Web.Features.Scoring.Monthly;

/// <summary>
/// Early warning (预警, issue 23 §5): a unit in the bottom two of its category on the current month's snapshot
/// (China time; none before the month's first working day, when the snapshot is taken), or on the tracking list of
/// exactly the previous year (<see cref="ScoringResults.BottomTwoOfAsync"/>). The 督办台 lists them with the rates that
/// put them there; the daily digest tells each unit's handlers. Carries no case's complainant, nothing but the unit's figures.
/// </summary>
public static class EarlyWarnings
{
    /// <param name="Month">The current month's snapshot the unit's figures come from (null: none taken yet, or the unit is not in it).</param>
    /// <param name="Ranked">Units of the category with an interim channel rank in that snapshot.</param>
    public sealed record Warning(
        int UnitId, string UnitCode, string UnitName, UnitCategory Category, bool BottomTwo, bool TrackingList, int Year, int? Month,
        int? ChannelRank, int Ranked, double? ChannelScore, int Cases, IReadOnlyDictionary<string, double?> Rates)
    {
        public string CategoryLabel => UnitCategories.Codes.LabelOf(Category);

        /// <summary>Why the unit is warned, in words (the desk and the digest).</summary>
        public IReadOnlyList<string> Reasons =>
        [
            .. BottomTwo ? [$"{Year} 年 {Month} 月月度通报中，直通车阶段排名{CategoryLabel}第 {ChannelRank} 名（共 {Ranked} 个单位），列后两位"] : Array.Empty<string>(),
            .. TrackingList ? [$"{Year - 1} 年度评议列后两位，为重点跟踪对象"] : Array.Empty<string>(),
        ];

        /// <summary>The rates as "按期办结率 80.0%", the measurable ones only.</summary>
        public IReadOnlyList<string> RateTexts => ChannelRates.All.Where(r => Rates.GetValueOrDefault(r) is not null)
            .Select(r => $"{MonthlyReports.RateLabel(r)} {MonthlyReports.Percent(Rates[r])}").ToList();
    }

    public sealed class Handler(PingYiDbContext db, ScoringResults results, TimeProvider time)
    {
        public async Task<IReadOnlyList<Warning>> CurrentAsync(CancellationToken ct)
        {
            var today = ChinaTime.Today(time);
            var year = today.Year;
            var lines = await db.MonthlySnapshots.AsNoTracking().Where(s => s.Year == year && s.Month == today.Month)
                .SelectMany(s => s.Lines).ToListAsync(ct);
            var tracking = await results.BottomTwoOfAsync(year - 1, ct);
            var warned = lines.Where(l => l.BottomTwo).Select(l => l.UnitCode).Union(tracking, StringComparer.Ordinal).ToList();
            if (warned.Count == 0)
            {
                return [];
            }
            var units = await db.Units.AsNoTracking().Where(u => u.Active && warned.Contains(u.Code))
                .Select(u => new { u.Id, u.Code, u.Name, u.Category }).ToListAsync(ct);
            var byCode = lines.ToDictionary(l => l.UnitCode, StringComparer.Ordinal);
            return units.Select(u =>
                {
                    var line = byCode.GetValueOrDefault(u.Code);
                    var category = line?.Category ?? u.Category;
                    return new Warning(u.Id, u.Code, u.Name, category, line?.BottomTwo ?? false, tracking.Contains(u.Code), year,
                        line is null ? null : today.Month, line?.ChannelRank,
                        lines.Count(l => l.Category == category && l.ChannelRank is not null), line?.ChannelScore, line?.Cases ?? 0,
                        line?.Rates ?? new Dictionary<string, double?>());
                })
                .OrderBy(w => w.Category).ThenByDescending(w => w.BottomTwo).ThenByDescending(w => w.ChannelRank).ThenBy(w => w.UnitCode, StringComparer.Ordinal)
                .ToList();
        }
    }
}
