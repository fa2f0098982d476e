using System.Text.RegularExpressions;
using PingYi.Domain.Common;

namespace PingYi.Domain.Calendar;

/// <summary>
/// Chinese working days (工作日): statutory holidays are off, adjusted workdays (调休) are on even on a
/// weekend, other days follow Monday–Friday. A year without a file falls back to plain Monday–Friday;
/// <see cref="YearsWithoutData"/> lets the host warn about it, because a deadline counted that way can be
/// days off around Spring Festival or National Day.
/// </summary>
public sealed partial class WorkingDayCalendar
{
    /// <summary>Working days counted in one call are bounded so that a bad argument cannot loop for ever.</summary>
    public const int MaxWorkingDays = 3650;

    private readonly Dictionary<DateOnly, bool> _listedDays = [];
    private readonly SortedSet<int> _coveredYears = [];

    /// <param name="years">Parsed year files; two files may list the same date only if they agree on it.</param>
    /// <exception cref="CalendarDataException">Two files for the same year, or two files disagree about a date.</exception>
    public WorkingDayCalendar(IEnumerable<HolidayYear> years)
        : this(years.Select(y => (y, $"{y.Year}.json")))
    {
    }

    private WorkingDayCalendar(IEnumerable<(HolidayYear Year, string Source)> years)
    {
        var sourceOfDate = new Dictionary<DateOnly, string>();
        var sourceOfYear = new Dictionary<int, string>();
        foreach (var (year, source) in years)
        {
            if (!sourceOfYear.TryAdd(year.Year, source))
            {
                throw new CalendarDataException(source, "$.year", $"year {year.Year} is already defined by {sourceOfYear[year.Year]}");
            }
            _coveredYears.Add(year.Year);
            for (var i = 0; i < year.Days.Count; i++)
            {
                var day = year.Days[i];
                if (_listedDays.TryGetValue(day.Date, out var existing))
                {
                    if (existing != day.IsOffDay)
                    {
                        throw new CalendarDataException(source, $"$.days[{i}].isOffDay",
                            $"{day.Date:yyyy-MM-dd} contradicts {sourceOfDate[day.Date]}");
                    }
                    continue;
                }
                _listedDays[day.Date] = day.IsOffDay;
                sourceOfDate[day.Date] = source;
            }
        }
    }

    /// <summary>A calendar with no holiday data at all: Monday–Friday every year.</summary>
    public static WorkingDayCalendar MondayToFriday { get; } = new(Array.Empty<HolidayYear>());

    /// <summary>
    /// Reads every <c>&lt;year&gt;.json</c> in <paramref name="directory"/> (other files, such as LICENSE, are ignored).
    /// </summary>
    /// <exception cref="CalendarDataException">The directory is missing, or a file is malformed; the message names the file and the fault.</exception>
    public static WorkingDayCalendar LoadDirectory(string directory) => Combine(ReadDirectory(directory), []);

    /// <summary>
    /// A calendar from the shipped year files with <paramref name="overrides"/> (years an Admin uploaded) replacing
    /// the shipped file of the same year. The years are kept so a later upload can be combined again.
    /// </summary>
    /// <exception cref="CalendarDataException">Two years disagree about a date they both list.</exception>
    public static WorkingDayCalendar Combine(IEnumerable<(HolidayYear Year, string Source)> shipped, IEnumerable<(HolidayYear Year, string Source)> overrides)
    {
        var replaced = overrides.ToList();
        var years = shipped.Where(s => !replaced.Any(o => o.Year.Year == s.Year.Year)).Concat(replaced).OrderBy(y => y.Year.Year).ToList();
        return new WorkingDayCalendar(years) { Years = years };
    }

    /// <summary>The year files this calendar was built from, with where each came from (file path or upload).</summary>
    public IReadOnlyList<(HolidayYear Year, string Source)> Years { get; private init; } = [];

