using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace PingYi.Web.Features.Administration;

[Authorize(Policy = AdminPolicies.Units)]
public sealed class UnitsModel(ManageUnits.Handler units) : AdminPageModel
{
    public IReadOnlyList<ManageUnits.UnitItem> Units { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Units = await units.ListAsync(ct);

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            Show(Infrastructure.RequestFailure.Invalid("缺少文件", "file", "请选择要导入的 xlsx 文件。"));
        }
        else
        {
            var result = await units.ImportAsync(file, ct);
            if (result.Succeeded)
            {
                Message = $"导入完成：新增 {result.Value!.Created} 个，修改 {result.Value.Updated} 个，未变 {result.Value.Unchanged} 个。";
                return RedirectToPage();
            }
            else
            {
                Show(result.Failure!);
                Message = result.Failure!.Title;
            }
        }
        Units = await units.ListAsync(ct);
        return Page();
    }
}
