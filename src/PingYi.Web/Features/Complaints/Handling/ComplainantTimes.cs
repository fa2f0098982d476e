using System.Security.Claims;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// When the complainant did something (lodged, added a supplement, gave feedback) is told to a unit's handler to
/// the day only: a unit that knows the second can match it against its own door, proxy or CCTV logs and find
/// the insider who complained. Supervisors, who may see the complainant anyway, get exact times.
/// </summary>
public static class ComplainantTimes
{
    /// <summary>Whether <paramref name="user"/> gets exact times of the complainant's acts: whoever sees the complainant.</summary>
    public static bool Exact(ClaimsPrincipal user) => user.SeesComplainant();

    /// <summary>00:00 China time of the day of <paramref name="utc"/>: the day stays, the time goes.</summary>
    public static DateTime ToDay(DateTime utc) => ChinaTime.StartOfDayUtc(ChinaTime.DateOf(utc));

    public static DateTime For(bool exact, DateTime utc) => exact ? utc : ToDay(utc);

    /// <summary>An act of the complainant's own, whose time a handler sees only to the day.</summary>
    public static bool IsComplainantAct(ComplaintEvent e) => e.ActorRole == ActorRoles.Complainant || e.Action == "feedback";

    /// <summary>Setting: the China times of day at which a complainant's supplements are released to the unit.</summary>
    public const string ReleaseTimesSetting = "Privacy:UnitReleaseTimes";

    /// <summary>Twice a working day by default: a supplement reaches the unit with every other one of that half-day.</summary>
    public const string DefaultReleaseTimes = "08:30,14:30";

    /// <summary>
    /// Up to when a unit's handler sees the complainant's supplements (the event, its files, the list's 新补充 flag):
    /// the latest release time (China time, <see cref="ReleaseTimesSetting"/>) at or before <paramref name="nowUtc"/>.
    /// Polling then tells a unit only which half-day a supplement came in, however often it asks. Supervisors, and
    /// an empty setting, see everything as it happens (<paramref name="nowUtc"/>).
    /// </summary>
    public static DateTime ReleasedUntil(IConfiguration configuration, ClaimsPrincipal user, DateTime nowUtc)
    {
        var setting = configuration[ReleaseTimesSetting] ?? DefaultReleaseTimes;
        var times = setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => TimeOnly.TryParseExact(t, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var v)
                ? v : throw new InvalidOperationException($"{ReleaseTimesSetting}: '{t}' is not a time of day (HH:mm)."))
            .ToList();
        if (Exact(user) || times.Count == 0)
        {
            return nowUtc;
        }
        var today = ChinaTime.DateOf(nowUtc);
        return new[] { today, today.AddDays(-1) }
            .SelectMany(d => times.Select(t => ChinaTime.StartOfDayUtc(d).Add(t.ToTimeSpan())))
            .Where(at => at <= nowUtc).Max();
    }

    /// <summary>"2026-11-25" or "2026-11-25 10:17", as the page shows it.</summary>
    public static string Format(bool dayOnly, DateTime utc) =>
        dayOnly ? ChinaTime.DateOf(utc).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : ChinaTime.Format(utc);
}
