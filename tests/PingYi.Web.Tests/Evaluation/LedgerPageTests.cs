using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using PingYi.Domain.Common;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// The deductions page and the ledger pages, signed in with the cookie on both databases: a supervisor records
/// a deduction with evidence (rule caps and a closed round shown in Chinese), puts it on the unit's ledger, the
/// unit reports on its page, and another unit's handler gets 404.
/// </summary>
public abstract partial class LedgerPageTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    private async Task<HttpClient> SignInAsync(string email)
    {
        var browser = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await ExpectAsync(await browser.GetAsync("/account/login"), HttpStatusCode.OK);
        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
            ["Email"] = email,
            ["Password"] = Password,
            ["ReturnUrl"] = "/staff",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    private static async Task<HttpResponseMessage> PostMultipartAsync(HttpClient browser, string getPath, string postPath, Dictionary<string, string> fields, (string Field, byte[] Content, string Name)? file = null)
    {
        var page = await ExpectAsync(await browser.GetAsync(getPath), HttpStatusCode.OK);
        using var form = new MultipartFormDataContent { { new StringContent(Token().Match(page).Groups[1].Value), "__RequestVerificationToken" } };
        foreach (var (k, v) in fields)
        {
            form.Add(new StringContent(v), k);
        }
        if (file is { } f)
        {
            form.Add(new ByteArrayContent(f.Content), f.Field, f.Name);
        }
        return await browser.PostAsync(postPath, form);
    }

    [Fact]
    public async Task A_supervisor_records_a_deduction_with_evidence_on_the_page_within_the_rule_cap()
    {
        var supervisor = await SignInAsync(Supervisor);
        const string page = "/staff/evaluation/deductions?year=2020";
        var form = await ExpectAsync(await supervisor.GetAsync(page), HttpStatusCode.OK);
        Assert.Contains("最多 3 分", form);

        var overCap = await PostMultipartAsync(supervisor, page, page, new() { ["Unit"] = "czt", ["Rule"] = "procedure", ["Points"] = "4", ["Reason"] = "超过单项上限" });
        Assert.Equal(HttpStatusCode.BadRequest, overCap.StatusCode);
        Assert.Contains("不超过 3 分", await overCap.Content.ReadAsStringAsync());
        var notNumber = await PostMultipartAsync(supervisor, page, page, new() { ["Unit"] = "czt", ["Points"] = "两分", ["Reason"] = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, notNumber.StatusCode);
        Assert.Contains("扣分分值应为数字", await notNumber.Content.ReadAsStringAsync());
        var noReason = await PostMultipartAsync(supervisor, page, page, new() { ["Unit"] = "czt", ["Points"] = "1", ["Reason"] = " " });
        Assert.Contains("请填写扣分理由", await noReason.Content.ReadAsStringAsync());
        var badFile = await PostMultipartAsync(supervisor, page, page, new() { ["Unit"] = "czt", ["Points"] = "1", ["Reason"] = "假证据" }, ("Evidence", "GIF89a"u8.ToArray(), "证据.png"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, badFile.StatusCode);
        // A deduction cites what it punishes: nothing named, or a complaint that is not the unit's, is refused beside the field.
        var uncited = await PostMultipartAsync(supervisor, page, page, new() { ["Unit"] = "czt", ["Rule"] = "careless-handling", ["Points"] = "1", ["Reason"] = "未注明事项" });
        Assert.Equal(HttpStatusCode.BadRequest, uncited.StatusCode);
        Assert.Contains("请选择扣分针对的事项", await uncited.Content.ReadAsStringAsync());
        var others = await _api.AssignedAsync($"{StaffApi.Token("他单位")} 课后服务收费", "mzt");
        var notTheirs = await PostMultipartAsync(supervisor, page, page,
            new() { ["Unit"] = "czt", ["Rule"] = "careless-handling", ["Points"] = "1", ["Reason"] = "引用他单位的反映", ["Cites"] = "complaint", ["CitesRef"] = others });
        Assert.Equal(HttpStatusCode.BadRequest, notTheirs.StatusCode);
        Assert.Contains($"没有受理编号为“{others}”的直通车反映", await notTheirs.Content.ReadAsStringAsync());

        var ledgerItem = await _api.LedgerItemAsync(2020, "czt", "窗口答复群众咨询敷衍。");
        var saved = await PostMultipartAsync(supervisor, page, page,
            new() { ["Unit"] = "czt", ["Rule"] = "careless-handling", ["Points"] = "1.5", ["Reason"] = "<b>答复</b>敷衍，未核实情况。", ["Cites"] = "ledger-item", ["CitesRef"] = ledgerItem },
            ("Evidence", TestData.Pdf, "答复件.pdf"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var list = await ExpectAsync(await supervisor.GetAsync(saved.Headers.Location!.OriginalString), HttpStatusCode.OK);
        Assert.Contains("扣分已记录：省财政厅 扣 1.5 分（证据 1 份）", list);
        Assert.Contains($"处罚事项：<a href=\"/staff/evaluation/ledger/{ledgerItem}\">整改台账事项 {ledgerItem}：窗口答复群众咨询敷衍。</a>", list);
        Assert.Contains("累计扣 1.5 分", list);
        Assert.Contains("&lt;b&gt;答复&lt;/b&gt;敷衍", list);
        Assert.Contains("source=deduction&ref=", list);

        // The bad posts saved nothing.
        var inputs = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs?unit=czt"), HttpStatusCode.OK))!;
        var deduction = Assert.Single(inputs["deductions"]!.AsArray())!;
        Assert.Equal(1, deduction["evidence"]!.GetValue<int>());

        var handler = await SignInAsync(Handler("czt"));
        var refused = await handler.GetAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/denied", refused.Headers.Location!.AbsolutePath);
    }

    [GeneratedRegex("<select id=\"(?:unit|f-unit)\" name=\"(?:Unit|unit)\">(.*?)</select>", RegexOptions.Singleline)]
    private static partial Regex UnitSelect();

    [GeneratedRegex("<option value=\"([a-z0-9-]+)\"")]
    private static partial Regex OptionValue();

    [Fact]
    public async Task The_evaluation_unit_pickers_list_units_in_the_intake_forms_order_category_then_code()
    {
        // The intake form's order, as /api/v1/units gives it.
        var intake = System.Text.Json.Nodes.JsonNode.Parse(await (await fixture.App.CreateClient().GetAsync("/api/v1/units")).Content.ReadAsStringAsync())!
            .AsArray().Select(u => u!["code"]!.GetValue<string>()).ToList();
        var supervisor = await SignInAsync(Supervisor);
        foreach (var page in new[] { "/staff/evaluation/ledger/new?year=2020", "/staff/evaluation/ledger?year=2020", "/staff/evaluation/deductions?year=2020" })
        {
            var html = await ExpectAsync(await supervisor.GetAsync(page), HttpStatusCode.OK);
            var select = UnitSelect().Match(html);
            Assert.True(select.Success, page);
            var codes = OptionValue().Matches(select.Groups[1].Value).Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(intake, codes);
        }
    }

    [Fact]
    public async Task A_closed_round_refuses_a_deduction_on_the_page_with_409_and_a_Chinese_message()
    {
        // 2026 belongs to this test in this class: open it, close it.
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2026/open", TestData.Json(new JsonObject())), HttpStatusCode.OK);
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2026/close", TestData.Json(new JsonObject())), HttpStatusCode.OK);
        var supervisor = await SignInAsync(Supervisor);
        const string page = "/staff/evaluation/deductions?year=2026";
        Assert.Contains("不再记录扣分", await ExpectAsync(await supervisor.GetAsync(page), HttpStatusCode.OK));
        var refused = await PostMultipartAsync(supervisor, page, page, new() { ["Unit"] = "jyt", ["Points"] = "1", ["Reason"] = "截止后扣分" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("不再接收评议材料", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_related_record_is_picked_from_the_units_deductions_and_complaints_by_readable_labels()
    {
        var supervisor = await SignInAsync(Supervisor);
        const string deductions = "/staff/evaluation/deductions?year=2020";
        var saved = await PostMultipartAsync(supervisor, deductions, deductions, new()
        {
            ["Unit"] = "jyt", ["Rule"] = "careless-handling", ["Points"] = "1", ["Reason"] = "答复敷衍，未核实情况。",
            ["Cites"] = "ledger-item", ["CitesRef"] = await _api.LedgerItemAsync(2020, "jyt"),
        });
        var deductionId = saved.Headers.Location!.OriginalString.Split("#deduction-")[1];
        var title = $"{StaffApi.Token("关联记录")} 课后服务收费";
        var number = await _api.AssignedAsync(title);

        var form = await ExpectAsync(await supervisor.GetAsync("/staff/evaluation/ledger/new?year=2020&unit=jyt"), HttpStatusCode.OK);
        Assert.Contains("<select id=\"record\" name=\"Record\">", form);
        Assert.Contains($"<option value=\"deduction:{deductionId}\">", form);
        Assert.Contains("扣 1 分：答复敷衍，未核实情况。", form);
        Assert.Contains($"<option value=\"complaint:{number}\">{number} ", form);
        Assert.DoesNotContain("id=\"ref\"", form);

        // A record of another kind than the chosen source is refused in Chinese; a matching one is saved.
        const string page = "/staff/evaluation/ledger/new?year=2020&unit=jyt";
        var due = ChinaTime.Today(fixture.App.Time).AddDays(10).ToString("yyyy-MM-dd");
        var mismatch = await PostMultipartAsync(supervisor, page, page,
            new() { ["Unit"] = "jyt", ["Source"] = "complaint", ["Record"] = $"deduction:{deductionId}", ["Problem"] = "答复敷衍", ["Measures"] = "重新核实。", ["Owner"] = "王某", ["DueOn"] = due });
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("所选关联记录与问题来源不一致", await mismatch.Content.ReadAsStringAsync());
        var linked = await PostMultipartAsync(supervisor, page, page,
            new() { ["Unit"] = "jyt", ["Source"] = "deduction", ["Record"] = $"deduction:{deductionId}", ["Problem"] = "答复敷衍", ["Measures"] = "重新核实。", ["Owner"] = "王某", ["DueOn"] = due });
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);

        // The unit's handler picks among its complaints only, never the committee's deductions.
        var unit = await SignInAsync(Handler("jyt"));
        var own = await ExpectAsync(await unit.GetAsync("/staff/evaluation/ledger/new?year=2020"), HttpStatusCode.OK);
        Assert.Contains($"<option value=\"complaint:{number}\">", own);
        Assert.DoesNotContain("deduction:", own);
    }

    [Fact]
    public async Task A_unit_reports_progress_on_its_ledger_page_and_another_unit_gets_404()
    {
        var supervisor = await SignInAsync(Supervisor);
        var due = ChinaTime.Today(fixture.App.Time).AddDays(10).ToString("yyyy-MM-dd");
        var bad = await PostMultipartAsync(supervisor, "/staff/evaluation/ledger/new?year=2020", "/staff/evaluation/ledger/new?year=2020",
            new() { ["Unit"] = "mzt", ["Source"] = "prior-year", ["Problem"] = "", ["Measures"] = "措施", ["Owner"] = "张某", ["DueOn"] = "明天" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badPage = await bad.Content.ReadAsStringAsync();
        Assert.Contains("请填写问题描述", badPage);
        Assert.Contains("整改时限应为 yyyy-MM-dd 格式", badPage);

        var created = await PostMultipartAsync(supervisor, "/staff/evaluation/ledger/new?year=2020", "/staff/evaluation/ledger/new?year=2020",
            new() { ["Unit"] = "mzt", ["Source"] = "prior-year", ["Problem"] = "上年度评议排名靠后，<i>群众</i>满意度低。", ["Measures"] = "逐项对照整改。", ["Owner"] = "副厅长 李某", ["DueOn"] = due });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var itemPath = created.Headers.Location!.OriginalString;
        Assert.Matches("^/staff/evaluation/ledger/[0-9]+\\?year=2020$", itemPath);
        var itemPage = await ExpectAsync(await supervisor.GetAsync(itemPath), HttpStatusCode.OK);
        Assert.Contains("整改事项已登记", itemPage);
        Assert.Contains("&lt;i&gt;群众&lt;/i&gt;", itemPage);
        Assert.DoesNotContain("id=\"progress-form\"", itemPage);

        var unit = await SignInAsync(Handler("mzt"));
        var listPage = await ExpectAsync(await unit.GetAsync("/staff/evaluation/ledger?year=2020"), HttpStatusCode.OK);
        Assert.Contains(itemPath, listPage);
        var id = itemPath.Split('/', '?')[4];
        var noEvidence = await PostMultipartAsync(unit, itemPath, $"/staff/evaluation/ledger/{id}?year=2020&handler=Progress", new() { ["Note"] = "已完成", ["Completed"] = "true" });
        Assert.Equal(HttpStatusCode.BadRequest, noEvidence.StatusCode);
        Assert.Contains("请先上传整改完成的佐证材料", await noEvidence.Content.ReadAsStringAsync());
        var uploaded = await PostMultipartAsync(unit, itemPath, $"/staff/evaluation/ledger/{id}?year=2020&handler=Evidence", [], ("Files", TestData.Png, "整改照片.png"));
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var reported = await PostMultipartAsync(unit, itemPath, $"/staff/evaluation/ledger/{id}?year=2020&handler=Progress", new() { ["Note"] = "已召开专题会议整改。", ["Completed"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, reported.StatusCode);
        var after = await ExpectAsync(await unit.GetAsync(itemPath), HttpStatusCode.OK);
        Assert.Contains("已报告整改完成", after);
        Assert.Contains("整改照片.png", after);

        var reviewPage = await ExpectAsync(await supervisor.GetAsync(itemPath), HttpStatusCode.OK);
        Assert.Contains("id=\"review-form\"", reviewPage);
        var verified = await PostMultipartAsync(supervisor, itemPath, $"/staff/evaluation/ledger/{id}?year=2020&handler=Verify", []);
        Assert.Equal(HttpStatusCode.Redirect, verified.StatusCode);
        Assert.Contains("已核验销号", await ExpectAsync(await supervisor.GetAsync(itemPath), HttpStatusCode.OK));

        var other = await SignInAsync(Handler("jyt"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(itemPath)).StatusCode);
        Assert.DoesNotContain(itemPath, await ExpectAsync(await other.GetAsync("/staff/evaluation/ledger?year=2020"), HttpStatusCode.OK));
        var inspector = await SignInAsync(Inspector);
        Assert.Equal(HttpStatusCode.Redirect, (await inspector.GetAsync("/staff/evaluation/ledger")).StatusCode);
    }
}

public sealed class SqliteLedgerPageTests(SqliteApp fixture) : LedgerPageTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresLedgerPageTests(PostgresApp fixture) : LedgerPageTests(fixture), IClassFixture<PostgresApp>;
