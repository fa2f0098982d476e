using PingYi.Domain.Calendar;
using PingYi.Domain.Common;

namespace PingYi.Web.Features.Notifications;

/// <summary>Staff are not mailed outside working hours: 08:30–18:00 China time on working days by the holiday calendar.</summary>
public static class QuietHours
{
    public static readonly TimeSpan MorningStart = new(8, 30, 0);
    public static readonly TimeSpan EveningEnd = new(18, 0, 0);

    /// <summary><paramref name="nowUtc"/> itself within working hours, else 08:30 of the next working morning.</summary>
    public static DateTime NextWorkingTimeUtc(DateTime nowUtc, WorkingDayCalendar calendar)
    {
        var local = new DateTimeOffset(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc)).ToOffset(ChinaTime.Offset);
        var date = DateOnly.FromDateTime(local.DateTime);
        if (calendar.IsWorkingDay(date))
        {
            if (local.TimeOfDay >= MorningStart && local.TimeOfDay < EveningEnd)
            {
                return nowUtc;
            }
            if (local.TimeOfDay < MorningStart)
            {
                return ChinaTime.StartOfDayUtc(date) + MorningStart;
            }
        }
        var next = date.AddDays(1);
        while (!calendar.IsWorkingDay(next))
        {
            next = next.AddDays(1);
        }
        return ChinaTime.StartOfDayUtc(next) + MorningStart;
    }
}
