using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;

namespace PingYi.Web.Features.Account;

/// <summary>Signing out ends every session of the account (cookies, bearer and refresh tokens), not just this cookie.</summary>
public sealed class LogoutModel(UserManager<StaffUser> users) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await AccountModule.SignOutEverywhereAsync(HttpContext, users);
        return LocalRedirect("/");
    }
}
