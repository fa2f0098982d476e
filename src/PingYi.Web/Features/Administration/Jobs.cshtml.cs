using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PingYi.Web.Features.Notifications;

namespace PingYi.Web.Features.Administration;

/// <summary>后台作业: every registered job with its schedule, and a button to run one now (audited, like the API's).</summary>
[Authorize(Policy = AdminPolicies.AnyAdmin)]
public sealed class JobsModel(JobRegistry registry, RunJob.Handler run) : AdminPageModel
{
    public sealed record Row(string Name, string Label, string? Cron);

    public IReadOnlyList<Row> Jobs { get; private set; } = [];

    public static string LabelOf(string job) => job switch
    {
        "sweep-timers" => "期限到期处理（催办、超期升级）",
        "outbox" => "发送待发邮件",
        "daily-digest" => "每日待办汇总邮件",
        "evaluation-reminders" => "评议材料报送提醒",
        "monthly-snapshot" => "月度通报（每月第一个工作日生成）",
        "erase-contacts" => "删除保存期满的反映人信息",
        _ => job,
    };

    public void OnGet() => Load();

    public async Task<IActionResult> OnPostRunAsync(string? job, CancellationToken ct)
    {
        if (job is null || registry.Find(job) is null)
        {
            Show(Infrastructure.RequestFailure.NotFound("没有这个后台作业", "job", $"没有名为“{job}”的后台作业。"));
            Response.StatusCode = StatusCodes.Status404NotFound;
            Load();
            return Page();
        }
        var result = await run.RunAsync(job, ct);
        Message = $"已运行“{LabelOf(job)}”。{(result is null ? string.Empty : "结果：" + JsonSerializer.Serialize(result, AuditLog.Json))}";
        return RedirectToPage();
    }

    private void Load() => Jobs = registry.All.OrderBy(j => j.Name, StringComparer.Ordinal).Select(j => new Row(j.Name, LabelOf(j.Name), j.Cron)).ToList();
}
