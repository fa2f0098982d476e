using System.Security.Claims;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Data.Identity;

namespace PingYi.Web.Features.Handling;

/// <summary>
/// When the complainant did something (lodged, added a supplement, gave feedback) is told to a unit's handler to
/// the day only: a unit that knows the second can match it against its own door, proxy or CCTV logs and find
/// the insider who complained. Supervisors, who may see the complainant anyway, get exact times.
/// </summary>
public static class ComplainantTimes
{
    /// <summary>Whether <paramref name="user"/> gets exact times of the complainant's acts: supervisors only.</summary>
    public static bool Exact(ClaimsPrincipal user) => user.IsInRole(StaffRoles.Supervisor);

    /// <summary>00:00 China time of the day of <paramref name="utc"/>: the day stays, the time goes.</summary>
    public static DateTime ToDay(DateTime utc) => ChinaTime.StartOfDayUtc(ChinaTime.DateOf(utc));

    public static DateTime For(bool exact, DateTime utc) => exact ? utc : ToDay(utc);

    /// <summary>An act of the complainant's own, whose time a handler sees only to the day.</summary>
    public static bool IsComplainantAct(ComplaintEvent e) => e.ActorRole == ActorRoles.Complainant || e.Action == "feedback";

    /// <summary>"2026-11-25" or "2026-11-25 10:17", as the page shows it.</summary>
    public static string Format(bool dayOnly, DateTime utc) =>
        dayOnly ? ChinaTime.DateOf(utc).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : ChinaTime.Format(utc);
}
