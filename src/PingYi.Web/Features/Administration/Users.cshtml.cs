using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace PingYi.Web.Features.Administration;

[Authorize(Policy = AdminPolicies.Accounts)]
public sealed class UsersModel(ManageUsers.Handler users) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Unit { get; set; }

    public IReadOnlyList<ManageUsers.UserItem> Users { get; private set; } = [];

    /// <summary>A one-time link just issued (shown once, to pass on to the account's owner).</summary>
    public ManageUsers.WithLink? Issued { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        // The link travels across the redirect in TempData (a cookie encrypted by data protection) and is read once.
        if (TempData[IssuedKey] is string issued)
        {
            Issued = System.Text.Json.JsonSerializer.Deserialize<ManageUsers.WithLink>(issued);
        }
        Users = await users.ListAsync(Unit, ct);
    }

    private const string IssuedKey = "issued-link";

    /// <summary>Shows <paramref name="issued"/>'s link on this page after the redirect (the link is shown once).</summary>
    public static void Issue(Microsoft.AspNetCore.Mvc.ViewFeatures.ITempDataDictionary tempData, ManageUsers.WithLink issued) =>
        tempData[IssuedKey] = System.Text.Json.JsonSerializer.Serialize(issued);

    public async Task<IActionResult> OnPostDisableAsync(string id, bool confirmed, CancellationToken ct)
    {
        if (!confirmed)
        {
            Show(Infrastructure.RequestFailure.Invalid("请确认", "confirm", "停用会让该账号立即退出登录，请点“停用”后再点“确认停用”。"));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Users = await users.ListAsync(Unit, ct);
            return Page();
        }
        return await After(await users.SetActiveAsync(id, false, ct), "已停用", ct);
    }

    public async Task<IActionResult> OnPostEnableAsync(string id, CancellationToken ct) => await After(await users.SetActiveAsync(id, true, ct), "已启用", ct);

    public async Task<IActionResult> OnPostResetAsync(string id, CancellationToken ct)
    {
        var result = await users.ResetPasswordAsync(id, ct);
        if (result.Succeeded)
        {
            Issue(TempData, result.Value!);
            Message = $"已重置 {result.Value!.User.Email} 的密码：该账号已退出登录，下次登录须修改密码。";
            return RedirectToPage(new { Unit });
        }
        else
        {
            Show(result.Failure!);
        }
        Users = await users.ListAsync(Unit, ct);
        return Page();
    }

    private async Task<IActionResult> After(Infrastructure.Result<ManageUsers.UserItem> result, string done, CancellationToken ct)
    {
        if (result.Succeeded)
        {
            Message = $"{result.Value!.Email} {done}。";
            return RedirectToPage(new { Unit });
        }
        else
        {
            Show(result.Failure!);
        }
        Users = await users.ListAsync(Unit, ct);
        return Page();
    }
}
