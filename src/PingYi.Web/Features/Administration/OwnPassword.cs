using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>A signed-in user changes their own password; a user with a one-time link sets a new one.</summary>
public static class OwnPassword
{
    public sealed record ChangeBody(string? CurrentPassword, string? NewPassword);

    public sealed record LinkBody(string? Id, string? Token, string? NewPassword);

    public sealed class Handler(UserManager<StaffUser> users, PingYiDbContext db, AuditLog audit)
    {
        public async Task<Result<StaffUser>> ChangeAsync(ClaimsPrincipal principal, ChangeBody body, CancellationToken ct)
        {
            var user = principal.UserId() is { } id ? await users.FindByIdAsync(id) : null;
            if (user is null)
            {
                return RequestFailure.Field(FailureKind.Unauthenticated, "请先登录", "user", "请先登录。");
            }
            if (string.IsNullOrEmpty(body.CurrentPassword))
            {
                return RequestFailure.Invalid("提交的内容有误", "currentPassword", "请输入当前密码。");
            }
            if (string.IsNullOrEmpty(body.NewPassword))
            {
                return RequestFailure.Invalid("提交的内容有误", "newPassword", "请输入新密码。");
            }
            if (!await users.CheckPasswordAsync(user, body.CurrentPassword))
            {
                return RequestFailure.Invalid("当前密码不正确", "currentPassword", "当前密码不正确。");
            }
            user.MustChangePassword = false;
            audit.Record(principal, AuditKinds.PasswordChanged, user.Email!, null, new { by = "self" });
            var result = await users.ChangePasswordAsync(user, body.CurrentPassword, body.NewPassword);
            return result.Succeeded ? user : Failure(result, "newPassword", db);
        }

        /// <summary>The one-time link: the token is bound to the security stamp, which the reset itself changes.</summary>
        public async Task<Result<StaffUser>> SetWithTokenAsync(string? id, string? token, string? newPassword, CancellationToken ct)
        {
            var user = string.IsNullOrEmpty(id) ? null : await users.FindByIdAsync(id);
            if (user is null || string.IsNullOrEmpty(token))
            {
                return RequestFailure.Invalid("链接无效", "token", "链接无效或已使用，请联系系统管理员重新发送。");
            }
            if (string.IsNullOrEmpty(newPassword))
            {
                return RequestFailure.Invalid("提交的内容有误", "newPassword", "请输入新密码。");
            }
            user.MustChangePassword = false;
            // The account's owner chose it (the link proves who they are), not the system: the record says so.
            var owner = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new(System.Security.Claims.ClaimTypes.NameIdentifier, user.Id), new(System.Security.Claims.ClaimTypes.Name, user.Email ?? user.Id)], "password-link"));
            audit.Record(owner, AuditKinds.PasswordChanged, user.Email!, null, new { by = "link" });
            var result = await users.ResetPasswordAsync(user, token, newPassword);
            return result.Succeeded ? user : Failure(result, "newPassword", db);
        }

        private static RequestFailure Failure(IdentityResult result, string field, PingYiDbContext db)
        {
            // Nothing of a refused change may be saved later by another SaveChanges of this request.
            db.ChangeTracker.Clear();
            if (result.Errors.Any(e => e.Code == "InvalidToken"))
            {
                return RequestFailure.Invalid("链接无效", "token", "链接无效、已过期或已使用，请联系系统管理员重新发送。");
            }
            if (result.Errors.Any(e => e.Code == "PasswordMismatch"))
            {
                return RequestFailure.Invalid("当前密码不正确", "currentPassword", "当前密码不正确。");
            }
            return new RequestFailure(FailureKind.Invalid, "新密码不符合要求", new Dictionary<string, string[]> { [field] = result.Errors.Select(e => e.Description).ToArray() });
        }
    }

    public static void Map(RouteGroupBuilder account)
    {
        account.MapPost("/password", (HttpContext http, Handler handler, CancellationToken ct) =>
                // The password change renewed the security stamp: this token is finished; sign in again.
                ResultHttp.JsonCommandAsync<ChangeBody, StaffUser>(http, body => handler.ChangeAsync(http.User, body, ct),
                    result => result.ToHttp(_ => Results.NoContent()), ct, maxBytes: 8 * 1024))
            .RequireAuthorization()
            .WithName("ChangeOwnPassword")
            .WithSummary("修改本人密码（成功后须重新登录）");
        account.MapPost("/set-password", (HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<LinkBody, StaffUser>(http, b => handler.SetWithTokenAsync(b.Id, b.Token, b.NewPassword, ct),
                    result => result.ToHttp(_ => Results.NoContent()), ct, maxBytes: 8 * 1024))
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Lookup)
            .WithName("SetPasswordWithLink")
            .WithSummary("凭一次性链接（id、token）设置新密码");
    }
}
