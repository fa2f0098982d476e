using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Administration;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>Changing the sign-in rules held in the database (today: two-factor for supervisors and administrators).</summary>
public sealed class SecurityPolicyRequirement : IRoleRequirement
{
    public IReadOnlyList<string> Roles { get; } = [StaffRoles.Admin];
}

public sealed class SecurityPolicyHandler : RoleRequirementHandler<SecurityPolicyRequirement>;

/// <summary>
/// <c>GET/PUT /api/v1/admin/security</c> and the page <c>/staff/admin/security</c>. Turning the requirement on
/// takes effect on the next request of every Supervisor and Admin session (the session check reads it), not only
/// at their next sign-in: those without an authenticator can then only enrol.
/// </summary>
public static class SecuritySettings
{
    public const string Policy = "admin.security";

    public sealed record View(bool RequireTwoFactorForSupervisors, DateTime? UpdatedAt);

    public sealed record Body(bool? RequireTwoFactorForSupervisors);

    public sealed class Handler(PingYiDbContext db, AuditLog audit, TimeProvider time)
    {
        public async Task<View> GetAsync(CancellationToken ct)
        {
            var policy = await db.SecurityPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == SecurityPolicy.SingletonId, ct);
            return policy is null ? new View(false, null) : new View(policy.RequireTwoFactorForSupervisors, policy.UpdatedAtUtc);
        }

        public async Task<Result<View>> SetAsync(Body body, CancellationToken ct)
        {
            if (body.RequireTwoFactorForSupervisors is not { } required)
            {
                return RequestFailure.Invalid("提交的内容有误", "requireTwoFactorForSupervisors", "请指定是否要求纪检监察工委和系统管理员启用两步验证（true 或 false）。");
            }
            var policy = await db.SecurityPolicies.FirstOrDefaultAsync(p => p.Id == SecurityPolicy.SingletonId, ct);
            if (policy is null)
            {
                policy = new SecurityPolicy();
                db.SecurityPolicies.Add(policy);
            }
            var before = policy.RequireTwoFactorForSupervisors;
            if (before != required)
            {
                policy.RequireTwoFactorForSupervisors = required;
                policy.UpdatedAtUtc = time.GetUtcNow().UtcDateTime;
                audit.Record(AuditKinds.SecurityPolicyChanged, "two-factor", new { requireTwoFactorForSupervisors = before }, new { requireTwoFactorForSupervisors = required });
                await db.SaveChangesAsync(ct);
            }
            return new View(policy.RequireTwoFactorForSupervisors, policy.UpdatedAtUtc == default ? null : policy.UpdatedAtUtc);
        }
    }

    public static void AddPolicy(AuthorizationOptions o) =>
        o.AddPolicy(Policy, p => p.RequireAuthenticatedUser().AddRequirements(new SecurityPolicyRequirement()));

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/security", async (Handler handler, CancellationToken ct) => Results.Ok(await handler.GetAsync(ct)))
            .RequireAuthorization(Policy)
            .WithName("AdminGetSecuritySettings")
            .WithSummary("查看安全设置（是否要求纪检监察工委和系统管理员启用两步验证）")
            .Produces<View>();
        admin.MapPut("/security", (HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<Body, View>(http, body => handler.SetAsync(body, ct),
                    result => result.ToOk(), ct, maxBytes: 4 * 1024))
            .RequireAuthorization(Policy)
            .WithName("AdminSetSecuritySettings")
            .WithSummary("修改安全设置（记入审计日志）")
            .Produces<View>()
            .ProducesValidationProblem();
    }
}
