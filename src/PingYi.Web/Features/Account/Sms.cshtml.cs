using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PingYi.Web.Features.Account;

/// <summary>短信提醒: a signed-in staff member opts in or out of an SMS for urgent notices, with a mobile number.</summary>
public sealed class SmsModel(SmsOptIn.Handler sms) : PageModel
{
    [BindProperty]
    public bool Enabled { get; set; }

    [BindProperty]
    public string? Mobile { get; set; }

    public SmsOptIn.Settings? Current { get; private set; }

    [TempData(Key = "sms-notice")]
    public string? Message { get; set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public string InputClass(string field) => Errors.ContainsKey(field) ? "input-error" : string.Empty;

    public async Task<IActionResult> OnGetAsync()
    {
        var current = await sms.GetAsync(User);
        if (!current.Succeeded)
        {
            return Challenge();
        }
        Current = current.Value;
        Enabled = Current!.Enabled;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var saved = await sms.SaveAsync(User, new SmsOptIn.Body(Enabled, Mobile));
        if (!saved.Succeeded)
        {
            Errors = saved.Failure!.Errors;
            Current = (await sms.GetAsync(User)).Value;
            return Page();
        }
        Message = saved.Value!.Enabled ? $"已开启短信提醒，将发送至 {saved.Value.MaskedMobile}。" : "已关闭短信提醒，手机号码已删除。";
        return Redirect("/staff/sms");
    }
}
