using PingYi.Domain.Calendar;

namespace PingYi.Domain.Tests.Calendar;

public sealed class WorkingDayCalendarTests
{
    private static readonly Lazy<WorkingDayCalendar> China = new(() => WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar));

    private static WorkingDayCalendar Cn => China.Value;

    private static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd");

    private static DateTime Utc(string s) => DateTime.SpecifyKind(DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind), DateTimeKind.Utc);

    [Fact]
    public void The_project_copy_covers_2019_to_2026()
    {
        Assert.Equal([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026], Cn.CoveredYears);
        Assert.Empty(Cn.YearsWithoutData(2019, 2026));
        Assert.Equal([2027, 2028], Cn.YearsWithoutData(2025, 2028));
    }

    [Theory]
    [InlineData("2020-09-25", true)]  // Friday
    [InlineData("2020-09-26", false)] // Saturday
    [InlineData("2020-09-27", true)]  // Sunday, adjusted workday (调休)
    [InlineData("2020-09-30", true)]
    [InlineData("2020-10-01", false)] // National Day
    [InlineData("2020-10-05", false)] // Monday inside the break
    [InlineData("2020-10-08", false)] // Thursday, last day of the break
    [InlineData("2020-10-09", true)]
    [InlineData("2020-10-10", true)]  // Saturday, adjusted workday
    [InlineData("2020-10-11", false)] // ordinary Sunday
    public void National_Day_and_Mid_Autumn_2020(string date, bool working)
    {
        Assert.Equal(working, Cn.IsWorkingDay(D(date)));
    }

    [Fact]
    public void The_adjusted_workdays_of_2020_fall_on_a_weekend()
    {
        Assert.Equal(DayOfWeek.Sunday, D("2020-09-27").DayOfWeek);
        Assert.Equal(DayOfWeek.Saturday, D("2020-10-10").DayOfWeek);
    }

    [Theory]
    [InlineData("2020-09-25", 1, "2020-09-27")] // the Sunday 调休 counts
    [InlineData("2020-09-29", 1, "2020-09-30")]
    [InlineData("2020-09-29", 2, "2020-10-09")] // Oct 1–8 off
    [InlineData("2020-09-30", 1, "2020-10-09")]
    [InlineData("2020-10-01", 1, "2020-10-09")] // counting from inside the break
    [InlineData("2020-10-09", 1, "2020-10-10")] // the Saturday 调休 counts
    [InlineData("2020-10-09", 2, "2020-10-12")]
    [InlineData("2020-09-28", 10, "2020-10-19")]
    public void Adding_working_days_across_National_Day_2020(string from, int n, string expected)
    {
        Assert.Equal(D(expected), Cn.AddWorkingDays(D(from), n));
    }

    [Theory]
    [InlineData("2020-01-17", 1, "2020-01-19")] // Sunday 2020-01-19 is an adjusted workday
    [InlineData("2020-01-19", 1, "2020-01-20")]
    [InlineData("2020-01-23", 1, "2020-02-03")] // Jan 24 – Feb 2 off, the break as extended for the epidemic
    [InlineData("2020-01-21", 3, "2020-02-03")]
    [InlineData("2020-01-23", 5, "2020-02-07")]
    public void Spring_Festival_2020_with_its_extension(string from, int n, string expected)
    {
        Assert.Equal(D(expected), Cn.AddWorkingDays(D(from), n));
    }

    [Fact]
    public void Spring_Festival_2020_is_off_until_2_February()
    {
        for (var day = D("2020-01-24"); day <= D("2020-02-02"); day = day.AddDays(1))
        {
            Assert.False(Cn.IsWorkingDay(day), day.ToString("yyyy-MM-dd"));
        }
        Assert.True(Cn.IsWorkingDay(D("2020-02-03")));
    }

    [Fact]
    public void A_count_crosses_the_year_boundary_and_skips_New_Years_Day()
    {
        // 12-31 Thu (1), 2021-01-01 Fri holiday, 01-02/03 weekend off, 01-04 Mon (2), 01-05 Tue (3).
        Assert.False(Cn.IsWorkingDay(D("2021-01-01")));
        Assert.Equal(D("2021-01-05"), Cn.AddWorkingDays(D("2020-12-30"), 3));
    }

    [Fact]
    public void A_day_listed_in_the_next_years_file_applies_even_without_a_file_for_its_own_year()
    {
        // 2019.json lists Saturday 2018-12-29 as a workday and 2018-12-31 (Monday) as a holiday.
        Assert.False(Cn.HasDataFor(2018));
        Assert.True(Cn.IsWorkingDay(D("2018-12-29")));
        Assert.False(Cn.IsWorkingDay(D("2018-12-31")));
    }

    [Fact]
    public void The_deadline_ends_at_midnight_China_time_of_the_last_working_day()
    {
        // Action on Tue 2020-09-29 at 10:00 CST; 1st working day after is 09-30, 2nd is 10-09.
        var action = Utc("2020-09-29T02:00:00Z");
        Assert.Equal(Utc("2020-10-09T16:00:00Z"), Cn.DeadlineUtc(action, 2));
        Assert.Equal(DateTimeKind.Utc, Cn.DeadlineUtc(action, 2).Kind);
    }

    [Fact]
    public void An_action_late_at_night_UTC_counts_from_the_China_date()
    {
        // 2020-09-28T16:30Z is 2020-09-29 00:30 in China: the day of the action is the 29th, so the 1st working day is the 30th.
        Assert.Equal(Utc("2020-09-30T16:00:00Z"), Cn.DeadlineUtc(Utc("2020-09-28T16:30:00Z"), 1));
        // Half an hour earlier it is still the 28th in China.
        Assert.Equal(Utc("2020-09-29T16:00:00Z"), Cn.DeadlineUtc(Utc("2020-09-28T15:30:00Z"), 1));
    }

    [Fact]
    public void An_action_on_a_holiday_counts_from_the_next_working_day()
    {
        // Accepted on National Day itself: 2 working days are 10-09 and 10-10.
        Assert.Equal(Utc("2020-10-10T16:00:00Z"), Cn.DeadlineUtc(Utc("2020-10-01T03:00:00Z"), 2));
    }

    [Fact]
    public void An_extension_adds_working_days_after_the_current_deadline()
    {
        var deadline = Utc("2020-10-09T16:00:00Z"); // end of Fri 10-09
        Assert.Equal(Utc("2020-10-10T16:00:00Z"), Cn.ExtendUtc(deadline, 1)); // Sat 10-10 is a workday
        Assert.Equal(Utc("2020-10-13T16:00:00Z"), Cn.ExtendUtc(deadline, 3)); // 10-10, 10-12, 10-13
        Assert.Equal(Utc("2020-10-22T16:00:00Z"), Cn.ExtendUtc(deadline, 10));
    }

    [Fact]
    public void An_extension_of_a_deadline_before_a_holiday_jumps_the_holiday()
    {
        var deadline = Utc("2020-09-30T16:00:00Z"); // end of 09-30
        Assert.Equal(Utc("2020-10-09T16:00:00Z"), Cn.ExtendUtc(deadline, 1));
        Assert.Equal(Utc("2021-01-04T16:00:00Z"), Cn.ExtendUtc(Utc("2020-12-30T16:00:00Z"), 2));
    }

    [Fact]
    public void Deadline_then_extension_equals_one_longer_deadline()
    {
        var action = Utc("2020-09-21T01:00:00Z");
        Assert.Equal(Cn.DeadlineUtc(action, 15), Cn.ExtendUtc(Cn.DeadlineUtc(action, 10), 5));
    }

    [Fact]
    public void Counting_working_days_between_two_dates()
    {
        Assert.Equal(2, Cn.WorkingDaysBetween(D("2020-09-29"), D("2020-10-09")));
        Assert.Equal(0, Cn.WorkingDaysBetween(D("2020-09-30"), D("2020-10-08")));
        Assert.Equal(0, Cn.WorkingDaysBetween(D("2020-10-09"), D("2020-10-01")));
        Assert.Equal(3, Cn.WorkingDaysBetween(D("2020-12-30"), D("2021-01-05")));
    }

    [Fact]
    public void Working_days_overdue_count_the_working_days_begun_after_the_deadline()
    {
        var deadline = Utc("2020-10-09T16:00:00Z");
        Assert.Equal(0, Cn.WorkingDaysOverdue(deadline, Utc("2020-10-09T15:59:59Z")));
        Assert.Equal(1, Cn.WorkingDaysOverdue(deadline, Utc("2020-10-09T16:00:00Z"))); // Sat 10-10 00:00, a workday
        Assert.Equal(1, Cn.WorkingDaysOverdue(deadline, Utc("2020-10-11T08:00:00Z"))); // Sunday adds nothing
        Assert.Equal(2, Cn.WorkingDaysOverdue(deadline, Utc("2020-10-12T01:00:00Z")));
    }

    [Fact]
    public void Working_days_left_count_the_working_days_after_today_up_to_the_deadline()
    {
        var deadline = Utc("2020-10-14T16:00:00Z"); // 24:00 at the end of Wednesday 2020-10-14
        Assert.Equal(4, Cn.WorkingDaysLeft(deadline, Utc("2020-10-09T02:00:00Z"))); // Fri 09: Sat 10 (make-up workday), Mon–Wed
        Assert.Equal(3, Cn.WorkingDaysLeft(deadline, Utc("2020-10-11T02:00:00Z"))); // a Sunday: Mon–Wed
        Assert.Equal(1, Cn.WorkingDaysLeft(deadline, Utc("2020-10-13T02:00:00Z"))); // Tuesday: Wednesday
        Assert.Equal(0, Cn.WorkingDaysLeft(deadline, Utc("2020-10-14T15:59:59Z"))); // the last evening: due today
        Assert.Equal(0, Cn.WorkingDaysLeft(deadline, Utc("2020-10-14T16:00:00Z")));
        Assert.Equal(0, Cn.WorkingDaysLeft(deadline, Utc("2020-10-20T02:00:00Z")));
    }

    [Fact]
    public void A_year_without_a_file_falls_back_to_Monday_to_Friday()
    {
        Assert.False(Cn.HasDataFor(2027));
        Assert.Equal(DayOfWeek.Friday, D("2027-01-01").DayOfWeek);
        Assert.True(Cn.IsWorkingDay(D("2027-01-01"))); // New Year's Day, but no data: counted as a Friday
        Assert.False(Cn.IsWorkingDay(D("2027-01-02")));
        Assert.Equal(D("2027-01-04"), Cn.AddWorkingDays(D("2026-12-31"), 2));
        Assert.Equal(D("2027-10-04"), Cn.AddWorkingDays(D("2027-09-30"), 2));
    }

    [Fact]
    public void The_empty_calendar_is_Monday_to_Friday()
    {
        var plain = WorkingDayCalendar.MondayToFriday;
        Assert.Empty(plain.CoveredYears);
        Assert.True(plain.IsWorkingDay(D("2020-10-01")));
        Assert.False(plain.IsWorkingDay(D("2020-10-10")));
        Assert.Equal(D("2020-10-12"), plain.AddWorkingDays(D("2020-10-09"), 1));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Cn.AddWorkingDays(D("2020-10-09"), 0));
        Assert.Throws<ArgumentException>(() => Cn.DeadlineUtc(new DateTime(2020, 9, 29, 10, 0, 0, DateTimeKind.Local), 2));
        Assert.Throws<ArgumentException>(() => Cn.DeadlineUtc(new DateTime(2020, 9, 29, 10, 0, 0, DateTimeKind.Unspecified), 2));
    }

    [Theory]
    [InlineData("{ \"year\": 2030, \"days\": [", "malformed JSON")]
    [InlineData("{ \"days\": [] }", "$.year: missing")]
    [InlineData("{ \"year\": \"2030\", \"days\": [] }", "$.year: expected a four-digit year")]
    [InlineData("{ \"year\": 2030 }", "$.days: missing")]
    [InlineData("{ \"year\": 2030, \"days\": [ { \"name\": \"元旦\", \"date\": \"2030-13-01\", \"isOffDay\": true } ] }", "$.days[0].date: '2030-13-01' is not a date")]
    [InlineData("{ \"year\": 2030, \"days\": [ { \"name\": \"元旦\", \"date\": \"2030-01-01\" } ] }", "$.days[0].isOffDay: missing")]
    [InlineData("{ \"year\": 2030, \"days\": [ { \"name\": \"元旦\", \"date\": \"2030-01-01\", \"isOffDay\": true }, { \"name\": \"元旦\", \"date\": \"2030-01-01\", \"isOffDay\": true } ] }", "$.days[1].date: 2030-01-01 is listed twice")]
    [InlineData("{ \"year\": 2030, \"days\": [ { \"name\": \"x\", \"date\": \"2032-01-01\", \"isOffDay\": true } ] }", "$.days[0].date: 2032-01-01 is too far")]
    [InlineData("{ \"year\": 2031, \"days\": [] }", "$.year: the file is named for 2030 but says 2031")]
    public void A_malformed_file_stops_loading_with_the_file_and_the_fault(string json, string fault)
    {
        var dir = Directory.CreateTempSubdirectory("pingyi-calendar-");
        try
        {
            File.Copy(Path.Combine(RepoPaths.ChinaCalendar, "2020.json"), Path.Combine(dir.FullName, "2020.json"));
            var file = Path.Combine(dir.FullName, "2030.json");
            File.WriteAllText(file, json);

            var ex = Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.LoadDirectory(dir.FullName));

            Assert.StartsWith(file + ": ", ex.Message);
            Assert.Contains(fault, ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Two_files_that_disagree_about_a_date_are_refused()
    {
        var a = HolidayYear.Parse("""{ "year": 2030, "days": [ { "name": "元旦", "date": "2030-12-31", "isOffDay": false } ] }""", "2030.json");
        var b = HolidayYear.Parse("""{ "year": 2031, "days": [ { "name": "元旦", "date": "2030-12-31", "isOffDay": true } ] }""", "2031.json");

        var ex = Assert.Throws<CalendarDataException>(() => new WorkingDayCalendar([a, b]));

        Assert.Equal("2031.json: $.days[0].isOffDay: 2030-12-31 contradicts 2030.json", ex.Message);
    }

    [Fact]
    public void A_missing_directory_is_reported()
    {
        var missing = Path.Combine(Path.GetTempPath(), "pingyi-no-such-calendar");
        var ex = Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.LoadDirectory(missing));
        Assert.Contains(missing, ex.Message);
    }

    [Fact]
    public void Non_year_files_in_the_directory_are_ignored()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.ChinaCalendar, "LICENSE")));
        Assert.Equal(8, Cn.CoveredYears.Count);
    }
}
