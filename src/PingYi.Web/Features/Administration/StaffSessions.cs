using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PingYi.Data;
using PingYi.Data.Administration;
using PingYi.Data.Identity;
using PingYi.Web.Features.Shared;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>Password and session rules (<c>Accounts:*</c>), MLPS level-3 defaults.</summary>
public sealed class AccountSettings
{
    public const string Section = "Accounts";

    public int PasswordMinLength { get; set; } = 10;

    /// <summary>Of lower case, upper case, digits and symbols.</summary>
    public int PasswordCharacterClasses { get; set; } = 3;

    /// <summary>How many earlier passwords may not be chosen again.</summary>
    public int PasswordHistory { get; set; } = 5;

    public int IdleTimeoutMinutes { get; set; } = 30;
}

/// <summary>
/// Checks every signed-in request against the account as it is now, for cookies and bearer tokens alike:
/// a changed security stamp (disabled, reset, role or unit changed) or a disabled account ends the
/// session at once, and the roles, unit and name come from the database rather than from the
/// token, so a role or unit change takes effect on the next request. One query per request, cached
/// for the request (authentication may run more than once).
/// </summary>
public sealed class StaffSessionValidator(IHttpContextAccessor http, IOptions<IdentityOptions> identity) : IClaimsTransformation
{
    public const string MustChangePasswordClaim = "pingyi:must-change-password";

