using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>The six evaluation sources (六项评议) an Evaluator account is bound to.</summary>
public static class EvaluationSources
{
    public static readonly IReadOnlyList<(string Code, string Label)> All =
        EvaluationCodes.Sources.Select(code => (code, EvaluationCodes.SourceLabels[code])).ToList();

    public static bool IsValid(string? code) => All.Any(s => s.Code == code);

    /// <summary>The sources whose evaluators fill in 评议表 (the others are a survey, inspections or computed): what the account form offers.</summary>
    public static readonly IReadOnlyList<(string Code, string Label)> RatedByForm =
        All.Where(s => EvaluationCodes.InputOf(s.Code) == SourceInput.Rating).ToList();
}

/// <summary>
/// Staff accounts: create (no password: the answer carries a one-time link to set one), change the role,
/// unit or source, disable and enable, and reset the password. Every change updates the security stamp,
/// so that it reaches the account's cookies and tokens on their next request (see <see cref="StaffSessionValidator"/>).
/// </summary>
public static class ManageUsers
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

    public sealed class Handler(
        PingYiDbContext db, UserManager<StaffUser> users, AuditLog audit, TimeProvider time, IHttpContextAccessor http,
        Microsoft.Extensions.Options.IOptions<DataProtectionTokenProviderOptions> tokenOptions, MailSettings mail, MailTemplates templates)
    {
        public async Task<IReadOnlyList<UserItem>> ListAsync(string? unitCode, CancellationToken ct)
        {
            var accounts = db.Users.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(unitCode))
            {
                var code = unitCode.Trim().ToLowerInvariant();
                accounts = accounts.Where(u => db.Units.Any(x => x.Id == u.UnitId && x.Code == code));
            }
            var list = await accounts.ToListAsync(ct);
            var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct);
            var byUser = roles.ToLookup(r => r.UserId, r => r.Name!);
            var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), ct);
            var now = time.GetUtcNow();
            return list.OrderBy(u => u.Email, StringComparer.Ordinal)
                .Select(u => ToItem(u, byUser[u.Id].ToList(), units, now))
                .ToList();
        }

        public async Task<UserItem?> GetAsync(string id, CancellationToken ct) =>
            (await ListAsync(null, ct)).FirstOrDefault(u => u.Id == id);

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

        public async Task<Result<UserItem>> SetActiveAsync(string id, bool active, CancellationToken ct)
        {
            var user = await users.FindByIdAsync(id);
            if (user is null)
            {
                return NotFound(id);
            }
            if (!active && IsSelf(id))
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "不能停用自己", "id", "不能停用自己的账号。");
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

        private async Task<ValidUser?> ValidateAsync(UserBody body, ValidationErrors errors, CancellationToken ct)
        {
            var email = body.Email?.Trim();
            if (string.IsNullOrEmpty(email))
            {
                errors.Add("email", "请填写电子邮箱。");
            }
            else if (email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('.', StringComparison.Ordinal))
            {
                errors.Add("email", "电子邮箱格式不正确。");
            }
            var name = Text.Clean(body.DisplayName, multiline: false);
            if (name is null)
            {
                errors.Add("displayName", "请填写姓名或称呼。");
            }
            else if (Text.CharacterCount(name) > 100)
            {
                errors.Add("displayName", "姓名或称呼不能超过 100 个字。");
            }
            var role = body.Role?.Trim().ToLowerInvariant();
            if (Roles.All(r => r.Code != role))
            {
                errors.Add("role", $"角色无效，应为 {string.Join("、", Roles.Select(r => r.Code))} 之一。");
            }
            int? unitId = null;
            var unitCode = string.IsNullOrWhiteSpace(body.UnitCode) ? null : body.UnitCode.Trim().ToLowerInvariant();
            if (role == "unit-handler")
            {
                if (unitCode is null)
                {
                    errors.Add("unitCode", "单位承办人必须绑定一个参评单位，请填写单位代码。");
                }
                else
                {
                    var unit = await db.Units.AsNoTracking().Where(u => u.Code == unitCode).Select(u => new { u.Id, u.Active }).FirstOrDefaultAsync(ct);
                    if (unit is null)
                    {
                        errors.Add("unitCode", $"找不到单位代码“{unitCode}”。");
                    }
                    else if (!unit.Active)
                    {
                        errors.Add("unitCode", $"单位“{unitCode}”已撤销，不能再绑定承办人。");
                    }
                    else
                    {
                        unitId = unit.Id;
                    }
                }
            }
            else if (unitCode is not null && role is not null && Roles.Any(r => r.Code == role))
            {
                errors.Add("unitCode", "只有单位承办人绑定参评单位。");
            }
            var source = string.IsNullOrWhiteSpace(body.Source) ? null : body.Source.Trim().ToLowerInvariant();
            if (role == "evaluator")
            {
                if (!EvaluationSources.IsValid(source))
                {
                    errors.Add("source", $"评议工作人员必须绑定一个评议来源：{string.Join("、", EvaluationSources.All.Select(s => s.Code))}。");
                }
            }
            else if (source is not null && role is not null && Roles.Any(r => r.Code == role))
            {
                errors.Add("source", "只有评议工作人员绑定评议来源。");
            }
            return errors.IsEmpty ? new ValidUser(email!, name!, role!, unitId, unitCode, source, body.Active ?? true) : null;
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
        RequestFailure.Field(StatusCodes.Status404NotFound, "找不到账号", "id", $"找不到账号“{id}”。");

    private static RequestFailure DuplicateEmail(string email) =>
        RequestFailure.Field(StatusCodes.Status409Conflict, "电子邮箱已被使用", "email", $"电子邮箱“{email}”已有账号。");

    private static RequestFailure IdentityFailure(IdentityResult result) =>
        RequestFailure.Field(StatusCodes.Status400BadRequest, "提交的内容有误", "email", string.Join(" ", result.Errors.Select(e => e.Description)));

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Staff account: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/users", async (string? unit, Handler handler, CancellationToken ct) => Results.Ok(await handler.ListAsync(unit, ct)))
            .RequireAuthorization(AdminPolicies.Accounts)
            .WithName("AdminListUsers")
            .WithSummary("工作人员账号列表（可按 unit 单位代码筛选）")
            .Produces<IReadOnlyList<UserItem>>();
        admin.MapPost("/users", async (HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var body = await ApiBody.ReadJsonAsync<UserBody>(http, 16 * 1024, ct);
                if (!body.Succeeded)
                {
                    return body.Failure!.ToProblem();
                }
                var result = await handler.CreateAsync(body.Value!, ct);
                return result.Succeeded ? Results.Created($"/api/v1/admin/users/{result.Value!.User.Id}", result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization(AdminPolicies.Accounts)
            .WithName("AdminCreateUser")
            .WithSummary("新增工作人员账号（应答中含一次性设置密码链接）")
            .Accepts<UserBody>("application/json")
            .Produces<WithLink>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/users/{id}", async (string id, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var body = await ApiBody.ReadJsonAsync<UserBody>(http, 16 * 1024, ct);
                if (!body.Succeeded)
                {
                    return body.Failure!.ToProblem();
                }
                var result = await handler.UpdateAsync(id, body.Value!, ct);
                return result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization(AdminPolicies.Accounts)
            .WithName("AdminUpdateUser")
            .WithSummary("修改工作人员账号（角色、单位变更在下一次请求生效）")
            .Accepts<UserBody>("application/json")
            .Produces<UserItem>()
            .ProducesValidationProblem();
        admin.MapPost("/users/{id}/disable", (string id, Handler handler, CancellationToken ct) => Answer(handler.SetActiveAsync(id, false, ct)))
            .RequireAuthorization(AdminPolicies.Accounts).WithName("AdminDisableUser").WithSummary("停用账号（立即失效）").Produces<UserItem>();
        admin.MapPost("/users/{id}/enable", (string id, Handler handler, CancellationToken ct) => Answer(handler.SetActiveAsync(id, true, ct)))
            .RequireAuthorization(AdminPolicies.Accounts).WithName("AdminEnableUser").WithSummary("启用账号").Produces<UserItem>();
        admin.MapPost("/users/{id}/reset-password", async (string id, Handler handler, CancellationToken ct) =>
            {
                var result = await handler.ResetPasswordAsync(id, ct);
                return result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization(AdminPolicies.Accounts)
            .WithName("AdminResetPassword")
            .WithSummary("重置密码：返回一次性链接，下次登录须修改密码")
            .Produces<WithLink>();
    }

    private static async Task<IResult> Answer(Task<Result<UserItem>> task)
    {
        var result = await task;
        return result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();
    }
}
