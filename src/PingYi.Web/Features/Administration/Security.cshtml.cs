using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace PingYi.Web.Features.Administration;

[Authorize(Policy = SecuritySettings.Policy)]
public sealed class SecurityModel(SecuritySettings.Handler settings) : AdminPageModel
{
    [BindProperty]
    public bool RequireTwoFactorForSupervisors { get; set; }

    public DateTime? UpdatedAt { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var view = await settings.GetAsync(ct);
        RequireTwoFactorForSupervisors = view.RequireTwoFactorForSupervisors;
        UpdatedAt = view.UpdatedAt;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await settings.SetAsync(new SecuritySettings.Body(RequireTwoFactorForSupervisors), ct);
        if (!result.Succeeded)
        {
            Show(result.Failure!);
            return Page();
        }
        TempData["security-saved"] = "安全设置已保存。";
        return Redirect("/staff/admin/security");
    }
}