    /// <summary>Reads the year files of a directory as <see cref="LoadDirectory"/> does, for <see cref="Combine"/>.</summary>
    public static IReadOnlyList<(HolidayYear Year, string Source)> ReadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CalendarDataException(directory, "$", "calendar directory not found");
        }
        var years = new List<(HolidayYear, string)>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Where(f => YearFileName().IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal))
        {
            var year = HolidayYear.Parse(File.ReadAllText(file), file);
            var expected = int.Parse(Path.GetFileNameWithoutExtension(file), System.Globalization.CultureInfo.InvariantCulture);
            if (year.Year != expected)
            {
                throw new CalendarDataException(file, "$.year", $"the file is named for {expected} but says {year.Year}");
            }
            years.Add((year, file));
        }
        return years;
    }

    /// <summary>The years that have a file, ascending.</summary>
    public IReadOnlyCollection<int> CoveredYears => _coveredYears;

    public bool HasDataFor(int year) => _coveredYears.Contains(year);

    /// <summary>The years in <paramref name="fromYear"/>..<paramref name="toYear"/> (inclusive) that fall back to Monday–Friday.</summary>
    public IReadOnlySet<int> YearsWithoutData(int fromYear, int toYear)
    {
        var missing = new SortedSet<int>();
        for (var y = fromYear; y <= toYear; y++)
        {
            if (!_coveredYears.Contains(y))
            {
                missing.Add(y);
            }
        }
        return missing;
    }

    public bool IsWorkingDay(DateOnly date)
    {
        if (_listedDays.TryGetValue(date, out var isOffDay))
        {
            return !isOffDay;
        }
        return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>The <paramref name="n"/>th working day after <paramref name="from"/> (which itself never counts).</summary>
    public DateOnly AddWorkingDays(DateOnly from, int n) => StepWorkingDays(from, n, 1);

    /// <summary>The <paramref name="n"/>th working day before <paramref name="from"/> (which itself never counts).</summary>
    public DateOnly SubtractWorkingDays(DateOnly from, int n) => StepWorkingDays(from, n, -1);

    private DateOnly StepWorkingDays(DateOnly from, int n, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, MaxWorkingDays);
        var day = from;
        var counted = 0;
        while (counted < n)
        {
            day = day.AddDays(step);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }
        return day;
    }

    /// <summary>
    /// When the reminder before a deadline is due: the start (00:00 China time) of the working day from which
    /// <paramref name="workingDaysBefore"/> working days remain, the deadline's own last day included — so one
    /// working day before a deadline at the end of Wednesday is Wednesday 00:00, and before one at the end of
    /// Monday it is Monday 00:00, not Saturday.
    /// </summary>
    public DateTime ReminderUtc(DateTime deadlineUtc, int workingDaysBefore)
    {
        EnsureUtc(deadlineUtc, nameof(deadlineUtc));
        ArgumentOutOfRangeException.ThrowIfLessThan(workingDaysBefore, 1);
        var last = LastDayCovered(deadlineUtc);
        var first = workingDaysBefore == 1 ? last : SubtractWorkingDays(last, workingDaysBefore - 1);
        return ChinaTime.StartOfDayUtc(first);
    }

    /// <summary>
    /// When more than <paramref name="workingDaysAfter"/> working days have passed since <paramref name="deadlineUtc"/>:
    /// the start of the next working day — the moment <see cref="WorkingDaysOverdue"/> first exceeds the offset.
    /// </summary>
    public DateTime AfterDeadlineUtc(DateTime deadlineUtc, int workingDaysAfter)
    {
        EnsureUtc(deadlineUtc, nameof(deadlineUtc));
        ArgumentOutOfRangeException.ThrowIfNegative(workingDaysAfter);
        var start = ChinaTime.StartOfDayUtc(AddWorkingDays(LastDayCovered(deadlineUtc), workingDaysAfter + 1));
        return start < deadlineUtc ? deadlineUtc : start;
    }

    /// <summary>
    /// The deadline for something done at <paramref name="actionUtc"/>: 24:00 China time at the end of the
    /// <paramref name="workingDays"/>th working day after the China-time date of the action, as UTC.
    /// The day of the action never counts, whatever the hour.
    /// </summary>
    public DateTime DeadlineUtc(DateTime actionUtc, int workingDays)
    {
        EnsureUtc(actionUtc, nameof(actionUtc));
        var last = AddWorkingDays(ChinaTime.DateOf(actionUtc), workingDays);
        return EndOfDayUtc(last);
    }

    /// <summary>
    /// An extension of <paramref name="workingDays"/>: counted from the last day the current deadline covers,
    /// so the new deadline ends 24:00 China time on that many working days later.
    /// </summary>
    public DateTime ExtendUtc(DateTime currentDeadlineUtc, int workingDays)
    {
        EnsureUtc(currentDeadlineUtc, nameof(currentDeadlineUtc));
        return EndOfDayUtc(AddWorkingDays(LastDayCovered(currentDeadlineUtc), workingDays));
    }

    /// <summary>The number of working days d with <paramref name="fromExclusive"/> &lt; d ≤ <paramref name="toInclusive"/>; 0 when the range is empty.</summary>
    public int WorkingDaysBetween(DateOnly fromExclusive, DateOnly toInclusive)
    {
        var count = 0;
        for (var day = fromExclusive.AddDays(1); day <= toInclusive; day = day.AddDays(1))
        {
            if (IsWorkingDay(day))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// How many working days have begun since <paramref name="deadlineUtc"/> passed: 0 before the deadline,
    /// 1 during the first working day after it (a weekend after the deadline adds nothing).
    /// </summary>
    public int WorkingDaysOverdue(DateTime deadlineUtc, DateTime nowUtc)
    {
        EnsureUtc(deadlineUtc, nameof(deadlineUtc));
        EnsureUtc(nowUtc, nameof(nowUtc));
        return !Deadlines.Late(nowUtc, deadlineUtc) ? 0 : WorkingDaysBetween(LastDayCovered(deadlineUtc), ChinaTime.DateOf(nowUtc));
    }

    /// <summary>
    /// The whole working days still ahead of <paramref name="deadlineUtc"/>: those after today up to the deadline's
    /// last day. Today never counts, as the day of an action never counts when a deadline is set, so a deadline
    /// of n working days set today leaves n; on the deadline's own day (and once it has passed) 0.
    /// </summary>
    public int WorkingDaysLeft(DateTime deadlineUtc, DateTime nowUtc)
    {
        EnsureUtc(deadlineUtc, nameof(deadlineUtc));
        EnsureUtc(nowUtc, nameof(nowUtc));
        return Deadlines.Late(nowUtc, deadlineUtc) ? 0 : WorkingDaysBetween(ChinaTime.DateOf(nowUtc), LastDayCovered(deadlineUtc));
    }

    /// <summary>24:00 China time at the end of <paramref name="date"/>, as UTC.</summary>
    public static DateTime EndOfDayUtc(DateOnly date) => ChinaTime.StartOfDayUtc(date.AddDays(1));

    /// <summary>A deadline at 24:00 belongs to the day before; one at 10:00 to its own day.</summary>
    private static DateOnly LastDayCovered(DateTime deadlineUtc) => ChinaTime.DateOf(deadlineUtc.AddTicks(-1));

    private static void EnsureUtc(DateTime value, string name)
    {
        if (value.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException("Expected a UTC time.", name);
        }
    }

    [GeneratedRegex(@"^\d{4}\.json$")]
    private static partial Regex YearFileName();
}
