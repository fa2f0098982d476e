using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Units;

namespace PingYi.Domain.Scoring;

/// <summary>
/// The monthly 通报 of an open round (issue 23 §5): each unit's channel rates and its interim channel ranking within
/// its category as they stood when the month's snapshot was taken (the year so far, up to that moment), with the live
/// composite beside them. One per round and month (a unique index): the job and a supervisor's request that race
/// each other store it once.
/// </summary>
public sealed class MonthlySnapshot
{
    private MonthlySnapshot()
    {
    }

    public MonthlySnapshot(int year, int month, DateTime takenAtUtc, DateTime cutoffUtc, string? takenById, IEnumerable<MonthlySnapshotLine> lines)
    {
        Complaint.EnsureUtc(takenAtUtc);
        Complaint.EnsureUtc(cutoffUtc);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
        TakenAtUtc = takenAtUtc;
        CutoffUtc = cutoffUtc;
        TakenById = takenById;
        Lines = lines.ToList();
    }

    public int Id { get; private set; }

    /// <summary>The round's year.</summary>
    public int Year { get; private set; }

    /// <summary>The month (1–12, China time, of the round's year) in which the snapshot was taken.</summary>
    public int Month { get; private set; }

    public DateTime TakenAtUtc { get; private set; }

    /// <summary>The moment the channel was counted to (the taking moment, or the round year's end if earlier).</summary>
    public DateTime CutoffUtc { get; private set; }

    /// <summary>The supervisor who took it by hand; null when the monthly job took it.</summary>
    public string? TakenById { get; private set; }

    public List<MonthlySnapshotLine> Lines { get; private set; } = [];
}

/// <summary>One unit's line of a monthly snapshot: typed columns, one per rate, so nothing parses JSON to read it.</summary>
public sealed class MonthlySnapshotLine
{
    private MonthlySnapshotLine()
    {
        UnitCode = UnitName = string.Empty;
    }

    public MonthlySnapshotLine(string unitCode, string unitName, UnitCategory category, int cases, double? channelScore,
        IReadOnlyDictionary<string, double?> rates, double? composite, int? compositeRank)
    {
        UnitCode = unitCode;
        UnitName = unitName;
        Category = category;
        Cases = cases;
        ChannelScore = channelScore;
        SignedOnTime = rates.GetValueOrDefault(Evaluation.ChannelRates.SignedOnTime);
        ClosedOnTime = rates.GetValueOrDefault(Evaluation.ChannelRates.ClosedOnTime);
        OverdueRate = rates.GetValueOrDefault(Evaluation.ChannelRates.Overdue);
        Resolved = rates.GetValueOrDefault(Evaluation.ChannelRates.Resolved);
        Satisfied = rates.GetValueOrDefault(Evaluation.ChannelRates.Satisfied);
        Quality = rates.GetValueOrDefault(Evaluation.ChannelRates.Quality);
        Rework = rates.GetValueOrDefault(Evaluation.ChannelRates.Rework);
        Composite = composite;
        CompositeRank = compositeRank;
    }

    public long Id { get; private set; }

    public int SnapshotId { get; private set; }

    public string UnitCode { get; private set; }

    public string UnitName { get; private set; }

    public UnitCategory Category { get; private set; }

    /// <summary>Handling rounds counted for the unit so far this year.</summary>
    public int Cases { get; private set; }

    /// <summary>The channel score so far (null: left out, no cases).</summary>
    public double? ChannelScore { get; private set; }

    /// <summary>The interim channel rank within the category (null: no channel score).</summary>
    public int? ChannelRank { get; private set; }

    /// <summary>In the bottom two of its category's interim channel ranking (<see cref="MonthlyRanking"/>).</summary>
    public bool BottomTwo { get; private set; }

    public double? SignedOnTime { get; private set; }

    public double? ClosedOnTime { get; private set; }

    public double? OverdueRate { get; private set; }

    public double? Resolved { get; private set; }

    public double? Satisfied { get; private set; }

    public double? Quality { get; private set; }

    public double? Rework { get; private set; }

    /// <summary>The live composite at the moment taken (the sources entered so far), null when it has none.</summary>
    public double? Composite { get; private set; }

    public int? CompositeRank { get; private set; }

    /// <summary>The rates by their API code (<see cref="Evaluation.ChannelRates.All"/>).</summary>
    public IReadOnlyDictionary<string, double?> Rates => new Dictionary<string, double?>(StringComparer.Ordinal)
    {
        [Evaluation.ChannelRates.SignedOnTime] = SignedOnTime,
        [Evaluation.ChannelRates.ClosedOnTime] = ClosedOnTime,
        [Evaluation.ChannelRates.Overdue] = OverdueRate,
        [Evaluation.ChannelRates.Resolved] = Resolved,
        [Evaluation.ChannelRates.Satisfied] = Satisfied,
        [Evaluation.ChannelRates.Quality] = Quality,
        [Evaluation.ChannelRates.Rework] = Rework,
    };

    internal void Place(int? rank, bool bottomTwo)
    {
        ChannelRank = rank;
        BottomTwo = bottomTwo;
    }
}

/// <summary>
/// The monthly rules, each once: the interim channel ranking of a category, who is in its bottom two, and the day the
/// monthly job acts on.
/// </summary>
public static class MonthlyRanking
{
    /// <summary>
    /// Ranks each category's lines by channel score (highest first; equal scores share a rank). A line without a
    /// channel score has no rank and is never in the bottom two (no data is not a poor result). The bottom two are the
    /// ranked lines with fewer than two ranked lines below them and at least one above — as the round's own bottom two.
    /// </summary>
    public static void Rank(IEnumerable<MonthlySnapshotLine> lines)
    {
        foreach (var category in lines.GroupBy(l => l.Category))
        {
            var ranked = category.Where(l => l.ChannelScore is not null).OrderByDescending(l => l.ChannelScore!.Value).ToList();
            foreach (var line in category.Where(l => l.ChannelScore is null))
            {
                line.Place(null, false);
            }
            foreach (var line in ranked)
            {
                var above = ranked.Count(o => o.ChannelScore!.Value > line.ChannelScore!.Value);
                var below = ranked.Count(o => o.ChannelScore!.Value < line.ChannelScore!.Value);
                line.Place(above + 1, below < 2 && above >= 1);
            }
        }
    }

    /// <summary>The first working day of <paramref name="date"/>'s month by the calendar: the day the monthly job acts.</summary>
    public static bool IsFirstWorkingDayOfMonth(WorkingDayCalendar calendar, DateOnly date)
    {
        if (!calendar.IsWorkingDay(date))
        {
            return false;
        }
        for (var day = new DateOnly(date.Year, date.Month, 1); day < date; day = day.AddDays(1))
        {
            if (calendar.IsWorkingDay(day))
            {
                return false;
            }
        }
        return true;
    }
}
