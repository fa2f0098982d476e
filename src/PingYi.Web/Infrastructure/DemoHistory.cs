using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Demo mode's past months (<c>Demo:History=true</c>, set by appsettings.Development.json): cases lodged weeks
/// and months ago and taken through the real workflow — each action by the aggregate at its own past moment,
/// with the timers that fell due in between fired by the aggregate as the sweep would — so that right after
/// <c>dotnet run</c> there are cases in every state (closed 满意 and 基本满意, 不满意 and reopened, awaiting review,
/// sent back, overdue, escalated to levels 2 and 3, under 督办, waiting to be accepted, declined), and the current
/// round's ranking, the 督办台 and the outbox have something true to show.
/// </summary>
public static class DemoHistory
{
    private sealed record Step(int DaysAgo, string Action, string Role, object? Fields = null);

    private sealed record Story(string UnitCode, string Category, string Title, string Description, int LodgedDaysAgo, Step[] Steps);

    private const string Supervisor = WorkflowRoles.Supervisor;
    private const string Unit = WorkflowRoles.UnitHandler;
    private const string Citizen = WorkflowRoles.Complainant;

    private static object Answer(string what) => new { findings = $"经核查，{what}情况属实。", measures = "已责令整改，对相关人员批评教育，并完善工作制度。", publicReply = $"您反映的{what}问题属实，我单位已整改，感谢您的监督。" };

    private static readonly Story[] Stories =
    [
        new("jyt", "formalism", "学校迎检材料层层加码（往期）", "区教育局要求学校在一周内提交同一检查的三套纸质材料，教师连续加班整理台账。", 95,
            [new(94, "assign", Supervisor, new { unitCode = "jyt" }), new(85, "respond", Unit, Answer("迎检材料层层加码")),
             new(83, "approve", Supervisor, new { qualityRating = 4 }), new(80, "feedback", Citizen, new { satisfaction = "satisfied" })]),
        new("jyt", "bureaucratism", "教师职称评审材料反复退回", "职称评审材料三次被退回，每次只指出一处问题，前后耗时两个月。", 62,
            [new(61, "assign", Supervisor, new { unitCode = "jyt" }), new(30, "respond", Unit, Answer("评审材料反复退回")),
             new(28, "approve", Supervisor, new { qualityRating = 3 }), new(26, "feedback", Citizen, new { satisfaction = "dissatisfied", comment = "问题没有解决。" }),
             new(25, "reopen", Supervisor, new { reason = "反映人不满意，请重新核查办理。" })]),
        new("jyt", "formalism", "校外培训整治检查走过场", "整治检查只看台账不进课堂，检查组半小时内走完全部流程。", 48,
            [new(47, "assign", Supervisor, new { unitCode = "jyt" }), new(12, "supervise", Supervisor, new { reason = "超期未报告，请限期答复办理情况。" })]),
        new("gat", "bureaucratism", "户籍窗口办事推诿", "办理户口迁移时窗口称系统故障，让群众改日再来，连续三次。", 40,
            [new(39, "assign", Supervisor, new { unitCode = "gat" })]),
        new("rst", "bureaucratism", "社保转移窗口多次让群众往返（往期）", "养老保险关系转移每次只告知缺少一项材料，前后跑了四次。", 52,
            [new(51, "assign", Supervisor, new { unitCode = "rst" }), new(38, "respond", Unit, Answer("一次性告知不到位")),
             new(36, "send-back", Supervisor, new { reason = "整改措施不具体，请补充。" }), new(33, "respond", Unit, Answer("一次性告知不到位")),
             new(32, "approve", Supervisor, new { qualityRating = 4 }), new(29, "feedback", Citizen, new { satisfaction = "basically-satisfied" })]),
        new("rst", "discipline", "工伤认定超过时限", "工伤认定申请提交两个月仍无结论，电话询问无人答复。", 24,
            [new(23, "assign", Supervisor, new { unitCode = "rst" })]),
        new("zjt", "discipline", "住建窗口午间无人值守（往期）", "工作日中午住建窗口无人值守，等候群众十余人。", 30,
            [new(29, "assign", Supervisor, new { unitCode = "zjt" }), new(12, "respond", Unit, Answer("窗口无人值守"))]),
        new("wjw", "epidemic-response", "发热门诊排队无人引导", "发热门诊排队两小时无人引导分流，老人在室外久等。", 21,
            [new(20, "assign", Supervisor, new { unitCode = "wjw" }), new(8, "respond", Unit, Answer("发热门诊引导不到位")),
             new(2, "send-back", Supervisor, new { reason = "未说明分流措施，请补充后重新报告。" })]),
        new("mzt", "bureaucratism", "婚姻登记预约名额被占", "网上预约名额长期显示已满，现场却无人排队。", 75,
            [new(74, "assign", Supervisor, new { unitCode = "mzt" }), new(62, "respond", Unit, Answer("预约名额管理")),
             new(60, "approve", Supervisor, new { qualityRating = 5 }), new(57, "feedback", Citizen, new { satisfaction = "satisfied" })]),
        new("fgw", "formalism", "项目审批材料层层加码", "项目核准要求重复提交已在系统中的材料，多次补正。", 44,
            [new(43, "assign", Supervisor, new { unitCode = "fgw" }), new(18, "respond", Unit, Answer("审批材料重复提交")),
             new(16, "approve", Supervisor, new { qualityRating = 2 }), new(14, "feedback", Citizen, new { satisfaction = "dissatisfied", comment = "仍需重复提交。" })]),
        new("xcb", "other", "咨询文化活动报名方式", "想了解社区文化活动的报名方式。", 16,
            [new(15, "decline", Supervisor, new { reason = "不属于作风问题反映，已告知咨询渠道。" })]),
        new("gat", "bureaucratism", "出入境证件办理排长队", "出入境窗口只开一个，排队三个小时。", 1, []),
    ];

