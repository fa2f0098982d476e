using Microsoft.AspNetCore.Identity;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>
/// An administrator turns off another account's two-factor sign-in (a lost phone and lost recovery codes): the
/// authenticator key is replaced, the recovery codes dropped, every session of the account ends, and the account
/// enrols again at its next sign-in (at once, when two-factor is required for its role). Audited.
/// </summary>
public static class ResetTwoFactor
{
    public sealed record Response(string Id, string Email, bool TwoFactorEnabled);

    public sealed class Handler(UserManager<StaffUser> users, AuditLog audit, IHttpContextAccessor http)
    {
        public async Task<Result<Response>> HandleAsync(string id, CancellationToken ct)
        {
            var user = await users.FindByIdAsync(id);
            if (user is null)
            {
                return RequestFailure.NotFound("找不到账号", "id", $"找不到账号“{id}”。");
            }
            if (http.HttpContext?.User.UserId() == id)
            {
                return RequestFailure.Invalid("不能重置自己的两步验证", "id", "不能重置自己的两步验证，请由另一位系统管理员操作。");
            }
            audit.Record(AuditKinds.TwoFactorReset, user.Email ?? user.Id, new { twoFactor = user.TwoFactorEnabled }, new { twoFactor = false });
            // Each call saves the user (and, through the shared context, the audit record); the key reset renews the stamp.
            Check(await users.SetTwoFactorEnabledAsync(user, false));
            Check(await users.ResetAuthenticatorKeyAsync(user));
            await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
            Check(await users.RemoveAuthenticationTokenAsync(user, Account.OneTimeAuthenticatorTokenProvider.StoreProvider, Account.OneTimeAuthenticatorTokenProvider.LastStepToken));
            return new Response(user.Id, user.Email ?? string.Empty, user.TwoFactorEnabled);
        }

        private static void Check(IdentityResult result)
        {
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
            }
        }
    }

    public static void Map(RouteGroupBuilder admin) =>
        admin.MapPost("/users/{id}/reset-two-factor", (string id, Handler handler, CancellationToken ct) =>
                handler.HandleAsync(id, ct).ToOkAsync())
            .RequireAuthorization(AdminPolicies.Accounts)
            .WithName("AdminResetTwoFactor")
            .WithSummary("重置两步验证（账号丢失手机和恢复码时；记入审计日志，账号须重新启用）")
            .Produces<Response>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem();
}
