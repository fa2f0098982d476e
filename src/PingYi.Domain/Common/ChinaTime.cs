namespace PingYi.Domain.Common;

/// <summary>China Standard Time (Asia/Shanghai, UTC+8, no daylight saving since 1991): the calendar the committee works in.</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset Now(TimeProvider time) => time.GetUtcNow().ToOffset(Offset);

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(Now(time).DateTime);

    public static DateOnly DateOf(DateTime utc) => DateOnly.FromDateTime(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(Offset).DateTime);

    /// <summary>00:00 China time on <paramref name="date"/>, as a UTC <see cref="DateTime"/>.</summary>
    public static DateTime StartOfDayUtc(DateOnly date) =>
        new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), Offset).UtcDateTime;

    /// <summary>
    /// A deadline as people say it: one that ends at midnight reads "2026-12-16 24:00" (the end of its
    /// last day), not "2026-12-17 00:00".
    /// </summary>
    public static string FormatDeadline(DateTime utc)
    {
        var local = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(Offset);
        return local.TimeOfDay == TimeSpan.Zero ? local.AddDays(-1).ToString("yyyy-MM-dd") + " 24:00" : local.ToString("yyyy-MM-dd HH:mm");
    }

    /// <summary>The China wall-clock time of an instant, to the minute: for spreadsheet cells, which hold a date, not text.</summary>
    public static DateTime Local(DateTime utc)
    {
        var local = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(Offset).DateTime;
        return new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified);
    }

    public static string Format(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(Offset).ToString("yyyy-MM-dd HH:mm");
}