    /// <summary>Two-factor is required for the account's role and it has no authenticator: it may only enrol.</summary>
    public const string MustEnrolTwoFactorClaim = "pingyi:must-enrol-two-factor";
    private const string ItemKey = "pingyi:session";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.UserId() is not { } id || http.HttpContext is not { } context)
        {
            return principal;
        }
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is ClaimsPrincipal done)
        {
            return done;
        }
        var db = context.RequestServices.GetRequiredService<PingYiDbContext>();
        var account = await db.Users.AsNoTracking()
            .Where(u => u.Id == id)
            .Select(u => new
            {
                u.SecurityStamp, u.Disabled, u.MustChangePassword, u.UnitId, u.DisplayName, u.UserName, u.Email, u.TwoFactorEnabled,
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).ToList(),
                // The administrator's setting, read in the same query: a change applies to running sessions at once.
                TwoFactorRequired = db.SecurityPolicies.Any(p => p.Id == SecurityPolicy.SingletonId && p.RequireTwoFactorForSupervisors),
            })
            .FirstOrDefaultAsync(context.RequestAborted);
        var stampType = identity.Value.ClaimsIdentity.SecurityStampClaimType;
        ClaimsPrincipal result;
        if (account is null || account.Disabled || principal.FindFirstValue(stampType) != account.SecurityStamp)
        {
            result = new ClaimsPrincipal(new ClaimsIdentity());
        }
        else
        {
            var original = (ClaimsIdentity)principal.Identity!;
            var o = identity.Value.ClaimsIdentity;
            var fresh = new ClaimsIdentity(original.AuthenticationType, o.UserNameClaimType, o.RoleClaimType);
            fresh.AddClaims(original.Claims.Where(c =>
                c.Type != o.RoleClaimType && c.Type != o.UserNameClaimType && c.Type != o.EmailClaimType
                && c.Type != StaffClaims.Unit && c.Type != StaffClaims.DisplayName && c.Type != MustChangePasswordClaim && c.Type != MustEnrolTwoFactorClaim));
            fresh.AddClaim(new Claim(o.UserNameClaimType, account.UserName ?? id));
            if (account.Email is { } email)
            {
                fresh.AddClaim(new Claim(o.EmailClaimType, email));
            }
            fresh.AddClaim(new Claim(StaffClaims.DisplayName, account.DisplayName));
            if (account.MustChangePassword)
            {
                // No roles until the password is changed: every staff page and API refuses, the password page does not.
                fresh.AddClaim(new Claim(MustChangePasswordClaim, "true"));
            }
            else if (account.TwoFactorRequired && !account.TwoFactorEnabled && account.Roles.Any(r => r is StaffRoles.Supervisor or StaffRoles.Admin))
            {
                // Likewise no roles until an authenticator is enrolled: only the enrolment page (and sign-out) works.
                fresh.AddClaim(new Claim(MustEnrolTwoFactorClaim, "true"));
            }
            else
            {
                foreach (var role in account.Roles.OfType<string>())
                {
                    fresh.AddClaim(new Claim(o.RoleClaimType, role));
                }
                if (account.UnitId is { } unitId)
                {
                    fresh.AddClaim(new Claim(StaffClaims.Unit, unitId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
            result = new ClaimsPrincipal(fresh);
        }
        context.Items[ItemKey] = result;
        return result;
    }
}

/// <summary>A disabled account is "not confirmed": sign-in answers NotAllowed, on the page and the API alike.</summary>
public sealed class ActiveAccountConfirmation : IUserConfirmation<StaffUser>
{
    public Task<bool> IsConfirmedAsync(UserManager<StaffUser> manager, StaffUser user) => Task.FromResult(!user.Disabled);
}

/// <summary>Three character classes of four, not the e-mail address, none of the last few passwords.</summary>
public sealed class PasswordPolicyValidator(IOptions<AccountSettings> settings, PingYiDbContext db) : IPasswordValidator<StaffUser>
{
    public async Task<IdentityResult> ValidateAsync(UserManager<StaffUser> manager, StaffUser user, string? password)
    {
        var s = settings.Value;
        password ??= string.Empty;
        var errors = new List<IdentityError>();
        var classes = (password.Any(char.IsAsciiLetterLower) ? 1 : 0) + (password.Any(char.IsAsciiLetterUpper) ? 1 : 0)
            + (password.Any(char.IsAsciiDigit) ? 1 : 0) + (password.Any(c => !char.IsAsciiLetterOrDigit(c)) ? 1 : 0);
        if (password.Length < s.PasswordMinLength)
        {
            errors.Add(new IdentityError { Code = "PasswordTooShort", Description = $"密码至少 {s.PasswordMinLength} 位。" });
        }
        if (classes < s.PasswordCharacterClasses)
        {
            errors.Add(new IdentityError { Code = "PasswordClasses", Description = $"密码须包含小写字母、大写字母、数字、符号中的至少 {s.PasswordCharacterClasses} 类。" });
        }
        var email = user.Email ?? user.UserName ?? string.Empty;
        var local = email.Split('@')[0];
        if (email.Length > 0 && (password.Contains(email, StringComparison.OrdinalIgnoreCase) || (local.Length >= 4 && password.Contains(local, StringComparison.OrdinalIgnoreCase))))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsEmail", Description = "密码不能包含电子邮箱或其用户名部分。" });
        }
        if (s.PasswordHistory > 0 && user.Id is { Length: > 0 } id)
        {
            var recent = await db.PasswordHistory.AsNoTracking().Where(p => p.UserId == id)
                .OrderByDescending(p => p.CreatedAtUtc).ThenByDescending(p => p.Id).Take(s.PasswordHistory)
                .Select(p => p.PasswordHash).ToListAsync();
            if (recent.Any(hash => manager.PasswordHasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed))
            {
                errors.Add(new IdentityError { Code = "PasswordReused", Description = $"不能使用最近 {s.PasswordHistory} 次用过的密码。" });
            }
        }
        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }
}

/// <summary>Keeps every new password hash in the history, whichever path set it (create, change, reset link, bootstrap).</summary>
public sealed class StaffUserStore(PingYiDbContext context, TimeProvider time, IdentityErrorDescriber? describer = null)
    : UserStore<StaffUser, IdentityRole, PingYiDbContext>(context, describer)
{
    public override async Task SetPasswordHashAsync(StaffUser user, string? passwordHash, CancellationToken cancellationToken = default)
    {
        await base.SetPasswordHashAsync(user, passwordHash, cancellationToken);
        if (passwordHash is not null)
        {
            Context.Set<PasswordHistoryEntry>().Add(new PasswordHistoryEntry(user.Id, passwordHash, time.GetUtcNow().UtcDateTime));
        }
    }
}

/// <summary>An account whose password was reset sees only the password page until it chooses a new one; one that must enrol an authenticator, only the enrolment page.</summary>
public sealed class ForcePasswordChangeFilter : IAsyncPageFilter
{
    public const string PasswordPage = "/staff/password";

    public const string TwoFactorPage = "/staff/two-factor";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // By route, not by file: pages live in their area's folder, wherever their URL is.
        var route = context.ActionDescriptor.AttributeRouteInfo?.Template ?? string.Empty;
        var staffPage = PagesRegistration.IsAtOrBelow(route, "staff");
        if (context.HttpContext.User.HasClaim(c => c.Type == StaffSessionValidator.MustChangePasswordClaim)
            && staffPage && !PagesRegistration.IsAtOrBelow(route, PasswordPage.Trim('/')))
        {
            context.Result = new Microsoft.AspNetCore.Mvc.RedirectResult(PasswordPage);
            return;
        }
        if (context.HttpContext.User.HasClaim(c => c.Type == StaffSessionValidator.MustEnrolTwoFactorClaim)
            && staffPage && !PagesRegistration.IsAtOrBelow(route, TwoFactorPage.Trim('/')))
        {
            context.Result = new Microsoft.AspNetCore.Mvc.RedirectResult(TwoFactorPage);
            return;
        }
        await next();
    }
}

/// <summary>
/// A session <see cref="StaffSessionValidator"/> ended still counts as a successful authentication to the
/// authorization middleware (the scheme did accept the cookie or token), which would answer 403. The
/// caller is in fact signed out: answer with a challenge instead (401 for the API, the sign-in page for pages).
/// </summary>
public sealed class EndedSessionResultHandler : Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler
{
    private readonly Microsoft.AspNetCore.Authorization.Policy.AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, Microsoft.AspNetCore.Authorization.AuthorizationPolicy policy,
        Microsoft.AspNetCore.Authorization.Policy.PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated != true)
        {
            authorizeResult = Microsoft.AspNetCore.Authorization.Policy.PolicyAuthorizationResult.Challenge();
        }
        else if (authorizeResult.Forbidden && !context.Request.Path.StartsWithSegments("/api")
                 && context.User.HasClaim(c => c.Type == StaffSessionValidator.MustEnrolTwoFactorClaim))
        {
            // A role-guarded page (the admin area) refuses an account that must enrol first: send it to enrolment.
            context.Response.Redirect(ForcePasswordChangeFilter.TwoFactorPage);
            return Task.CompletedTask;
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
