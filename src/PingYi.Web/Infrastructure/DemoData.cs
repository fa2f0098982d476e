using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Administration;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Demo mode: provincial units, one account per role and per unit, and a few sample complaints.
/// Only in the Development environment and only with <c>Demo:Seed=true</c> (appsettings.Development.json sets
/// it, so <c>dotnet run</c> shows the demo), so demo credentials cannot reach a real deployment: every other
/// environment ignores the setting, and refuses to start on a database that holds a demo account
/// (<see cref="FindDemoAccountsAsync"/>).
/// </summary>
public static class DemoData
{
    public const string DefaultPassword = "PingYi-Demo-2020";
    public const string AdminEmail = "admin@pingyi.local";
    public const string SupervisorEmail = "supervisor@pingyi.local";

    /// <summary>The demo roster, in the unit import's columns.</summary>
    public const string RosterFile = "DemoData/units.csv";

    public static string HandlerEmail(string unitCode) => $"{unitCode}@pingyi.local";

    /// <summary>Every demo account's e-mail ends so (upper case, as Identity normalises it).</summary>
    public const string NormalizedEmailSuffix = "@PINGYI.LOCAL";

    public static bool IsEnabled(IConfiguration configuration, IHostEnvironment environment, ILogger logger)
    {
        var setting = configuration.GetValue<bool?>("Demo:Seed") == true;
        if (!environment.IsDevelopment())
        {
            if (setting)
            {
                logger.LogWarning("Demo:Seed is ignored in the {Environment} environment: demo accounts are only ever created in Development.", environment.EnvironmentName);
            }
            return false;
        }
        return setting;
    }

    /// <summary>
    /// The demo accounts in this database (at most <paramref name="take"/>): any account whose e-mail ends in
    /// <c>@pingyi.local</c>, the domain every demo account uses. Their password is public, so outside
    /// Development their presence stops the start.
    /// </summary>
    public static Task<List<string>> FindDemoAccountsAsync(PingYiDbContext db, int take, CancellationToken ct = default) =>
        db.Users.AsNoTracking()
            .Where(u => u.NormalizedEmail != null && u.NormalizedEmail.EndsWith(NormalizedEmailSuffix))
            .OrderBy(u => u.NormalizedEmail)
            .Select(u => u.Email!)
            .Take(take)
            .ToListAsync(ct);

    public static async Task SeedIfEnabledAsync(IServiceProvider services, IConfiguration configuration, IHostEnvironment environment, ILogger logger)
    {
        if (!IsEnabled(configuration, environment, logger))
        {
            return;
        }
        var db = services.GetRequiredService<PingYiDbContext>();
        var password = configuration["Demo:Password"] is { Length: > 0 } p ? p : DefaultPassword;

        if (!await db.Units.AnyAsync())
        {
            // The roster is data, loaded through the same import an administrator uses for a spreadsheet.
            await using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, RosterFile));
            var read = UnitSpreadsheet.Read(file, MiniExcelLibs.ExcelType.CSV);
            if (!read.Succeeded)
            {
                throw new InvalidOperationException($"{RosterFile}: " + string.Join(" ", read.Failure!.Errors.SelectMany(e => e.Value)));
            }
            await UnitSpreadsheet.SaveAsync(db, services.GetRequiredService<AuditLog>(), read.Value!, CancellationToken.None);
        }
        await SeedAccountsAsync(services, db, password);
        await SeedComplaintsAsync(services, db, logger);
        var history = DemoHistory.IsEnabled(configuration);
        if (history)
        {
            await DemoHistory.SeedAsync(services, db, logger);
        }
        await Features.Evaluation.EvaluationDemoData.SeedAsync(services, db, password);
        if (history)
        {
            await DemoHistory.SeedRoundsAsync(services, db, Features.Evaluation.EvaluationDemoData.DemoYear);
        }
        logger.LogInformation("Demo mode: {Units} units; sign in as {Admin}, {Supervisor} or <unit code>@pingyi.local with the demo password.",
            await db.Units.CountAsync(), AdminEmail, SupervisorEmail);
    }

    private static async Task SeedAccountsAsync(IServiceProvider services, PingYiDbContext db, string password)
    {
        var users = services.GetRequiredService<UserManager<StaffUser>>();
        await StaffAccounts.EnsureUserAsync(users, AdminEmail, "系统管理员", null, password, StaffRoles.Admin, StaffRoles.Supervisor);
        await StaffAccounts.EnsureUserAsync(users, SupervisorEmail, "纪检监察工委 督办员", null, password, StaffRoles.Supervisor);
        await StaffAccounts.EnsureUserAsync(users, "evaluator@pingyi.local", "评议办 工作人员", null, password, StaffRoles.Evaluator);
        await StaffAccounts.EnsureUserAsync(users, "inspector@pingyi.local", "义务监督员", null, password, StaffRoles.Inspector);
        foreach (var unit in await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Name }).ToListAsync())
        {
            await StaffAccounts.EnsureUserAsync(users, HandlerEmail(unit.Code), $"{unit.Name} 承办人", unit.Id, password, StaffRoles.UnitHandler);
        }
    }

    private static async Task SeedComplaintsAsync(IServiceProvider services, PingYiDbContext db, ILogger logger)
    {
        if (await db.Complaints.AnyAsync())
        {
            return;
        }
        var time = services.GetRequiredService<TimeProvider>();
        var workflow = services.GetRequiredService<WorkflowRuntime>().ForNewComplaint();
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Code, u => u.Id);
        foreach (var sample in SampleComplaints)
        {
            var errors = new ValidationErrors();
            var valid = sample.Validate(ChinaTime.Today(time), errors) ?? throw new InvalidOperationException("Demo complaint is invalid.");
            var now = time.GetUtcNow().UtcDateTime;
            var number = await TrackingNumbers.NextAsync(db, ChinaTime.DateOf(now).Year, CancellationToken.None);
            var code = AccessCode.Generate();
            var complaint = Complaint.Lodge(number, AccessCode.Hash(code), ComplaintChannel.Web, valid, units[valid.UnitCode!], workflow, now);
            db.Complaints.Add(complaint);
            if (valid.Contact is not null)
            {
                db.ComplainantContacts.Add(new ComplainantContact(complaint, valid.Contact));
            }
            await db.SaveChangesAsync();
            // Development only (IsEnabled): the one place an access code is ever logged, so that a developer can open the sample.
            logger.LogInformation("Demo complaint {TrackingNumber}, access code {AccessCode}", number, AccessCode.Display(code));
        }
    }

    private static readonly ComplaintSubmission[] SampleComplaints =
    [
        new("jyt", "formalism", "学校迎检材料层层加码", "区教育局要求学校在一周内提交同一检查的三套纸质材料，教师连续加班整理台账，影响正常教学。", null, "长春市某区", true, null, null, null),
        new("rst", "bureaucratism", "社保转移窗口多次让群众往返", "办理养老保险关系转移时，窗口工作人员每次只告知缺少一项材料，我前后跑了四次仍未办完。", null, "省政务大厅社保窗口", false, "王建国", "13800431234", null),
        new("zjt", "discipline", "工作时间办事窗口无人", "工作日下午两点半到三点，住建窗口无人值守，等候群众十余人，无人解释去向。", null, "省政务大厅", true, null, null, null),
        new("wjw", "epidemic-response", "隔离点生活物资配送不及时", "隔离期间连续两天午餐送达时间超过下午两点，多次反映无人答复，希望改进配送安排。", null, null, false, "李娜", null, "lina@example.com"),
    ];
}
