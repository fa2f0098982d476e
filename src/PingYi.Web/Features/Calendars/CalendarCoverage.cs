using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;

namespace PingYi.Web.Features.Calendars;

/// <summary>
/// Which years without a holiday calendar matter now: those the next <see cref="LookAheadDays"/> days reach, and
/// those an open deadline (a case waiting to be accepted or handled, an unanswered 督办 notice) runs into. Such
/// a deadline is counted Monday–Friday and shown as provisional; <c>/healthz</c> and 节假日安排 warn about them.
/// </summary>
public static class CalendarCoverage
{
    public const int LookAheadDays = 60;

    public static async Task<IReadOnlySet<int>> MissingYearsAsync(PingYiDbContext db, WorkingDayCalendar calendar, DateTime nowUtc, CancellationToken ct)
    {
        var today = ChinaTime.DateOf(nowUtc);
        var last = today.AddDays(LookAheadDays).Year;
        var due = await db.Complaints.AsNoTracking()
            .Where(c => (c.Status == ComplaintStatus.Submitted || c.Status == ComplaintStatus.Assigned) && c.DueAtUtc != null)
            .MaxAsync(c => c.DueAtUtc, ct);
        var reply = await db.SupervisionNotices.AsNoTracking()
            .Where(n => n.IsOpen)
            .MaxAsync(n => (DateTime?)n.DueAtUtc, ct);
        foreach (var d in new[] { due, reply })
        {
            if (d is { } at)
            {
                last = Math.Max(last, ChinaTime.DateOf(DateTime.SpecifyKind(at, DateTimeKind.Utc).AddTicks(-1)).Year);
            }
        }
        return calendar.YearsWithoutData(today.Year, last);
    }
}
