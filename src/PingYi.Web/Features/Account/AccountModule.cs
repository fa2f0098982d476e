using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Account;

/// <summary>Sign-in, token and lockout settings (<c>SignIn:*</c>); see the README's settings table.</summary>
public sealed class SignInSettings
{
    public const string Section = "SignIn";

    /// <summary>Lifetime of a bearer access token: short, since it cannot be revoked before it expires except by the stamp check.</summary>
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>Lifetime of a refresh token: one working day; signing out revokes it earlier.</summary>
    public int RefreshTokenHours { get; set; } = 8;

    /// <summary>Wrong passwords or codes in a row before the account is locked.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;
}

/// <summary>
/// Staff sign-in for the page and the API (finding 6) and bearer tokens (finding 12). Replaces MapIdentityApi,
/// whose login tells a locked or disabled account from a wrong password, and which has no sign-out.
/// </summary>
public static class AccountModule
{
    /// <summary>The amr claim value a two-factor sign-in carries (as Identity's own two-factor sign-in writes it).</summary>
    public const string MultiFactor = "mfa";

    /// <summary>Staff accounts in our tables, the sign-in cookie for pages and bearer tokens for the API (lockout: <see cref="SignInSettings"/>).</summary>
    public static void AddStaffIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddIdentityApiEndpoints<StaffUser>(o =>
            {
                o.Password.RequiredLength = 10;
                o.User.RequireUniqueEmail = true;
                o.Tokens.AuthenticatorTokenProvider = OneTimeAuthenticatorTokenProvider.Name;
            })
            .AddTokenProvider<OneTimeAuthenticatorTokenProvider>(OneTimeAuthenticatorTokenProvider.Name)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PingYiDbContext>()
            .AddClaimsPrincipalFactory<StaffClaimsPrincipalFactory>();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "pingyi.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // The API answers 401/403; only pages redirect to the sign-in form.
            o.Events.OnRedirectToLogin = ctx => ApiOr(ctx.HttpContext, StatusCodes.Status401Unauthorized, () => ctx.Response.Redirect(ctx.RedirectUri));
            o.Events.OnRedirectToAccessDenied = ctx => ApiOr(ctx.HttpContext, StatusCodes.Status403Forbidden, () => ctx.Response.Redirect(ctx.RedirectUri));
        });
        // AddIdentityApiEndpoints challenges with Bearer; a signed-out browser should see the sign-in page
        // instead. The cookie's redirect hook still answers 401 under /api.
        builder.Services.Configure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(o => o.DefaultChallengeScheme = IdentityConstants.ApplicationScheme);
    }

    private static Task ApiOr(HttpContext http, int status, Action page)
    {
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            http.Response.StatusCode = status;
        }
        else
        {
            page();
        }
        return Task.CompletedTask;
    }

    public static WebApplicationBuilder AddAccount(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(SignInSettings.Section);
        var settings = section.Get<SignInSettings>() ?? new SignInSettings();
        services.Configure<SignInSettings>(section);
        services.AddScoped<SignInCheck>();
        services.AddScoped<EnrolTwoFactor.Handler>();
        services.AddScoped<DummyPasswordHash>();
        services.AddScoped<SmsOptIn.Handler>();
        services.Configure<IdentityOptions>(o =>
        {
            o.Lockout.MaxFailedAccessAttempts = settings.MaxFailedAttempts;
            o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(settings.LockoutMinutes);
            o.Lockout.AllowedForNewUsers = true;
        });
        services.Configure<BearerTokenOptions>(IdentityConstants.BearerScheme, o =>
        {
            o.BearerTokenExpiration = TimeSpan.FromMinutes(settings.AccessTokenMinutes);
            o.RefreshTokenExpiration = TimeSpan.FromHours(settings.RefreshTokenHours);
        });
        return builder;
    }

    public static WebApplication MapAccount(this WebApplication app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("认证");
        auth.MapPost("/login", LoginAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Login)
            .WithName("SignIn")
            .WithSummary("工作人员登录（取得 bearer token；启用两步验证的账号须带 totpCode）")
            .WithDescription("Body `{ email, password, totpCode?, recoveryCode? }`. 200: `{ tokenType, accessToken, expiresIn, refreshToken }` "
                             + "(with `?useCookies=true` or `?useSessionCookies=true`: a cookie and an empty body). 401 `code: sign-in-failed` for a wrong "
                             + "password, an unknown, disabled or locked account alike; 401 `code: two-factor-required`: repeat with `totpCode`; "
                             + "401 `code: two-factor-code-invalid`; 403 `code: two-factor-enrolment-required`: enrol at /staff/two-factor first; 429: too many attempts.")
            .Accepts<LoginBody>("application/json")
            .Produces<AccessTokenResponse>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
        auth.MapPost("/refresh", RefreshAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Login)
            .WithName("RefreshToken")
            .WithSummary("用刷新令牌换取新的 bearer token（注销后或过期后答 401）")
            .Accepts<RefreshBody>("application/json")
            .Produces<AccessTokenResponse>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        auth.MapPost("/logout", LogoutAsync)
            .RequireAuthorization()
            .WithName("SignOut")
            .WithSummary("退出登录：本账号所有的刷新令牌、bearer token 和 Cookie 立即失效")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        // Identity's self-service routes are not mapped (staff accounts are made by an administrator; no mail is
        // sent). Answer 404 for them explicitly: another area's GET template would otherwise make a POST answer 405.
        foreach (var closed in new[] { "/register", "/confirmEmail", "/resendConfirmationEmail", "/forgotPassword", "/resetPassword", "/manage/info", "/manage/2fa" })
        {
            auth.MapMethods(closed, [HttpMethods.Get, HttpMethods.Post], () => Results.NotFound()).AllowAnonymous().ExcludeFromDescription();
        }
        return app;
    }

    public sealed record LoginBody(string? Email, string? Password, string? TotpCode, string? RecoveryCode);

    public sealed record RefreshBody(string? RefreshToken);

    private static async Task<IResult> LoginAsync(HttpContext http, SignInCheck check, SignInManager<StaffUser> signIn,
        [FromQuery] bool? useCookies, [FromQuery] bool? useSessionCookies, CancellationToken ct)
    {
        var read = await ApiBody.ReadJsonAsync<LoginBody>(http, 8 * 1024, ct);
        if (!read.Succeeded)
        {
            return read.Failure!.ToProblem();
        }
        var body = read.Value!;
        if (string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password))
        {
            return RequestFailure.Invalid("请输入邮箱和密码",
                string.IsNullOrWhiteSpace(body.Email) ? "email" : "password", "请输入邮箱和密码。").ToProblem();
        }
        var (outcome, user) = await check.CheckPasswordAsync(body.Email, body.Password);
        var multiFactor = false;
        if (outcome == SignInOutcome.CodeRequired)
        {
            if (string.IsNullOrWhiteSpace(body.TotpCode) && string.IsNullOrWhiteSpace(body.RecoveryCode))
            {
                return Problem(StatusCodes.Status401Unauthorized, SignInProblems.TwoFactorRequired);
            }
            outcome = await check.CheckCodeAsync(user!, body.TotpCode, body.RecoveryCode);
            multiFactor = true;
        }
        switch (outcome)
        {
            case SignInOutcome.CodeInvalid:
                return Problem(StatusCodes.Status401Unauthorized, SignInProblems.CodeInvalid);
            case SignInOutcome.MustEnrol:
                return Problem(StatusCodes.Status403Forbidden, SignInProblems.EnrolmentRequired);
            case SignInOutcome.Succeeded:
                var cookies = useCookies == true || useSessionCookies == true;
                signIn.AuthenticationScheme = cookies ? IdentityConstants.ApplicationScheme : IdentityConstants.BearerScheme;
                await signIn.SignInWithClaimsAsync(user!, isPersistent: useCookies == true && useSessionCookies != true, Amr(multiFactor));
                await check.RecordSignInAsync(user!, "api", multiFactor);
                // The bearer handler has written the token response; a cookie sign-in answers 200 with no body.
                return Results.Empty;
            default:
                return Problem(StatusCodes.Status401Unauthorized, SignInProblems.Failed);
        }
    }

    /// <summary>
    /// The refresh token carries the security stamp of its sign-in; signing out (or a password reset, a disabled
    /// account, a role change) renews the stamp, after which the token answers 401 like an expired one.
    /// </summary>
    private static async Task<IResult> RefreshAsync(HttpContext http, SignInManager<StaffUser> signIn, SignInCheck check,
        IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider time, CancellationToken ct)
    {
        var read = await ApiBody.ReadJsonAsync<RefreshBody>(http, 16 * 1024, ct);
        if (!read.Succeeded)
        {
            return read.Failure!.ToProblem();
        }
        if (string.IsNullOrWhiteSpace(read.Value!.RefreshToken))
        {
            return RequestFailure.Invalid("缺少刷新令牌", "refreshToken", "请提供 refreshToken。").ToProblem();
        }
        var ticket = bearer.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(read.Value.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires
            || time.GetUtcNow() >= expires
            || await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { } user
            || user.Disabled)
        {
            return Problem(StatusCodes.Status401Unauthorized, SignInProblems.RefreshInvalid);
        }
        if (await check.MustEnrolAsync(user))
        {
            return Problem(StatusCodes.Status403Forbidden, SignInProblems.EnrolmentRequired);
        }
        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, Amr(ticket.Principal.HasClaim("amr", MultiFactor)));
        return Results.Empty;
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, UserManager<StaffUser> users)
    {
        await SignOutEverywhereAsync(http, users);
        return Results.NoContent();
    }

    /// <summary>
    /// Renews the security stamp, which every refresh token, bearer token and cookie of the account carries: all of
    /// them stop working on their next use (bearer tokens are stateless, so the stamp is the only handle on them).
    /// </summary>
    public static async Task SignOutEverywhereAsync(HttpContext http, UserManager<StaffUser> users)
    {
        if (http.User.UserId() is { } id && await users.FindByIdAsync(id) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        await http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
    }

    private static Claim[] Amr(bool multiFactor) => multiFactor ? [new Claim("amr", MultiFactor)] : [];

    private static IResult Problem(int status, SignInProblem problem) => TypedResults.Problem(
        title: problem.Title, detail: problem.Detail, statusCode: status, type: "urn:pingyi:problem:" + problem.Code,
        extensions: new Dictionary<string, object?> { ["code"] = problem.Code });
}

