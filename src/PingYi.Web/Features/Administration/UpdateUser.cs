using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Common;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

public static partial class ManageUsers
{
    public sealed partial class Handler
    {
        public async Task<Result<UserItem>> UpdateAsync(string id, UserBody body, CancellationToken ct)
        {
            var user = await users.FindByIdAsync(id);
            if (user is null)
            {
                return NotFound(id);
            }
            var errors = new ValidationErrors();
            var valid = await ValidateAsync(body with { Email = body.Email ?? user.Email }, errors, ct);
            if (valid is not null && body.Id is { Length: > 0 } bodyId && bodyId != id)
            {
                errors.Add("id", "请求体中的 id 与地址中的不一致。");
            }
            if (valid is not null && IsSelf(id) && (valid.Role != "admin" || !valid.Active))
            {
                errors.Add("role", "不能取消自己的管理员身份或停用自己的账号。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            if (!string.Equals(valid!.Email, user.Email, StringComparison.OrdinalIgnoreCase) && await users.FindByEmailAsync(valid.Email) is not null)
            {
                return DuplicateEmail(valid.Email);
            }
            var before = await SnapshotAsync(user);
            var previousEmail = user.Email;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            user.Email = valid.Email;
            user.UserName = valid.Email;
            user.DisplayName = valid.DisplayName;
            user.UnitId = valid.UnitId;
            user.EvaluationSource = valid.Source;
            user.Disabled = !valid.Active;
            var current = await users.GetRolesAsync(user);
            var wanted = IdentityRolesOf(valid.Role);
            Check(await users.RemoveFromRolesAsync(user, current.Except(wanted).ToList()));
            Check(await users.AddToRolesAsync(user, wanted.Except(current).ToList()));
            // Roles and unit are read afresh on every request (StaffSessionValidator), so the change reaches the
            // open sessions on their next request; disabling or a new e-mail ends them (a new stamp).
            var updated = !valid.Active || !string.Equals(previousEmail, valid.Email, StringComparison.OrdinalIgnoreCase)
                ? await users.UpdateSecurityStampAsync(user)
                : await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                return updated.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName") ? DuplicateEmail(valid.Email) : IdentityFailure(updated);
            }
            audit.Record(AuditKinds.UserUpdated, valid.Email, before, Snapshot(valid));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (await GetAsync(id, ct))!;
        }
    }

    /// <summary>PUT an account's e-mail, name, role, unit, source and state.</summary>
    private static void MapUpdate(RouteGroupBuilder admin) =>
        admin.MapPut("/users/{id}", (string id, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<UserBody, UserItem>(http, body => handler.UpdateAsync(id, body, ct),
                    result => result.ToOk(), ct, maxBytes: 16 * 1024))
            .RequireAuthorization(AdminPolicies.Accounts)
            .WithName("AdminUpdateUser")
            .WithSummary("修改工作人员账号（角色、单位变更在下一次请求生效）")
            .Accepts<UserBody>("application/json")
            .Produces<UserItem>()
            .ProducesValidationProblem();
}
