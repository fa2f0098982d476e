using Microsoft.AspNetCore.Mvc;
using PingYi.Web.Features.Administration;

namespace PingYi.Web.Features.Account;

/// <summary>The one-time link an administrator hands out: choose a password, then sign in.</summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class SetPasswordModel(OwnPassword.Handler passwords) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    /// <summary>Set after the redirect that follows a successful POST: a reload does not post the used link again.</summary>
    [TempData(Key = "password-set")]
    public bool Done { get; set; }

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
        var result = await passwords.SetWithTokenAsync(Id, Token, NewPassword, ct);
        if (!result.Succeeded)
        {
            Show(result.Failure!);
            return Page();
        }
        Done = true;
        return RedirectToPage();
    }
}