public sealed record SignInProblem(string Code, string Title, string Detail);

/// <summary>The answers of a refused sign-in; the page shows the same texts.</summary>
public static class SignInProblems
{
    /// <summary>One answer for a wrong password and an unknown, disabled or locked account.</summary>
    public static readonly SignInProblem Failed = new("sign-in-failed", "登录失败",
        "邮箱或密码不正确，或账号暂时无法登录。连续多次失败后账号将被临时锁定。");

    public static readonly SignInProblem TwoFactorRequired = new("two-factor-required", "需要动态验证码",
        "该账号已启用两步验证，请在 totpCode 中填写身份验证器显示的 6 位动态验证码后重新提交（或在 recoveryCode 中填写一个恢复码）。");

    public static readonly SignInProblem CodeInvalid = new("two-factor-code-invalid", "动态验证码不正确",
        "动态验证码不正确或已过期，请重新输入身份验证器当前显示的 6 位数字。");

    public static readonly SignInProblem EnrolmentRequired = new("two-factor-enrolment-required", "须先启用两步验证",
        "系统管理员要求本角色启用两步验证：请先在网页上登录，于“两步验证”页面（/staff/two-factor）绑定身份验证器。");

    public static readonly SignInProblem RefreshInvalid = new("refresh-token-invalid", "登录已失效",
        "刷新令牌无效、已过期或已因退出登录而注销，请重新登录。");
}