    /// <summary>The story whose unit never signs for its case: the 签收 deadline is missed and escalates.</summary>
    private static readonly HashSet<string> NeverSigned = ["户籍窗口办事推诿"];

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool?>("Demo:History") == true;

    /// <summary>Seeds the stories once (none of their titles exists yet). Returns how many cases it lodged.</summary>
    public static async Task<int> SeedAsync(IServiceProvider services, PingYiDbContext db, ILogger logger)
    {
        var titles = Stories.Select(s => s.Title).ToList();
        if (await db.Complaints.AnyAsync(c => titles.Contains(c.Title)))
        {
            return 0;
        }
        var time = services.GetRequiredService<TimeProvider>();
        var runtime = services.GetRequiredService<WorkflowRuntime>();
        var users = services.GetRequiredService<UserManager<StaffUser>>();
        var supervisorId = (await users.FindByEmailAsync(DemoData.SupervisorEmail))?.Id;
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Code, u => new UnitRef(u.Id, u.Name));
        var now = time.GetUtcNow().UtcDateTime;
        var lodged = 0;

        // Oldest first, so their numbers follow the order of lodging (after the samples lodged just now).
        foreach (var story in Stories.OrderByDescending(s => s.LodgedDaysAgo))
        {
            var workflow = runtime.ForNewComplaint();
            var lodgedAt = At(workflow.Calendar, now, story.LodgedDaysAgo, hour: 9);
            var errors = new ValidationErrors();
            var valid = new ComplaintSubmission(story.UnitCode, story.Category, story.Title, story.Description, null, null, true, null, null, null)
                .Validate(ChinaTime.DateOf(lodgedAt), errors) ?? throw new InvalidOperationException($"Demo story '{story.Title}' is invalid.");
            var number = await TrackingNumbers.NextAsync(db, ChinaTime.DateOf(lodgedAt).Year, CancellationToken.None);
            var complaint = Complaint.Lodge(number, AccessCode.Hash(AccessCode.Generate()), ComplaintChannel.Web, valid, units[story.UnitCode].Id, workflow, lodgedAt);
            db.Complaints.Add(complaint);
            foreach (var step in story.Steps)
            {
                var at = At(workflow.Calendar, now, step.DaysAgo, hour: 10);
                complaint.FireDueTimers(workflow, at);
                var validation = workflow.Engine.ValidateFields(step.Action, Fields(step.Fields));
                if (!validation.IsValid)
                {
                    throw new InvalidOperationException($"Demo story '{story.Title}', {step.Action}: invalid fields.");
                }
                var unit = validation.Values.Text("unitCode") is { } code ? units[code] : null;
                var actorId = step.Role switch
                {
                    Supervisor => supervisorId,
                    Unit => (await users.FindByEmailAsync(DemoData.HandlerEmail(units.First(u => u.Value.Id == complaint.UnitId).Key)))?.Id,
                    _ => null,
                };
                var supervision = step.Action == "supervise" ? await SupervisionNumbers.NextAsync(db, ChinaTime.DateOf(at).Year, CancellationToken.None) : null;
                complaint.Perform(workflow, step.Action, new Actor(actorId, step.Role), validation.Values, unit, at, supervision);
                // Saved after each step: a 督办 number is counted from the saved notices.
                await db.SaveChangesAsync();
                if (step.Action is "assign" or "reopen" && !NeverSigned.Contains(story.Title) && workflow.Engine.Definition.Actions.Any(a => a.Code == "sign"))
                {
                    // The unit signs for the case that afternoon, as most do; one story never signs (签收 overdue).
                    var signedAt = At(workflow.Calendar, now, step.DaysAgo, hour: 15);
                    complaint.FireDueTimers(workflow, signedAt);
                    var handler = (await users.FindByEmailAsync(DemoData.HandlerEmail(units.First(u => u.Value.Id == complaint.UnitId).Key)))?.Id;
                    complaint.Perform(workflow, "sign", new Actor(handler, Unit), workflow.Engine.ValidateFields("sign", new Dictionary<string, JsonElement>()).Values, null, signedAt, null);
                    await db.SaveChangesAsync();
                }
            }
            complaint.FireDueTimers(workflow, now);
            await db.SaveChangesAsync();
            lodged++;
        }
        logger.LogInformation("Demo mode: {Count} cases with a history over the past months.", lodged);
        return lodged;
    }

    /// <summary>
    /// The rounds as a year into the system: the earlier round (2020) closed, approved and its results published;
    /// the current year's round open (if its file exists), so the ranking counts the cases above.
    /// </summary>
    public static async Task SeedRoundsAsync(IServiceProvider services, PingYiDbContext db, int earlierYear)
    {
        var runtime = services.GetRequiredService<Features.Evaluation.EvaluationRuntime>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var earlier = await db.EvaluationRounds.SingleOrDefaultAsync(r => r.Year == earlierYear);
        if (earlier is { Status: Domain.Evaluation.RoundStatus.Open } && runtime.Find(earlierYear) is { } definition)
        {
            earlier.Close(now);
            earlier.Approve(now);
            // The same steps as a supervisor's approval (the results snapshot).
            foreach (var step in services.GetServices<Features.Evaluation.IRoundApprovalStep>())
            {
                await step.OnApprovingAsync(new Features.Evaluation.RoundContext(earlier, definition), CancellationToken.None);
            }
            await db.SaveChangesAsync();
            if (await db.ResultSnapshots.SingleOrDefaultAsync(s => s.Year == earlierYear) is { } snapshot)
            {
                snapshot.Publish(true, now);
                await db.SaveChangesAsync();
            }
        }
        var year = ChinaTime.DateOf(now).Year;
        if (year != earlierYear && runtime.Find(year) is not null && !await db.EvaluationRounds.AnyAsync(r => r.Year == year))
        {
            db.EvaluationRounds.Add(new Domain.Evaluation.EvaluationRound(year, now));
            await db.SaveChangesAsync();
        }
    }

    /// <summary>The given hour (China time) of the working day on or before <paramref name="daysAgo"/> days ago, and never after now.</summary>
    private static DateTime At(WorkingDayCalendar calendar, DateTime nowUtc, int daysAgo, int hour)
    {
        var day = ChinaTime.DateOf(nowUtc).AddDays(-daysAgo);
        while (!calendar.IsWorkingDay(day))
        {
            day = day.AddDays(-1);
        }
        var at = ChinaTime.StartOfDayUtc(day).AddHours(hour);
        return at < nowUtc ? at : nowUtc.AddMinutes(-1);
    }

    private static Dictionary<string, JsonElement> Fields(object? fields) =>
        fields is null ? [] : JsonSerializer.SerializeToElement(fields).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
}
