using System.Globalization;
using System.Security.Claims;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>
/// 来电/来信/来访 登记: a complaint a supervisor takes down from a phone call, a letter or a visit. Its channel and the
/// time it was received (the deadlines count from then) are accepted only from a supervisor; the public keeps
/// <c>web</c>/<c>api</c>. Who registered it is in the audit log (supervisors and administrators), never on the case
/// that the unit reads.
/// </summary>
public static class StaffRegistration
{
    /// <summary>How far back a registration may date its receipt (a letter opened late, a backlog after a holiday).</summary>
    public const int MaxAgeDays = 60;

    /// <summary>Clock skew allowed between the registering desk and the server.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The channel asked for and, for a staff channel, the time received (UTC); a 403 for anyone but a supervisor.</summary>
    public static Result<(ComplaintChannel Channel, DateTime? ReceivedAtUtc)> Read(HttpContext http, IntakeOptions options, TimeProvider time)
    {
        var code = options.Channel?.Trim().ToLowerInvariant();
        if (code is null or "api")
        {
            return options.ReceivedAt is null
                ? (ComplaintChannel.Api, (DateTime?)null)
                : RequestFailure.Invalid("receivedAt 仅用于登记", "receivedAt", "receivedAt 只用于工作人员登记的来电、来信、来访（channel 为 phone、letter 或 visit）。");
        }
        if (!ComplaintChannels.Codes.TryParse(code, out var channel))
        {
            return RequestFailure.Invalid("反映渠道无效", "channel", "channel 应为 web、api，或（工作人员登记）phone、letter、visit。");
        }
        if (!ComplaintChannels.IsStaffRegistered(channel))
        {
            return options.ReceivedAt is null
                ? (channel, (DateTime?)null)
                : RequestFailure.Invalid("receivedAt 仅用于登记", "receivedAt", "receivedAt 只用于工作人员登记的来电、来信、来访（channel 为 phone、letter 或 visit）。");
        }
        if (!IsSupervisor(http.User))
        {
            return RequestFailure.Forbidden("仅纪检监察工委可登记", "channel",
                "来电、来信、来访只能由纪检监察工委工作人员登录后登记；群众请通过网页或接口直接反映（channel 为 web 或 api）。");
        }
        return ReceivedAt(options.ReceivedAt, time) is { Succeeded: true } received
            ? (channel, received.Value)
            : ReceivedAt(options.ReceivedAt, time).Failure!;
    }

    public static bool IsSupervisor(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && user.IsSupervisor();

    /// <summary>The longest receivedAt accepted as sent (2026-12-07T09:30:00.1234567+08:00 is 33 characters).</summary>
    public const int MaxReceivedAtLength = 40;

    /// <summary>An ISO 8601 time with its offset (<c>2026-12-07T09:30:00+08:00</c>), not in the future, at most <see cref="MaxAgeDays"/> old.</summary>
    public static Result<DateTime?> ReceivedAt(string? text, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return RequestFailure.Invalid("请填写接收时间", "receivedAt", "登记来电、来信、来访须填写接收时间（receivedAt，含时区，例如 2026-12-07T09:30:00+08:00）；办理期限从此时起算。");
        }
        if (text.Length > MaxReceivedAtLength || !DateTimeOffset.TryParseExact(text.Trim(), ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) || !HasOffset(text))
        {
            return RequestFailure.Invalid("接收时间格式错误", "receivedAt", "接收时间应为含时区的 ISO 8601 时间，例如 2026-12-07T09:30:00+08:00。");
        }
        var now = time.GetUtcNow();
        if (at > now + FutureTolerance)
        {
            return RequestFailure.Invalid("接收时间晚于现在", "receivedAt", "接收时间不能晚于现在。");
        }
        if (at < now.AddDays(-MaxAgeDays))
        {
            return RequestFailure.Invalid("接收时间过早", "receivedAt", $"接收时间不能早于 {MaxAgeDays} 天前；更早收到的材料请报纪检监察工委负责人另行处理。");
        }
        // Whole seconds: the deadlines and the timeline show no finer.
        var utc = at.UtcDateTime;
        return (DateTime?)new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }

    private static bool HasOffset(string text)
    {
        var t = text.Trim();
        return t.EndsWith('Z') || t.EndsWith('z') || (t.Length > 6 && t[^6] is '+' or '-' && t[^3] == ':');
    }

    /// <summary>Who registered which case, by which channel and when it was received: for supervisors' and administrators' eyes.</summary>
    public static async Task AuditAsync(HttpContext http, SubmitComplaint.Success lodged, ComplaintChannel channel, CancellationToken ct)
    {
        var audit = http.RequestServices.GetRequiredService<AuditLog>();
        var db = http.RequestServices.GetRequiredService<PingYiDbContext>();
        audit.Record(AuditKinds.ComplaintRegistered, "complaint:" + lodged.TrackingNumber, null,
            new { channel = ComplaintChannels.Codes.CodeOf(channel), receivedAt = lodged.SubmittedAtUtc, lodgedBy = http.User.Identity?.Name });
        await db.SaveChangesAsync(ct);
    }
}
