using System.Linq.Expressions;
using PingYi.Domain.Calendar;

namespace PingYi.Domain.Tests.Calendar;

/// <summary>The deadline rules that every page, mail, list and score share (<see cref="Deadlines"/>).</summary>
public sealed class DeadlinesTests
{
    private static readonly Lazy<WorkingDayCalendar> China = new(() => WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar));

    private static WorkingDayCalendar Cn => China.Value;

    private static DateTime Utc(string s) => DateTime.SpecifyKind(DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind), DateTimeKind.Utc);

    [Fact]
    public void Late_from_the_deadline_instant_on_and_never_without_a_deadline()
    {
        var due = Utc("2026-12-16T16:00:00Z"); // 24:00 at the end of Wednesday 2026-12-16, China time
        Assert.False(Deadlines.Late(due.AddTicks(-1), due));
        Assert.True(Deadlines.Late(due, due));
        Assert.True(Deadlines.Late(due.AddDays(3), due));
        Assert.False(Deadlines.Late(due, (DateTime?)null));
        Assert.True(Deadlines.Late(due, (DateTime?)due));
    }

    [Fact]
    public void Expand_inlines_the_one_boundary_so_a_query_needs_no_call()
    {
        var at = Utc("2026-12-16T16:00:00Z");
        Expression<Func<DateTime?, bool>> nullable = due => Deadlines.Late(at, due);
        Expression<Func<DateTime, bool>> plain = due => Deadlines.Late(at, due);
        foreach (var query in new LambdaExpression[] { nullable, plain })
        {
            var expanded = Deadlines.Expand(query);
            Assert.DoesNotContain(nameof(Deadlines.Late), expanded.ToString(), StringComparison.Ordinal);
        }
        var n = ((Expression<Func<DateTime?, bool>>)Deadlines.Expand(nullable)).Compile();
        var p = ((Expression<Func<DateTime, bool>>)Deadlines.Expand(plain)).Compile();
        foreach (var due in new[] { at.AddTicks(-1), at, at.AddTicks(1) })
        {
            Assert.Equal(Deadlines.Late(at, due), p(due));
            Assert.Equal(Deadlines.Late(at, due), n(due));
        }
        Assert.False(n(null));
    }

    [Fact]
    public void A_deadline_of_n_working_days_set_today_reads_n_days_left_today()
    {
        // Wednesday 2026-11-25 10:00 China time: 15 working days end on Wednesday 12-16, accept's 2 on Friday 11-27.
        var now = Utc("2026-11-25T02:00:00Z");
        var handling = Cn.DeadlineUtc(now, 15);
        Assert.Equal(Utc("2026-12-16T16:00:00Z"), handling);
        Assert.Equal(new DeadlineStanding(false, 15, 0, "剩余 15 个工作日"), Deadlines.Standing(Cn, handling, now));
        Assert.Equal("剩余 2 个工作日", Deadlines.Standing(Cn, Cn.DeadlineUtc(now, 2), now, DeadlineKind.Accept).Text);
        // Late at night it is still the same day: the same figure.
        Assert.Equal("剩余 15 个工作日", Deadlines.Standing(Cn, handling, Utc("2026-11-25T15:59:00Z")).Text);
        // Friday 11-27 has 13 ahead of it; the Saturday after it too (a weekend day takes nothing off).
        Assert.Equal("剩余 13 个工作日", Deadlines.Standing(Cn, handling, Utc("2026-11-27T02:00:00Z")).Text);
        Assert.Equal("剩余 13 个工作日", Deadlines.Standing(Cn, handling, Utc("2026-11-28T02:00:00Z")).Text);
    }

    [Fact]
    public void On_the_last_day_it_is_due_today_and_from_its_end_it_is_overdue_by_the_working_days_begun()
    {
        var due = Utc("2026-12-18T16:00:00Z"); // end of Friday 2026-12-18
        Assert.Equal("剩余 1 个工作日", Deadlines.Standing(Cn, due, Utc("2026-12-17T02:00:00Z")).Text);
        Assert.Equal(new DeadlineStanding(false, 0, 0, "今天到期"), Deadlines.Standing(Cn, due, Utc("2026-12-18T15:59:59Z")));
        // Saturday: late, but no working day of lateness has begun yet.
        Assert.Equal(new DeadlineStanding(true, 0, 0, "已超期"), Deadlines.Standing(Cn, due, due));
        Assert.Equal(new DeadlineStanding(true, 0, 1, "超期 1 个工作日"), Deadlines.Standing(Cn, due, Utc("2026-12-21T02:00:00Z")));
        Assert.Equal("超期 2 个工作日", Deadlines.Standing(Cn, due, Utc("2026-12-22T02:00:00Z")).Text);
        Assert.Equal("超过受理期限 2 个工作日", Deadlines.Standing(Cn, due, Utc("2026-12-22T02:00:00Z"), DeadlineKind.Accept).Text);
        Assert.Equal("已过受理期限", Deadlines.Standing(Cn, due, due, DeadlineKind.Accept).Text);
        Assert.Equal("2026-12-18 24:00（超期 2 个工作日）", Deadlines.WithStanding(Cn, due, Utc("2026-12-22T02:00:00Z")));
    }

    [Fact]
    public void The_late_flag_and_the_words_never_disagree()
    {
        var due = Utc("2026-12-18T16:00:00Z");
        for (var at = due.AddDays(-3); at < due.AddDays(5); at = at.AddMinutes(30))
        {
            var s = Deadlines.Standing(Cn, due, at);
            Assert.Equal(Deadlines.Late(at, due), s.Late);
            Assert.Equal(s.Late, s.Text.Contains("超期", StringComparison.Ordinal));
            Assert.Equal(!s.Late, s.Text.StartsWith("剩余", StringComparison.Ordinal) || s.Text == "今天到期");
        }
    }

    [Fact]
    public void A_count_that_runs_into_a_year_without_a_calendar_says_it_is_provisional()
    {
        Assert.False(Cn.HasDataFor(2027));
        // Assigned Friday 2026-12-18: 15 working days end on Friday 2027-01-08, counting 元旦 as a working day (2027 unknown).
        var now = Utc("2026-12-18T02:00:00Z");
        var due = Cn.DeadlineUtc(now, 15);
        var s = Deadlines.Standing(Cn, due, now);
        Assert.True(s.Provisional);
        Assert.Equal("剩余 15 个工作日，暂按周一至周五计算", s.Text);
        Assert.False(Deadlines.Standing(Cn, Utc("2026-12-16T16:00:00Z"), now).Provisional);
        // Overdue from 2026 into 2027: the overdue count is provisional too.
        Assert.True(Deadlines.Standing(Cn, Utc("2026-12-30T16:00:00Z"), Utc("2027-01-05T02:00:00Z")).Provisional);
    }
}
