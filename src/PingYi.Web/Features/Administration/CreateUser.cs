using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

public static partial class ManageUsers
{
    public sealed partial class Handler
    {
        public async Task<Result<WithLink>> CreateAsync(UserBody body, CancellationToken ct)
        {
            var errors = new ValidationErrors();
            var valid = await ValidateAsync(body, errors, ct);
            if (valid is null)
            {
                return RequestFailure.Invalid(errors);
            }
            if (await users.FindByEmailAsync(valid.Email) is not null)
            {
                return DuplicateEmail(valid.Email);
            }
            var user = new StaffUser
            {
                UserName = valid.Email, Email = valid.Email, EmailConfirmed = true, DisplayName = valid.DisplayName,
                UnitId = valid.UnitId, EvaluationSource = valid.Source, Disabled = !valid.Active, MustChangePassword = true,
            };
            // One transaction for the account, its roles and the audit record.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                return created.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName") ? DuplicateEmail(valid.Email) : IdentityFailure(created);
            }
            Check(await users.AddToRolesAsync(user, IdentityRolesOf(valid.Role)));
            audit.Record(AuditKinds.UserCreated, valid.Email, null, Snapshot(valid));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return await LinkAsync(user, "开通", ct);
        }
    }

    /// <summary>POST a new staff account; the answer carries its one-time link to set a password.</summary>
    private static void MapCreate(RouteGroupBuilder admin) =>
        admin.MapPost("/users", (HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<UserBody, WithLink>(http, body => handler.CreateAsync(body, ct),
                    result => result.ToCreated(created => $"/api/v1/admin/users/{created.User.Id}"), ct, maxBytes: 16 * 1024))
            .RequireAuthorization(AdminPolicies.Accounts)
            .WithName("AdminCreateUser")
            .WithSummary("新增工作人员账号（应答中含一次性设置密码链接）")
            .Accepts<UserBody>("application/json")
            .Produces<WithLink>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status409Conflict);
}
