using PingYi.Domain.Calendar;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;

namespace PingYi.Domain.Tests.Scoring;

/// <summary>The monthly 通报's rules (issue 23 §5): the interim channel ranking, its bottom two, the day the job acts.</summary>
public sealed class MonthlyRankingTests
{
    private static readonly Lazy<WorkingDayCalendar> China = new(() => WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar));

    private static MonthlySnapshotLine Line(string code, double? score, UnitCategory category = UnitCategory.Government) =>
        new(code, code, category, score is null ? 0 : 10, score, ChannelRates.All.ToDictionary(r => r, _ => (double?)null), null, null);

    [Fact]
    public void Ranks_each_category_by_channel_score_and_flags_its_bottom_two()
    {
        var lines = new[]
        {
            Line("a", 95), Line("b", 80), Line("c", 80), Line("d", 60), Line("e", null),
            Line("x", 70, UnitCategory.Central), Line("y", 50, UnitCategory.Central),
            Line("solo", 10, UnitCategory.PartyMass),
        };
        MonthlyRanking.Rank(lines);
        var by = lines.ToDictionary(l => l.UnitCode);
        // Equal scores share a rank; the unit without a channel score is neither ranked nor warned.
        Assert.Equal([1, 2, 2, 4], new[] { "a", "b", "c", "d" }.Select(c => by[c].ChannelRank!.Value));
        Assert.Null(by["e"].ChannelRank);
        Assert.False(by["e"].BottomTwo);
        // Bottom two: fewer than two ranked below and at least one above — b and c tie above d, so all three are.
        Assert.Equal([false, true, true, true], new[] { "a", "b", "c", "d" }.Select(c => by[c].BottomTwo));
        // Two units: the lower one only (the top one has none above it); one alone is never at the bottom.
        Assert.Equal((1, false, 2, true), (by["x"].ChannelRank!.Value, by["x"].BottomTwo, by["y"].ChannelRank!.Value, by["y"].BottomTwo));
        Assert.Equal((1, false), (by["solo"].ChannelRank!.Value, by["solo"].BottomTwo));
    }

    [Theory]
    [InlineData("2026-10-08", true)]   // after 国庆 (1–7 October)
    [InlineData("2026-10-01", false)]
    [InlineData("2026-10-09", false)]
    [InlineData("2026-01-04", true)]   // a Sunday, the adjusted workday (调休) after 元旦 (1–3 January)
    [InlineData("2026-01-05", false)]
    [InlineData("2026-05-06", true)]   // after 劳动节 (1–5 May)
    [InlineData("2026-11-02", true)]   // 1 November is a Sunday
    [InlineData("2026-12-01", true)]
    [InlineData("2026-12-02", false)]
    public void The_job_acts_on_the_first_working_day_of_the_month(string date, bool first) =>
        Assert.Equal(first, MonthlyRanking.IsFirstWorkingDayOfMonth(China.Value, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));
}
