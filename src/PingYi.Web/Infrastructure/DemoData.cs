using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Units;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Demo mode: provincial units, one account per role and per unit, and a few sample complaints.
/// On by default on the embedded SQLite database, switched by <c>Demo:Seed</c>, and never in the
/// Production environment, so demo credentials cannot reach a real deployment.
/// </summary>
public static class DemoData
{
    public const string DefaultPassword = "PingYi-Demo-2020";
    public const string AdminEmail = "admin@pingyi.local";
    public const string SupervisorEmail = "supervisor@pingyi.local";

    public static string HandlerEmail(string unitCode) => $"{unitCode}@pingyi.local";

    public static bool IsEnabled(IConfiguration configuration, IHostEnvironment environment, DatabaseSettings settings, ILogger logger)
    {
        var setting = configuration.GetValue<bool?>("Demo:Seed");
        if (environment.IsProduction())
        {
            if (setting == true)
            {
                logger.LogWarning("Demo:Seed is ignored in the Production environment: demo accounts are never created there.");
            }
            return false;
        }
        return setting ?? settings.Provider == DatabaseProvider.Sqlite;
    }

    public static async Task SeedIfEnabledAsync(IServiceProvider services, IConfiguration configuration, IHostEnvironment environment, DatabaseSettings settings, ILogger logger)
    {
        if (!IsEnabled(configuration, environment, settings, logger))
        {
            return;
        }
        var db = services.GetRequiredService<PingYiDbContext>();
        var password = configuration["Demo:Password"] is { Length: > 0 } p ? p : DefaultPassword;

        if (!await db.Units.AnyAsync())
        {
            db.Units.AddRange(Units.Select(u => new Unit(u.Code, u.Name, u.Category, u.Duties, u.Phone, [$"{u.Code}-leader@pingyi.local"])));
            await db.SaveChangesAsync();
        }
        await SeedAccountsAsync(services, db, password);
        await SeedComplaintsAsync(services, db, logger);
        await Features.Evaluation.EvaluationDemoData.SeedAsync(services, db, password);
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
            var complaint = Complaint.Lodge(number, AccessCode.Hash(code), ComplaintChannel.Web, valid, units[valid.UnitCode], workflow, now);
            db.Complaints.Add(complaint);
            if (valid.Contact is not null)
            {
                db.ComplainantContacts.Add(new ComplainantContact(complaint, valid.Contact));
            }
            await db.SaveChangesAsync();
            logger.LogInformation("Demo complaint {TrackingNumber}, access code {AccessCode}", number, AccessCode.Display(code));
        }
    }

    private sealed record DemoUnit(string Code, string Name, UnitCategory Category, string Duties, string Phone);

    private static readonly DemoUnit[] Units =
    [
        new("xcb", "省委宣传部", UnitCategory.PartyMass, "负责全省理论武装、新闻舆论、思想道德建设和文化事业的指导与管理。", "0431-88901001"),
        new("tzb", "省委统战部", UnitCategory.PartyMass, "负责全省统一战线工作，联系民主党派、无党派人士和民族宗教工作。", "0431-88901002"),
        new("zfw", "省委政法委", UnitCategory.PartyMass, "统筹协调全省政法工作，推进平安吉林、法治吉林建设。", "0431-88901003"),
        new("zgh", "省总工会", UnitCategory.PartyMass, "维护职工合法权益，组织开展劳动竞赛和职工帮扶服务。", "0431-88901004"),
        new("tsw", "共青团吉林省委", UnitCategory.PartyMass, "联系服务全省青年，指导各级团组织建设和青少年事务。", "0431-88901005"),
        new("fl", "省妇女联合会", UnitCategory.PartyMass, "代表和维护妇女儿童权益，推动男女平等和家庭建设。", "0431-88901006"),
        new("gy", "省高级人民法院", UnitCategory.PartyMass, "依法审理重大案件，监督指导全省法院审判和执行工作。", "0431-88901007"),
        new("jcy", "省人民检察院", UnitCategory.PartyMass, "依法行使检察权，开展法律监督和公益诉讼工作。", "0431-88901008"),
        new("fgw", "省发展和改革委员会", UnitCategory.Government, "拟订全省经济社会发展规划，审批核准重大投资项目，管理价格工作。", "0431-88902001"),
        new("jyt", "省教育厅", UnitCategory.Government, "管理全省各级各类教育，负责招生考试、教师队伍和学校安全工作。", "0431-88902002"),
        new("gat", "省公安厅", UnitCategory.Government, "维护社会治安，办理户籍、出入境、交通管理等公安政务服务。", "0431-88902003"),
        new("mzt", "省民政厅", UnitCategory.Government, "负责社会救助、养老服务、婚姻登记和社会组织管理。", "0431-88902004"),
        new("czt", "省财政厅", UnitCategory.Government, "编制和执行省级预算，管理财政资金和政府采购。", "0431-88902005"),
        new("rst", "省人力资源和社会保障厅", UnitCategory.Government, "负责就业创业、社会保险、劳动关系和人事考试工作。", "0431-88902006"),
        new("zrt", "省自然资源厅", UnitCategory.Government, "负责国土空间规划、不动产登记和自然资源资产管理。", "0431-88902007"),
        new("zjt", "省住房和城乡建设厅", UnitCategory.Government, "负责住房保障、建筑市场监管和城乡建设管理。", "0431-88902008"),
        new("jtt", "省交通运输厅", UnitCategory.Government, "负责公路水路建设与运输管理、交通行政审批。", "0431-88902009"),
        new("wjw", "省卫生健康委员会", UnitCategory.Government, "负责医疗卫生服务、公共卫生和疫情防控工作。", "0431-88902010"),
        new("scj", "省市场监督管理厅", UnitCategory.Government, "负责市场主体登记、食品药品安全和市场秩序监管。", "0431-88902011"),
        new("nky", "省农业科学院", UnitCategory.EnterpriseInstitution, "开展农业科学研究、良种选育和农业技术推广服务。", "0431-88903001"),
        new("sky", "省社会科学院", UnitCategory.EnterpriseInstitution, "开展哲学社会科学研究，为省委省政府决策提供咨询。", "0431-88903002"),
        new("rbs", "吉林日报社", UnitCategory.EnterpriseInstitution, "出版省委机关报，运营新闻客户端和融媒体平台。", "0431-88903003"),
        new("swj", "国家税务总局吉林省税务局", UnitCategory.Central, "负责全省税收征管、纳税服务和社会保险费征收。", "0431-88904001"),
        new("hg", "长春海关", UnitCategory.Central, "负责辖区进出境监管、征税、缉私和口岸通关服务。", "0431-88904002"),
        new("rh", "中国人民银行吉林省分行", UnitCategory.Central, "负责辖区货币信贷政策执行、金融稳定和征信管理。", "0431-88904003"),
        new("tjj", "国家统计局吉林调查总队", UnitCategory.Central, "组织实施辖区住户、价格、农业等统计调查。", "0431-88904004"),
    ];

    private static readonly ComplaintSubmission[] SampleComplaints =
    [
        new("jyt", "formalism", "学校迎检材料层层加码", "区教育局要求学校在一周内提交同一检查的三套纸质材料，教师连续加班整理台账，影响正常教学。", null, "长春市某区", true, null, null, null),
        new("rst", "bureaucratism", "社保转移窗口多次让群众往返", "办理养老保险关系转移时，窗口工作人员每次只告知缺少一项材料，我前后跑了四次仍未办完。", null, "省政务大厅社保窗口", false, "王建国", "13800431234", null),
        new("zjt", "discipline", "工作时间办事窗口无人", "工作日下午两点半到三点，住建窗口无人值守，等候群众十余人，无人解释去向。", null, "省政务大厅", true, null, null, null),
        new("wjw", "epidemic-response", "隔离点生活物资配送不及时", "隔离期间连续两天午餐送达时间超过下午两点，多次反映无人答复，希望改进配送安排。", null, null, false, "李娜", null, "lina@example.com"),
    ];
}
