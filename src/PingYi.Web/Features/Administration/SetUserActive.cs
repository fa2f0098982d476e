using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

public static partial class ManageUsers
{
    public sealed partial class Handler
    {
        public async Task<Result<UserItem>> SetActiveAsync(string id, bool active, CancellationToken ct)
        {
            var user = await users.FindByIdAsync(id);
            if (user is null)
            {
                return NotFound(id);
            }
            if (!active && IsSelf(id))
            {
                return RequestFailure.Invalid("不能停用自己", "id", "不能停用自己的账号。");
            }
            if (user.Disabled == !active)
            {
                return (await GetAsync(id, ct))!;
            }
            user.Disabled = !active;
            audit.Record(active ? AuditKinds.UserEnabled : AuditKinds.UserDisabled, user.Email!, new { active = !active }, new { active });
            // UpdateSecurityStampAsync saves the user (and, through the shared context, the audit record).
            Check(await users.UpdateSecurityStampAsync(user));
            return (await GetAsync(id, ct))!;
        }
    }

    /// <summary>POST disable or enable: an account disabled is signed out on its next request.</summary>
    private static void MapSetActive(RouteGroupBuilder admin)
    {
        admin.MapPost("/users/{id}/disable", (string id, Handler handler, CancellationToken ct) => handler.SetActiveAsync(id, false, ct).ToOkAsync())
            .RequireAuthorization(AdminPolicies.Accounts).WithName("AdminDisableUser").WithSummary("停用账号（立即失效）").Produces<UserItem>();
        admin.MapPost("/users/{id}/enable", (string id, Handler handler, CancellationToken ct) => handler.SetActiveAsync(id, true, ct).ToOkAsync())
            .RequireAuthorization(AdminPolicies.Accounts).WithName("AdminEnableUser").WithSummary("启用账号").Produces<UserItem>();
    }
}
