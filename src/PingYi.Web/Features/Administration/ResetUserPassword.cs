using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

public static partial class ManageUsers
{
    public sealed partial class Handler
    {
        public async Task<Result<WithLink>> ResetPasswordAsync(string id, CancellationToken ct)
        {
            var user = await users.FindByIdAsync(id);
            if (user is null)
            {
                return NotFound(id);
            }
            user.MustChangePassword = true;
            audit.Record(AuditKinds.PasswordReset, user.Email!, null, new { mustChangePassword = true });
            // Signs the account out everywhere; the link below is bound to the new stamp and so works once.
            Check(await users.UpdateSecurityStampAsync(user));
            return await LinkAsync(user, "重置", ct);
        }
    }

    /// <summary>POST reset-password: a new one-time link, the account signed out everywhere.</summary>
    private static void MapResetPassword(RouteGroupBuilder admin) =>
        admin.MapPost("/users/{id}/reset-password", (string id, Handler handler, CancellationToken ct) =>
                handler.ResetPasswordAsync(id, ct).ToOkAsync())
            .RequireAuthorization(AdminPolicies.Accounts)
            .WithName("AdminResetPassword")
            .WithSummary("重置密码：返回一次性链接，下次登录须修改密码")
            .Produces<WithLink>();
}
