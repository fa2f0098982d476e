using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Testing;
using MiniExcelLibs;
using PingYi.Web.Tests.Administration;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// Post/Redirect/Get, as the README promises: every page handler that changes something answers a successful POST
/// with a redirect, so a reload cannot save a second rating, inspection or identity view. The handlers are found
/// by reflection: a new OnPost* handler fails this test until it has a scenario here (or a justified exception).
/// </summary>
public abstract partial class PostRedirectGetTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private readonly AdminApi _admin = new(StaffApi.For(fixture.App));

    /// <summary>POST handlers that change nothing, so answering with the page is right.</summary>
    private static readonly Dictionary<string, string> ChangesNothing = new()
    {
        ["Complaints.Intake.NewModel.OnPostSearch"] = "查找 filters the unit list of the form; it saves nothing",
        ["Shared.ErrorModel.OnPost"] = "the error page a failed POST is re-executed to; it is no form",
        ["Complaints.Handling.DetailModel.OnPostInsert"] = "插入 puts a 常用语 into the form being written and shows it again; it saves nothing",
    };

    /// <summary>
    /// POST handlers that change something and must answer with the page: what they show exists in that response only.
    /// Each guards the reload another way (and a test elsewhere shows it).
    /// </summary>
    private static readonly Dictionary<string, string> ShowsOnce = new()
    {
        ["Evaluation.Survey.CodesModel.OnPost"] = "a batch's one-time codes are stored hashed and can only be shown in the response that made them; "
            + "the form's one-time nonce makes a reload answer 409 without codes and without a second batch (SurveyCodeTests)",
        ["Complaints.Intake.RegisterModel.OnPost"] = "the receipt shows the new access code, which exists in that response only; the form token is the "
            + "intake's idempotency key, so a reload answers the same receipt and registers nothing twice",
        ["Complaints.Tracking.RecoverModel.OnPostConfirm"] = "the new access code exists in that response only; the one-time code is used by it, "
            + "so a reload is refused and issues no second code (AccessCodeRecoveryTests)",
    };

    /// <summary>
    /// POST handlers whose world this shared app cannot give without spoiling the others' (a closed round in its
    /// 公示 preview): their own scenario posts through the page and checks the redirect.
    /// </summary>
    private static readonly Dictionary<string, string> CheckedInTheirScenario = new()
    {
        ["Evaluation.Appeals.AppealsModel.OnPostFile"] = "filing, upholding and rejecting share one ActAsync that redirects on success; "
            + "CoverageApiTests' appeals scenario (2026 round closed, in its preview) rejects through the page and follows the redirect",
        ["Evaluation.Appeals.AppealsModel.OnPostUphold"] = "as OnPostFile",
        ["Evaluation.Appeals.AppealsModel.OnPostReject"] = "as OnPostFile",
        ["Evaluation.Appeals.AppealsModel.OnPostEvidence"] = "as OnPostFile; the same scenario uploads a unit's evidence through the page and follows the redirect",
    };

    public static IReadOnlyList<string> PageHandlers() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(PageModel).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal))
                .Select(m => $"{t.FullName!["PingYi.Web.Features.".Length..]}.{(m.Name.EndsWith("Async", StringComparison.Ordinal) ? m.Name[..^5] : m.Name)}"))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public async Task Every_page_handler_that_changes_something_answers_a_successful_POST_with_a_redirect()
    {
        var handlers = PageHandlers();
        Assert.Contains("Evaluation.Ratings.RateModel.OnPost", handlers);
        var scenarios = Scenarios();
        var unchecked_ = handlers.Except(scenarios.Keys).Except(ChangesNothing.Keys).Except(ShowsOnce.Keys).Except(CheckedInTheirScenario.Keys).ToList();
        Assert.True(unchecked_.Count == 0, "POST handlers with no Post/Redirect/Get scenario here: " + string.Join(", ", unchecked_));
        Assert.Empty(scenarios.Keys.Concat(ChangesNothing.Keys).Concat(ShowsOnce.Keys).Concat(CheckedInTheirScenario.Keys).Except(handlers));

        var failures = new List<string>();
        foreach (var (name, run) in scenarios)
        {
            var response = await run();
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther))
            {
                var body = await response.Content.ReadAsStringAsync();
                failures.Add($"{name}: {(int)response.StatusCode} {Regex.Match(body, "<div class=\"alert[^\"]*\"[^>]*>([^<]*)").Groups[1].Value}");
            }
        }
        Assert.True(failures.Count == 0, "A successful POST answered with a page:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Reloading_after_a_saved_rating_inspection_or_identity_view_saves_nothing_twice()
    {
        // The evaluator's rating: the POST answers 302; the page it leads to says it was saved; one rating is counted.
        var deputies = await SignInAsync(EvaluationTestsDeputies);
        var before = await DeputyCountAsync("swj");
        var rated = await SubmitAsync(deputies, "/staff/evaluation/rate/swj", RatingFields());
        Assert.Equal(HttpStatusCode.Redirect, rated.StatusCode);
        Assert.Contains("评议已保存", await ReadAsync(deputies, rated.Headers.Location!.OriginalString));
        // A reload is a GET of that page: it shows the form again and counts nothing.
        Assert.DoesNotContain("评议已保存", await ReadAsync(deputies, rated.Headers.Location!.OriginalString));
        Assert.Equal(before + 1, await DeputyCountAsync("swj"));

        // The identity view: one reveal, one timeline entry, even after a reload.
        var (number, _) = await _api.LodgeAsync(Named(Complaint("重载后不重复记录查看"), Complainant.Distinct()));
        var supervisor = await SignInAsync(Supervisor);
        var detail = $"/staff/complaints/{number}";
        var revealed = await SubmitAsync(supervisor, detail, new() { ["reason"] = "回访前核实联系方式" }, $"{detail}?handler=Contact");
        Assert.Equal(HttpStatusCode.Redirect, revealed.StatusCode);
        var shown = await ReadAsync(supervisor, revealed.Headers.Location!.OriginalString);
        Assert.Contains("id=\"contact-phone\"", shown);
        var reloaded = await ReadAsync(supervisor, revealed.Headers.Location!.OriginalString);
        Assert.DoesNotContain("id=\"contact-phone\"", reloaded);
        var view = await _api.StaffViewAsync(Supervisor, number);
        Assert.Single(view["timeline"]!.AsArray(), t => t!["action"]!.GetValue<string>() == "view-contact");
    }

    private const string EvaluationTestsDeputies = PingYi.Web.Tests.Evaluation.EvaluationApiTests.Deputies;

    private static Dictionary<string, string> RatingFields() => new()
    {
        ["Rating"] = "satisfied",
        ["Answers[formalism]"] = "satisfied",
        ["Answers[eight-point-rules]"] = "satisfied",
        ["Answers[epidemic-response]"] = "satisfied",
        ["Answers[discipline]"] = "basically-satisfied",
        ["Comment"] = "按时办结",
        ["FormReference"] = "PRG-0001",
    };

    private async Task<int> DeputyCountAsync(string unit) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, $"/api/v1/evaluations/2020/inputs?unit={unit}"), HttpStatusCode.OK))!["sources"]!["deputies"]!["count"]!.GetValue<int>();

    /// <summary>One successful POST per handler, in an order where each finds what it needs.</summary>
    private Dictionary<string, Func<Task<HttpResponseMessage>>> Scenarios()
    {
        var s = new Dictionary<string, Func<Task<HttpResponseMessage>>>();
        var totpEmail = AdminApi.Email("prg-totp");
        var totpKey = string.Empty;

        s["Account.LoginModel.OnPost"] = () => new PageBrowser(fixture.App).SignInAsync(Evaluator, Password);
        s["Account.TwoFactorModel.OnPost"] = async () =>
        {
            await _admin.CreateUserAsync(totpEmail, "supervisor");
            var browser = await SignInAsync(totpEmail, AdminApi.StrongPassword);
            var enrol = await ReadAsync(browser, "/staff/two-factor");
            totpKey = Totp.KeyFromPage(enrol);
            return await browser.PostFormAsync("/staff/two-factor", new Dictionary<string, string> { ["Code"] = Totp.Code(totpKey, fixture.App.Time.GetUtcNow().AddSeconds(-30)) }, PageBrowser.Token(enrol));
        };
        s["Account.LoginModel.OnPostCode"] = async () =>
        {
            var browser = new PageBrowser(fixture.App);
            var step1 = await ExpectAsync(await browser.SignInAsync(totpEmail, AdminApi.StrongPassword), HttpStatusCode.OK);
            // The next time step on the app's clock: the enrolment's code is not good twice.
            return await browser.PostFormAsync("/account/login?handler=code",
                new Dictionary<string, string> { ["Code"] = Totp.Code(totpKey, fixture.App.Time.GetUtcNow()) }, PageBrowser.Token(step1));
        };
        s["Complaints.Tracking.RecoverModel.OnPost"] = async () =>
        {
            var browser = new PageBrowser(fixture.App);
            var page = await ReadAsync(browser, "/track/recover");
            return await browser.PostFormAsync("/track/recover",
                new Dictionary<string, string> { ["TrackingNumber"] = "ZTC-2026-999998", ["Contact"] = "13900000001" }, PageBrowser.Token(page));
        };
        s["Account.LogoutModel.OnPost"] = async () => await SubmitAsync(await SignInAsync(Evaluator), "/staff", [], "/account/logout");
        s["Account.SetPasswordModel.OnPost"] = async () =>
        {
            var id = await _admin.CreateUserAsync(AdminApi.Email("prg-link"), "supervisor");
            var reset = JsonNode.Parse(await ExpectAsync(await (await _api.AsAsync(Admin)).PostAsync($"/api/v1/admin/users/{id}/reset-password", null), HttpStatusCode.OK))!;
            var link = new Uri(reset["passwordLink"]!.GetValue<string>()).PathAndQuery;
            return await SubmitAsync(new PageBrowser(fixture.App), link, new() { ["NewPassword"] = "Ganz-Neues-Passwort-2027", ["ConfirmPassword"] = "Ganz-Neues-Passwort-2027" });
        };
        s["Account.PasswordModel.OnPost"] = async () =>
        {
            var email = AdminApi.Email("prg-own");
            await _admin.CreateUserAsync(email, "supervisor");
            return await SubmitAsync(await SignInAsync(email, AdminApi.StrongPassword), "/staff/password",
                new() { ["CurrentPassword"] = AdminApi.StrongPassword, ["NewPassword"] = "Eigenes-Passwort-2027", ["ConfirmPassword"] = "Eigenes-Passwort-2027" });
        };

        s["Account.SmsModel.OnPost"] = async () =>
        {
            var email = AdminApi.Email("prg-sms");
            await _admin.CreateUserAsync(email, "supervisor");
            return await SubmitAsync(await SignInAsync(email, AdminApi.StrongPassword), "/staff/sms",
                new() { ["Enabled"] = "true", ["Mobile"] = "13912345678" });
        };

        // The citizen's side.
        s["Complaints.Intake.NewModel.OnPost"] = async () =>
        {
            var browser = new PageBrowser(fixture.App);
            var page = await ReadAsync(browser, "/complaints/new");
            return await browser.PostFormAsync("/complaints/new", new Dictionary<string, string>
            {
                ["FormToken"] = WebUtility.HtmlDecode(FormToken().Match(page).Groups[1].Value),
                ["Input.UnitCode"] = "jyt", ["Input.Category"] = "formalism", ["Input.Title"] = "窗口推诿",
                ["Input.Description"] = "办事窗口多次推诿，要求重复提交材料。", ["Input.Anonymous"] = "true",
            }, PageBrowser.Token(page));
        };
        var tracking = new PageBrowser(fixture.App);
        s["Complaints.Tracking.IndexModel.OnPost"] = async () =>
        {
            var (number, code) = await _api.LodgeAsync("查询进度");
            return await SubmitAsync(tracking, "/track", new() { ["TrackingNumber"] = number, ["Code"] = code });
        };
        s["Complaints.Tracking.IndexModel.OnPostSupplement"] = async () =>
        {
            var response = await SubmitAsync(tracking, "/track", new() { ["SupplementText"] = "补充：办事时间为上午十点。" }, "/track?handler=Supplement");
            Assert.EndsWith("#supplement", response.Headers.Location?.OriginalString ?? "#supplement");
            return response;
        };
        s["Complaints.Tracking.IndexModel.OnPostForget"] = () => SubmitAsync(tracking, "/track", [], "/track?handler=Forget");
        s["Complaints.Tracking.IndexModel.OnPostFeedback"] = async () =>
        {
            var (number, code) = await _api.LodgeAsync("待评价");
            await ExpectAsync(await _api.ActAsync(Supervisor, number, "assign", new { unitCode = "jyt" }), HttpStatusCode.OK);
            await _api.DoAsync(Handler("jyt"), number, "respond", new { findings = "经核实，情况属实。", measures = "已批评教育。", publicReply = "已整改。" });
            await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 5 });
            var browser = new PageBrowser(fixture.App);
            Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(browser, "/track", new() { ["TrackingNumber"] = number, ["Code"] = code })).StatusCode);
            return await SubmitAsync(browser, "/track", new() { ["SatisfactionCode"] = "satisfied" }, "/track?handler=Feedback");
        };
        s["Evaluation.Survey.IndexModel.OnPost"] = async () =>
        {
            var browser = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
            var form = await ExpectAsync(await browser.GetAsync("/survey/2020/service-hall/gat"), HttpStatusCode.OK);
            return await browser.PostAsync("/survey/2020/service-hall/gat", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = PageBrowser.Token(form),
                ["Rating"] = "satisfied", ["Answers[attitude]"] = "5", ["Answers[efficiency]"] = "4", ["Answers[one-visit]"] = "no", ["Answers[suggestion]"] = "窗口服务好",
            }));
        };

        // Case handling.
        s["Complaints.Handling.DetailModel.OnPostAct"] = async () =>
        {
            var (number, _) = await _api.LodgeAsync("待交办");
            var supervisor = await SignInAsync(Supervisor);
            var page = await ReadAsync(supervisor, $"/staff/complaints/{number}");
            return await supervisor.PostFormAsync($"/staff/complaints/{number}?handler=Act", new Dictionary<string, string>
            {
                ["ActionCode"] = "assign", ["ETag"] = WebUtility.HtmlDecode(ETag().Match(page).Groups[1].Value), ["Fields[unitCode]"] = "jyt",
            }, PageBrowser.Token(page));
        };
        s["Complaints.Handling.DetailModel.OnPostHandler"] = async () =>
        {
            var number = await _api.AssignedAsync("认领本件");
            return await SubmitAsync(await SignInAsync(Handler("jyt")), $"/staff/complaints/{number}", new() { ["claim"] = "true" }, $"/staff/complaints/{number}?handler=Handler");
        };
        s["Complaints.Handling.DetailModel.OnPostNote"] = async () =>
        {
            var number = await _api.AssignedAsync("内部备注");
            return await SubmitAsync(await SignInAsync(Handler("jyt")), $"/staff/complaints/{number}", new() { ["noteText"] = "已联系街道核实" }, $"/staff/complaints/{number}?handler=Note");
        };
        s["Complaints.Handling.IndexModel.OnPostBulk"] = async () =>
        {
            var number = await _api.AssignedAsync("批量催办");
            var browser = await SignInAsync(Supervisor);
            var list = await ReadAsync(browser, "/staff/complaints");
            return await browser.PostFormAsync("/staff/complaints?handler=Bulk", new Dictionary<string, string>
            {
                ["bulkAction"] = "urge", ["numbers"] = number, ["note"] = "请抓紧办理", ["returnQuery"] = "?status=assigned",
            }, PageBrowser.Token(list));
        };
        s["Complaints.Handling.IndexModel.OnPostSaveView"] = async () =>
        {
            var browser = await SignInAsync(Handler("jyt"));
            var list = await ReadAsync(browser, "/staff/complaints?status=assigned");
            return await browser.PostFormAsync("/staff/complaints?handler=SaveView",
                new Dictionary<string, string> { ["viewName"] = "PRG 视图", ["returnQuery"] = "?status=assigned" }, PageBrowser.Token(list));
        };
        s["Complaints.Handling.IndexModel.OnPostDeleteView"] = async () =>
        {
            var id = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("jyt"), "/api/v1/saved-views"), HttpStatusCode.OK))!.AsArray()
                .First(v => v!["name"]!.GetValue<string>() == "PRG 视图")!["id"]!.GetValue<int>();
            return await SubmitAsync(await SignInAsync(Handler("jyt")), "/staff/complaints", [], $"/staff/complaints?handler=DeleteView&id={id}");
        };
        var templates = "/staff/reply-templates";
        s["Complaints.Handling.TemplatesModel.OnPostCreate"] = async () =>
            await SubmitAsync(await SignInAsync(Handler("jyt")), templates, new() { ["title"] = "PRG 常用语", ["text"] = "您反映的问题（{{受理编号}}）已收悉。", ["scope"] = "unit" }, $"{templates}?handler=Create");
        s["Complaints.Handling.TemplatesModel.OnPostUpdate"] = async () =>
        {
            var id = await OwnTemplateIdAsync("PRG 常用语");
            return await SubmitAsync(await SignInAsync(Handler("jyt")), templates, new() { ["title"] = "PRG 常用语（改）", ["text"] = "已收悉。" }, $"{templates}?handler=Update&id={id}");
        };
        s["Complaints.Handling.TemplatesModel.OnPostDelete"] = async () =>
        {
            var id = await OwnTemplateIdAsync("PRG 常用语（改）");
            return await SubmitAsync(await SignInAsync(Handler("jyt")), templates, [], $"{templates}?handler=Delete&id={id}");
        };
        s["Complaints.Handling.DetailModel.OnPostContact"] = async () =>
        {
            var (number, _) = await _api.LodgeAsync(Named(Complaint("实名反映"), Complainant.Distinct()));
            return await SubmitAsync(await SignInAsync(Supervisor), $"/staff/complaints/{number}", new() { ["reason"] = "核实身份" }, $"/staff/complaints/{number}?handler=Contact");
        };

        s["Supervision.Callbacks.IndexModel.OnPost"] = async () =>
        {
            var (number, _) = await _api.LodgeAsync(Named(Complaint("回访记录"), Complainant.Distinct()));
            await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
            await _api.DoAsync(Handler("jyt"), number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" });
            await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
            return await SubmitAsync(await SignInAsync(Supervisor), "/staff/callbacks",
                new() { ["trackingNumber"] = number, ["outcome"] = "not-reached", ["notes"] = "电话无人接听" });
        };

        // Evaluation.
        s["Evaluation.Ratings.RateModel.OnPost"] = async () => await SubmitAsync(await SignInAsync(EvaluationTestsDeputies), "/staff/evaluation/rate/tsw", RatingFields());
        s["Evaluation.Inspections.InspectModel.OnPost"] = async () => await SubmitAsync(await SignInAsync(Inspector), "/staff/evaluation/inspect", new()
        {
            ["UnitCode"] = "fl", ["Date"] = "2020-11-03", ["Rating"] = "dissatisfied",
            ["Findings[0].Description"] = "服务窗口无人值守", ["Findings[0].Severity"] = "serious",
        });
        s["Evaluation.IndexModel.OnPostImport"] = async () =>
        {
            var template = await (await _api.GetAsync(EvaluationTestsDeputies, "/api/v1/evaluations/2020/ratings/template")).Content.ReadAsByteArrayAsync();
            var rows = new MemoryStream(template).Query(useHeaderRow: true)
                .Select(r => ((IDictionary<string, object?>)r).ToDictionary(kv => kv.Key, kv => kv.Value)).ToList();
            var row = rows.Single(r => (string?)r["单位代码"] == "czt");
            row["评议表编号"] = "PRG-IMPORT-0001";
            row["总体评价"] = "满意";
            row["形式主义、官僚主义问题整治情况"] = "满意";
            row["贯彻落实中央八项规定精神和省委具体规定情况"] = "满意";
            row["新冠肺炎疫情防控中担当作为情况"] = "满意";
            row["机关纪律作风建设情况"] = "基本满意";
            using var sheet = new MemoryStream();
            sheet.SaveAs(rows);
            return await SubmitAsync(await SignInAsync(EvaluationTestsDeputies), "/staff/evaluation", [], "/staff/evaluation?handler=Import", ("file", sheet.ToArray(), "评议表.xlsx"));
        };
        s["Evaluation.IndexModel.OnPostDocument"] = async () =>
            await SubmitAsync(await SignInAsync(Handler("tsw")), "/staff/evaluation", new() { ["milestone"] = "implementation-plan" }, "/staff/evaluation?handler=Document", ("file", TestData.Pdf, "实施方案.pdf"));
        s["Evaluation.Deductions.DeductionsModel.OnPost"] = async () =>
            await SubmitAsync(await SignInAsync(Supervisor), "/staff/evaluation/deductions?year=2020", new()
            {
                ["Unit"] = "czt", ["Rule"] = "careless-handling", ["Points"] = "1", ["Reason"] = "答复敷衍。",
                ["Cites"] = "ledger-item", ["CitesRef"] = await _api.LedgerItemAsync(2020, "czt"),
            });
        var ledgerItems = new List<string>();
        s["Evaluation.Ledger.LedgerNewModel.OnPost"] = async () =>
        {
            var supervisor = await SignInAsync(Supervisor);
            var due = PingYi.Domain.Common.ChinaTime.Today(fixture.App.Time).AddDays(10).ToString("yyyy-MM-dd");
            HttpResponseMessage last = null!;
            for (var i = 0; i < 2; i++)
            {
                last = await SubmitAsync(supervisor, "/staff/evaluation/ledger/new?year=2020",
                    new() { ["Unit"] = "mzt", ["Source"] = "prior-year", ["Problem"] = $"整改问题 {i}", ["Measures"] = "逐项整改。", ["Owner"] = "李某", ["DueOn"] = due });
                ledgerItems.Add(last.Headers.Location?.OriginalString ?? string.Empty);
            }
            return last;
        };
        s["Evaluation.Ledger.LedgerItemModel.OnPostEvidence"] = async () =>
        {
            var unit = await SignInAsync(Handler("mzt"));
            Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(unit, ledgerItems[0], [], LedgerHandler(ledgerItems[0], "Evidence"), ("Files", TestData.Png, "整改照片.png"))).StatusCode);
            return await SubmitAsync(unit, ledgerItems[1], [], LedgerHandler(ledgerItems[1], "Evidence"), ("Files", TestData.Png, "整改照片.png"));
        };
        s["Evaluation.Ledger.LedgerItemModel.OnPostProgress"] = async () =>
        {
            var unit = await SignInAsync(Handler("mzt"));
            Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(unit, ledgerItems[0], new() { ["Note"] = "已整改。", ["Completed"] = "true" }, LedgerHandler(ledgerItems[0], "Progress"))).StatusCode);
            return await SubmitAsync(unit, ledgerItems[1], new() { ["Note"] = "已整改。", ["Completed"] = "true" }, LedgerHandler(ledgerItems[1], "Progress"));
        };
        s["Evaluation.Ledger.LedgerItemModel.OnPostVerify"] = async () => await SubmitAsync(await SignInAsync(Supervisor), ledgerItems[0], [], LedgerHandler(ledgerItems[0], "Verify"));
        s["Evaluation.Ledger.LedgerItemModel.OnPostSendBack"] = async () =>
            await SubmitAsync(await SignInAsync(Supervisor), ledgerItems[1], new() { ["ReviewNote"] = "佐证不足，请补充。" }, LedgerHandler(ledgerItems[1], "SendBack"));

        // Scoring.
        s["Scoring.PriorModel.OnPost"] = async () =>
            await SubmitAsync(await SignInAsync(Supervisor), "/staff/scoring/prior", new() { ["year"] = "2018" }, null,
                ("file", Encoding.UTF8.GetBytes("单位代码,类别,排名,重点跟踪对象\nswj,中直单位,1,否\n"), "prior.csv"));
        s["Scoring.IndexModel.OnPostAccountability"] = async () =>
            await SubmitAsync(await SignInAsync(Supervisor), "/staff/scoring/2020", new() { ["unitCode"] = "tjj", ["flagged"] = "true", ["reason"] = "通报批评" }, "/staff/scoring/2020?handler=Accountability");

        // Administration.
        s["Administration.SecurityModel.OnPost"] = async () => await SubmitAsync(await SignInAsync(Admin), "/staff/admin/security", new() { ["RequireTwoFactorForSupervisors"] = "false" });
        s["Administration.UnitEditModel.OnPost"] = async () => await SubmitAsync(await SignInAsync(Admin), "/staff/admin/units/edit", new()
        {
            ["Input.Code"] = AdminApi.NewCode(), ["Input.Name"] = "测试厅", ["Input.Category"] = "government", ["Input.Duties"] = "测试职能",
            ["Input.SupervisionPhone"] = "028-12345678", ["Input.Active"] = "true",
        });
        s["Administration.UnitsModel.OnPostImport"] = async () =>
        {
            using var sheet = new MemoryStream();
            sheet.SaveAs(new[]
            {
                new Dictionary<string, object?>
                {
                    ["代码"] = AdminApi.NewCode(), ["名称"] = "导入测试厅", ["类别"] = "government", ["职能简介"] = "职能", ["监督电话"] = "028-87654321",
                    ["联系邮箱"] = "", ["驻省政务大厅"] = "否", ["评议渠道网址"] = "", ["状态"] = "在用",
                },
            });
            return await SubmitAsync(await SignInAsync(Admin), "/staff/admin/units", [], "/staff/admin/units?handler=Import", ("file", sheet.ToArray(), "units.xlsx"));
        };
        s["Administration.UserEditModel.OnPost"] = async () => await SubmitAsync(await SignInAsync(Admin), "/staff/admin/users/edit", new()
        {
            ["Input.Email"] = AdminApi.Email("prg-new"), ["Input.DisplayName"] = "新同事", ["Input.Role"] = "unit-handler", ["Input.UnitCode"] = "jyt", ["Input.Active"] = "true",
        });
        var accountId = string.Empty;
        s["Administration.UsersModel.OnPostDisable"] = async () =>
        {
            accountId = await _admin.CreateUserAsync(AdminApi.Email("prg-account"), "supervisor");
            return await SubmitAsync(await SignInAsync(Admin), "/staff/admin/users", new() { ["id"] = accountId, ["confirmed"] = "true" }, "/staff/admin/users?handler=Disable");
        };
        s["Administration.UsersModel.OnPostEnable"] = async () => await SubmitAsync(await SignInAsync(Admin), "/staff/admin/users", new() { ["id"] = accountId }, "/staff/admin/users?handler=Enable");
        s["Administration.UsersModel.OnPostReset"] = async () => await SubmitAsync(await SignInAsync(Admin), "/staff/admin/users", new() { ["id"] = accountId }, "/staff/admin/users?handler=Reset");
        s["Administration.OutboxMessageModel.OnPostResend"] = async () =>
        {
            var admin = await SignInAsync(Admin);
            var id = Regex.Match(await ReadAsync(admin, "/staff/admin/outbox"), "href=\"/staff/admin/outbox/([0-9]+)\"").Groups[1].Value;
            return await SubmitAsync(admin, $"/staff/admin/outbox/{id}", [], $"/staff/admin/outbox/{id}?handler=Resend");
        };
        s["Administration.OutboxMessageModel.OnPostReveal"] = async () =>
        {
            var admin = await SignInAsync(Admin);
            var id = Regex.Match(await ReadAsync(admin, "/staff/admin/outbox"), "href=\"/staff/admin/outbox/([0-9]+)\"").Groups[1].Value;
            return await SubmitAsync(admin, $"/staff/admin/outbox/{id}", new() { ["Reason"] = "核对投递失败原因" }, $"/staff/admin/outbox/{id}?handler=Reveal");
        };
        s["Administration.JobsModel.OnPostRun"] = async () => await SubmitAsync(await SignInAsync(Admin), "/staff/admin/jobs", new() { ["job"] = "outbox" }, "/staff/admin/jobs?handler=Run");
        s["Calendars.IndexModel.OnPost"] = async () => await SubmitAsync(await SignInAsync(Admin), "/staff/calendars", new() { ["Year"] = "2027" }, null,
            ("Upload", Encoding.UTF8.GetBytes("""{ "year": 2027, "papers": ["https://www.gov.cn/"], "days": [{ "name": "元旦", "date": "2027-01-01", "isOffDay": true }] }"""), "2027.json"));

        // The scheme and the round's life, on years no file defines (2035–2037).
        s["Evaluation.Schemes.SchemeModel.OnPostUpload"] = async () =>
        {
            var file = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", "evaluation", "2026.json")).Replace("2026", "2035", StringComparison.Ordinal);
            return await SubmitAsync(await SignInAsync(Supervisor), "/staff/evaluation/scheme?year=2035", new() { ["year"] = "2035" },
                "/staff/evaluation/scheme?handler=Upload", ("file", Encoding.UTF8.GetBytes(file), "2035.json"));
        };
        s["Evaluation.Schemes.SchemeModel.OnPostApprove"] = async () =>
            await SubmitAsync(await SignInAsync(Admin), "/staff/evaluation/scheme?year=2035", new() { ["year"] = "2035", ["version"] = "1" }, "/staff/evaluation/scheme?handler=Approve");
        s["Evaluation.Schemes.SchemeModel.OnPostCopy"] = async () =>
            await SubmitAsync(await SignInAsync(Supervisor), "/staff/evaluation/scheme?year=2036", new() { ["year"] = "2036" }, "/staff/evaluation/scheme?handler=Copy");
        s["Evaluation.Schemes.RoundsModel.OnPostCopy"] = async () =>
            await SubmitAsync(await SignInAsync(Supervisor), "/staff/evaluation/rounds", new() { ["year"] = "2037" }, "/staff/evaluation/rounds?handler=Copy");
        // Opened and closed again: an extra open round would take the ratings the reload test counts in 2020.
        s["Evaluation.Schemes.RoundsModel.OnPostMove"] = async () =>
        {
            await ExpectAsync(await _admin.PostAsync(Supervisor, "/api/v1/evaluations/2035/open", new JsonObject()), HttpStatusCode.OK);
            return await SubmitAsync(await SignInAsync(Supervisor), "/staff/evaluation/rounds", new() { ["year"] = "2035", ["move"] = "close" }, "/staff/evaluation/rounds?handler=Move");
        };

        // Last: opening, closing and approving 2026 to publish it changes which round is open.
        s["Scoring.IndexModel.OnPostPublish"] = async () =>
        {
            await ExpectAsync(await _admin.PostAsync(Supervisor, "/api/v1/evaluations/2026/open", new JsonObject()), HttpStatusCode.OK);
            await ExpectAsync(await _admin.PostAsync(Supervisor, "/api/v1/evaluations/2026/close", new JsonObject()), HttpStatusCode.OK);
            await ExpectAsync(await _admin.PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject { ["confirmCoverage"] = true }), HttpStatusCode.OK);
            return await SubmitAsync(await SignInAsync(Supervisor), "/staff/scoring/2026", new() { ["published"] = "true" }, "/staff/scoring/2026?handler=Publish");
        };
        s["Evaluation.Schemes.RoundsModel.OnPostPublish"] = async () =>
            await SubmitAsync(await SignInAsync(Supervisor), "/staff/evaluation/rounds", new() { ["year"] = "2026", ["published"] = "false" }, "/staff/evaluation/rounds?handler=Publish");
        return s;
    }

    private static string LedgerHandler(string itemPath, string handler) => $"{itemPath}&handler={handler}";

    private async Task<PageBrowser> SignInAsync(string email, string password = Password)
    {
        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email, password)).StatusCode);
        return browser;
    }

    private async Task<int> OwnTemplateIdAsync(string title) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("jyt"), "/api/v1/reply-templates"), HttpStatusCode.OK))!.AsArray()
            .First(t => t!["title"]!.GetValue<string>() == title)!["id"]!.GetValue<int>();

    private static async Task<string> ReadAsync(PageBrowser browser, string path) => await ExpectAsync(await browser.GetAsync(path), HttpStatusCode.OK);

    /// <summary>GETs <paramref name="page"/> for its antiforgery token, then posts the fields (and files) as a multipart form.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(PageBrowser browser, string page, Dictionary<string, string> fields, string? action = null,
        params (string Field, byte[] Content, string Name)[] files)
    {
        var html = await ReadAsync(browser, page);
        var form = new MultipartFormDataContent { { new StringContent(PageBrowser.Token(html)), "__RequestVerificationToken" } };
        foreach (var (key, value) in fields)
        {
            form.Add(new StringContent(value), key);
        }
        foreach (var (field, content, name) in files)
        {
            form.Add(new ByteArrayContent(content), field, name);
        }
        return await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, action ?? page) { Content = form });
    }

    [GeneratedRegex("name=\"FormToken\" value=\"([^\"]*)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("name=\"ETag\" value=\"([^\"]*)\"")]
    private static partial Regex ETag();
}

public sealed class SqlitePostRedirectGetTests(SqliteApp fixture) : PostRedirectGetTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresPostRedirectGetTests(PostgresApp fixture) : PostRedirectGetTests(fixture), IClassFixture<PostgresApp>;
