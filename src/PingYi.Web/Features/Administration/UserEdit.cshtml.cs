using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace PingYi.Web.Features.Administration;

[Authorize(Policy = AdminPolicies.Accounts)]
public sealed class UserEditModel(ManageUsers.Handler users, ManageUnits.Handler units) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty]
    public Form Input { get; set; } = new();

    public bool IsNew => string.IsNullOrEmpty(Id);

    public IReadOnlyList<ManageUnits.UnitItem> Units { get; private set; } = [];

    public sealed class Form
    {
        public string? Email { get; set; }
        public string? DisplayName { get; set; }
        public string? Role { get; set; } = "unit-handler";
        public string? UnitCode { get; set; }
        public string? Source { get; set; }
        public bool Active { get; set; } = true;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Units = await units.ListAsync(ct);
        if (IsNew)
        {
            return Page();
        }
        var user = await users.GetAsync(Id!, ct);
        if (user is null)
        {
            return NotFound();
        }
        Input = new Form { Email = user.Email, DisplayName = user.DisplayName, Role = user.Role, UnitCode = user.UnitCode, Source = user.Source, Active = user.Active };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Units = await units.ListAsync(ct);
        var body = new ManageUsers.UserBody(Id, Input.Email, Input.DisplayName, Input.Role,
            Input.Role == "unit-handler" ? Input.UnitCode : null, Input.Role == "evaluator" ? Input.Source : null, Input.Active);
        if (IsNew)
        {
            var created = await users.CreateAsync(body, ct);
            if (!created.Succeeded)
            {
                Show(created.Failure!);
                return Page();
            }
            // Post/Redirect/Get: the account list shows the one-time link once; a reload creates nothing.
            UsersModel.Issue(TempData, created.Value!);
            Message = $"账号 {created.Value!.User.Email} 已创建。";
            return Redirect("/staff/admin/users");
        }
        var updated = await users.UpdateAsync(Id!, body, ct);
        if (!updated.Succeeded)
        {
            Show(updated.Failure!);
            return Page();
        }
        return Redirect("/staff/admin/users");
    }
}
