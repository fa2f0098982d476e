using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace PingYi.Web.Features.Administration;

[Authorize(Policy = AdminPolicies.Units)]
public sealed class UnitEditModel(ManageUnits.Handler units) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    [BindProperty]
    public Form Input { get; set; } = new();

    public bool IsNew { get; private set; } = true;

    public sealed class Form
    {
        public string? Code { get; set; }
        public string? Name { get; set; }
        public string? Category { get; set; }
        public string? Duties { get; set; }
        public string? ShortNames { get; set; }
        public string? SupervisionPhone { get; set; }
        public string? ContactEmails { get; set; }
        public bool ServiceHall { get; set; }
        public string? EvaluationChannelUrl { get; set; }
        public bool Active { get; set; } = true;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(Code))
        {
            return Page();
        }
        var unit = await units.GetAsync(Code, ct);
        if (unit is null)
        {
            return NotFound();
        }
        IsNew = false;
        Input = new Form
        {
            Code = unit.Code, Name = unit.Name, Category = unit.Category, Duties = unit.Duties, ShortNames = string.Join("、", unit.ShortNames), SupervisionPhone = unit.SupervisionPhone,
            ContactEmails = string.Join("; ", unit.ContactEmails), ServiceHall = unit.ServiceHall, EvaluationChannelUrl = unit.EvaluationChannelUrl, Active = unit.Active,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        IsNew = string.IsNullOrEmpty(Code);
        var body = new ManageUnits.UnitBody(
            IsNew ? Input.Code : Code, Input.Name, Input.Category, Input.Duties, Input.SupervisionPhone,
            (Input.ContactEmails ?? string.Empty).Split([';', '；', ',', '，', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToList(),
            Input.ServiceHall, Input.EvaluationChannelUrl, Input.Active, ManageUnits.SplitShortNames(Input.ShortNames));
        var result = IsNew ? await units.CreateAsync(body, ct) : await units.UpdateAsync(Code!, body, ct);
        if (!result.Succeeded)
        {
            Show(result.Failure!);
            return Page();
        }
        return Redirect("/staff/admin/units");
    }
}
