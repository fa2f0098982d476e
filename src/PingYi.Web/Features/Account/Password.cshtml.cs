using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using PingYi.Data.Identity;
using PingYi.Web.Features.Administration;

namespace PingYi.Web.Features.Account;

/// <summary>A signed-in user changes their own password; after an administrator's reset this is the only page they reach.</summary>
public sealed class PasswordModel(OwnPassword.Handler passwords, SignInManager<StaffUser> signIn) : AdminPageModel
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public bool Forced => User.HasClaim(c => c.Type == StaffSessionValidator.MustChangePasswordClaim);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (NewPassword != ConfirmPassword)
        {
            Show(Infrastructure.RequestFailure.Invalid("两次输入的新密码不一致", "confirmPassword", "两次输入的新密码不一致。"));
            return Page();
        }
        var result = await passwords.ChangeAsync(User, new OwnPassword.ChangeBody(CurrentPassword, NewPassword), ct);
        if (!result.Succeeded)
        {
            Show(result.Failure!);
            return Page();
        }
        // The change renewed the security stamp, which ends this cookie: issue a fresh one.
        await signIn.RefreshSignInAsync(result.Value!);
        TempData["password-changed"] = "密码已修改。";
        return Redirect("/staff");
    }
}
