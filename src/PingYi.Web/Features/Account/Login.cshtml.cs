using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Account;

/// <summary>
/// Staff sign-in in one or two steps: the password, then (for an account with an authenticator) the 6-digit code.
/// Between the steps only Identity's short-lived two-factor cookie remembers who passed the first one. Both steps
/// count towards the per-address and global sign-in limits.
/// </summary>
[EnableRateLimiting(RateLimits.Login)]
public sealed class LoginModel(SignInCheck check, SignInManager<StaffUser> signIn) : PageModel
{
    public const string EnrolPage = "/staff/two-factor";

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? RecoveryCode { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    /// <summary>True on the second step: the form asks for the code.</summary>
    public bool AskForCode { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            Error = "请输入邮箱和密码。";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var (outcome, user) = await check.CheckPasswordAsync(Email, Password);
        switch (outcome)
        {
            case SignInOutcome.CodeRequired:
                // Identity's two-factor cookie (5 minutes) names the account for the second step, and nothing more.
                await HttpContext.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(
                    new ClaimsIdentity([new Claim(ClaimTypes.Name, user!.Id)], IdentityConstants.TwoFactorUserIdScheme)));
                AskForCode = true;
                return Page();
            case SignInOutcome.Succeeded or SignInOutcome.MustEnrol:
                signIn.AuthenticationScheme = IdentityConstants.ApplicationScheme;
                await signIn.SignInAsync(user!, isPersistent: false);
                await check.RecordSignInAsync(user!, "page", multiFactor: false);
                // A required but missing authenticator: enrolment is the only page this session reaches.
                return outcome == SignInOutcome.MustEnrol ? LocalRedirect(EnrolPage) : LocalRedirect(Target);
            default:
                return Refused(SignInProblems.Failed.Detail);
        }
    }

    public async Task<IActionResult> OnPostCodeAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return Refused("登录已超时，请重新输入邮箱和密码。");
        }
        AskForCode = true;
        if (string.IsNullOrWhiteSpace(Code) && string.IsNullOrWhiteSpace(RecoveryCode))
        {
            Error = "请输入身份验证器显示的 6 位动态验证码。";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        switch (await check.CheckCodeAsync(user, Code, RecoveryCode))
        {
            case SignInOutcome.Succeeded:
                await HttpContext.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
                signIn.AuthenticationScheme = IdentityConstants.ApplicationScheme;
                await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", AccountModule.MultiFactor)]);
                await check.RecordSignInAsync(user, "page", multiFactor: true);
                return LocalRedirect(Target);
            case SignInOutcome.CodeInvalid:
                Error = SignInProblems.CodeInvalid.Detail;
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            default:
                await HttpContext.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
                return Refused(SignInProblems.Failed.Detail);
        }
    }

    private string Target => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/staff";

    private PageResult Refused(string message)
    {
        AskForCode = false;
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
