using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>
/// Staff accounts: create (no password: the answer carries a one-time link to set one), change the role,
/// unit or source, disable and enable, and reset the password. Every change updates the security stamp,
/// so that it reaches the account's cookies and tokens on their next request (see <see cref="StaffSessionValidator"/>).
/// </summary>
public static partial class ManageUsers
{
    /// <summary>The API's role codes; "admin" holds the Supervisor role too, as the first administrator does.</summary>
    public static readonly IReadOnlyList<(string Code, string Label)> Roles =
    [
        ("admin", StaffRoles.LabelOf(StaffRoles.Admin)), ("supervisor", StaffRoles.LabelOf(StaffRoles.Supervisor)),
        ("unit-handler", StaffRoles.LabelOf(StaffRoles.UnitHandler)), ("evaluator", StaffRoles.LabelOf(StaffRoles.Evaluator)),
        ("inspector", StaffRoles.LabelOf(StaffRoles.Inspector)),
    ];

    public sealed record UserBody(string? Id, string? Email, string? DisplayName, string? Role, string? UnitCode, string? Source, bool? Active);

    public sealed record UserItem(
        string Id, string Email, string DisplayName, string Role, string RoleLabel, string? UnitCode, string? UnitName, string? Source,
        bool Active, bool MustChangePassword, bool LockedOut);

    /// <summary>
    /// The answer to create and reset-password: the account and its one-time link to choose a password.
    /// <paramref name="Emailed"/>: the link also went to the account's address through the outbox (only where a
    /// mail server is configured; the pickup folder of a single office is no one's mailbox).
    /// </summary>
    public sealed record WithLink(UserItem User, string PasswordLink, DateTime LinkExpiresAt, bool Emailed);

    internal static string[] IdentityRolesOf(string role) => role switch
    {
        "admin" => [StaffRoles.Admin, StaffRoles.Supervisor],
        "supervisor" => [StaffRoles.Supervisor],
        "unit-handler" => [StaffRoles.UnitHandler],
        "evaluator" => [StaffRoles.Evaluator],
        _ => [StaffRoles.Inspector],
    };

    internal static string RoleOf(IReadOnlyCollection<string> roles) =>
        roles.Contains(StaffRoles.Admin) ? "admin"
        : roles.Contains(StaffRoles.Supervisor) ? "supervisor"
        : roles.Contains(StaffRoles.UnitHandler) ? "unit-handler"
        : roles.Contains(StaffRoles.Evaluator) ? "evaluator"
        : roles.Contains(StaffRoles.Inspector) ? "inspector"
        : "none";

    public sealed record ValidUser(string Email, string DisplayName, string Role, int? UnitId, string? UnitCode, string? Source, bool Active);

    public sealed partial class Handler(
        PingYiDbContext db, UserManager<StaffUser> users, AuditLog audit, TimeProvider time, IHttpContextAccessor http,
        Microsoft.Extensions.Options.IOptions<DataProtectionTokenProviderOptions> tokenOptions, MailSettings mail, MailTemplates templates)
    {
        private async Task<WithLink> LinkAsync(StaffUser user, string purpose, CancellationToken ct)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            // The configured public address, as in every mail: never the Host header a caller sent.
            var link = QueryHelpers.AddQueryString(mail.Link("/account/set-password"), new Dictionary<string, string?> { ["id"] = user.Id, ["token"] = token });
            var now = time.GetUtcNow().UtcDateTime;
            var expires = now + tokenOptions.Value.TokenLifespan;
            var emailed = !mail.UsesPickupFolder && !string.IsNullOrEmpty(user.Email);
            if (emailed)
            {
                var message = templates.Render(MailTemplates.PasswordLink, new MailModel
                {
                    Title = user.DisplayName, Note = purpose, Link = link, Deadline = ChinaTime.FormatDeadline(expires),
                });
                db.OutboxMessages.Add(NoticeWriter.NewMessage(mail, MailTemplates.PasswordLink, null, user.Email!, message, now, now));
                await db.SaveChangesAsync(ct);
            }
            return new WithLink((await GetAsync(user.Id, ct))!, link, expires, emailed);
        }

        private bool IsSelf(string id) => http.HttpContext?.User.UserId() == id;

        private async Task<object> SnapshotAsync(StaffUser user)
        {
            var roles = await users.GetRolesAsync(user);
            var unitCode = user.UnitId is { } unitId ? await db.Units.Where(u => u.Id == unitId).Select(u => u.Code).FirstOrDefaultAsync() : null;
            return new { user.Email, user.DisplayName, role = RoleOf(roles.ToList()), unitCode, source = user.EvaluationSource, active = !user.Disabled };
        }

        private static object Snapshot(ValidUser v) => new { v.Email, v.DisplayName, v.Role, v.UnitCode, v.Source, v.Active };
    }

    private static UserItem ToItem(StaffUser u, IReadOnlyCollection<string> roles, IReadOnlyDictionary<int, (string Code, string Name)> units, DateTimeOffset now)
    {
        var role = RoleOf(roles);
        (string Code, string Name)? unit = u.UnitId is { } id && units.TryGetValue(id, out var x) ? x : null;
        return new UserItem(u.Id, u.Email ?? string.Empty, u.DisplayName, role, Roles.FirstOrDefault(r => r.Code == role).Label ?? "无角色",
            unit?.Code, unit?.Name, u.EvaluationSource, !u.Disabled, u.MustChangePassword, u.LockoutEnd is { } end && end > now);
    }

    private static RequestFailure NotFound(string id) =>
        RequestFailure.NotFound("找不到账号", "id", $"找不到账号“{id}”。");

    private static RequestFailure DuplicateEmail(string email) =>
        RequestFailure.Conflict("电子邮箱已被使用", "email", $"电子邮箱“{email}”已有账号。");

    private static RequestFailure IdentityFailure(IdentityResult result) =>
        RequestFailure.Invalid("提交的内容有误", "email", string.Join(" ", result.Errors.Select(e => e.Description)));

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Staff account: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    public static void Map(RouteGroupBuilder admin)
    {
        MapList(admin);
        MapCreate(admin);
        MapUpdate(admin);
        MapSetActive(admin);
        MapResetPassword(admin);
    }
}
