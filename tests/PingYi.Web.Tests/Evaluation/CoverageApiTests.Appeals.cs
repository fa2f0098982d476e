using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Security;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// 公示 and 申诉 on the 2026 round (this class's other tests use 2020): gat appeals a complaint as a duplicate, a
/// deduction and an inspection during the preview; one appeal per item; other units and supervisors cannot file;
/// approval waits for the decisions; an upheld complaint leaves the unit's channel tally, an upheld deduction is
/// withdrawn, a rejected appeal changes nothing; the unit is mailed and every step is audited.
/// </summary>
public abstract partial class CoverageApiTests
{
    private async Task<HttpResponseMessage> PostAsync(string email, string path, JsonNode body) =>
        await (await _api.AsAsync(email)).PostAsync(path, TestData.Json(body));

    private static JsonObject AppealBody(string unit, string kind, string reference, string? ground = "duplicate", string reason = "与另一件反映内容相同，已合并办理。") => new()
    {
        ["unitCode"] = unit,
        ["item"] = new JsonObject { ["kind"] = kind, ["ref"] = reference, ["ground"] = ground },
        ["reason"] = reason,
    };

    private async Task<JsonObject> BreakdownAsync(string email, string unit) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, $"/api/v1/evaluations/2026/units/{unit}/breakdown"), HttpStatusCode.OK))!.AsObject();

    private static readonly Regex FormToken = new("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");

    private async Task<HttpClient> SignInAsync(string email)
    {
        var browser = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await ExpectAsync(await browser.GetAsync("/account/login"), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = FormToken.Match(form).Groups[1].Value, ["Email"] = email, ["Password"] = Password, ["ReturnUrl"] = "/staff",
        }))).StatusCode);
        return browser;
    }

    private async Task<JsonObject> AppealsAsync(string email) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, "/api/v1/evaluations/2026/appeals"), HttpStatusCode.OK))!.AsObject();

    [Fact]
    public async Task A_unit_appeals_during_the_preview_a_supervisor_decides_and_an_upheld_appeal_moves_the_score()
    {
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/open", new JsonObject()), HttpStatusCode.OK);
        var number = await _api.AssignedAsync(Token("申诉"), "gat");
        // The channel counts what happened before its cut-off (now): the assignment must lie in the past.
        fixture.App.Time.Advance(TimeSpan.FromHours(1));
        var deduction = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/deductions",
            new JsonObject { ["unitCode"] = "gat", ["points"] = 2, ["reason"] = "台账不全", ["cites"] = "complaint", ["citesRef"] = number }), HttpStatusCode.Created))!["id"]!.GetValue<long>();
        var inspection = JsonNode.Parse(await ExpectAsync(await PostAsync(Inspector, "/api/v1/evaluations/2026/inspections", new JsonObject
        {
            ["unitCode"] = "gat", ["date"] = "2026-11-20", ["covert"] = true, ["findings"] = new JsonArray(), ["rating"] = "dissatisfied",
        }), HttpStatusCode.Created))!["id"]!.GetValue<long>();
        // A rating so that the score is well above the deduction (its withdrawal must show in full).
        await ExpectAsync(await PostAsync(EvaluationApiTests.Deputies, "/api/v1/evaluations/2026/ratings", Rating("deputies", "gat", "satisfied")), HttpStatusCode.Created);
        // Not in the preview while the round is open.
        await ExpectProblemAsync(await PostAsync(Handler("gat"), "/api/v1/evaluations/2026/appeals", AppealBody("gat", "complaint", number)), HttpStatusCode.Conflict);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/close", new JsonObject()), HttpStatusCode.OK);

        var list = await AppealsAsync(Handler("gat"));
        Assert.True(list["previewOpen"]!.GetValue<bool>());
        Assert.Equal(5, list["previewWorkingDays"]!.GetValue<int>());
        var before = await BreakdownAsync(Handler("gat"), "gat");
        Assert.Null(before["result"]!["rank"]);
        var rounds = before["channel"]!["facts"]!["handlingRounds"]!.GetValue<int>();
        Assert.Contains(before["channel"]!["cases"]!.AsArray(), c => c!["trackingNumber"]!.GetValue<string>() == number);
        Assert.Equal(2, before["result"]!["recordedDeductions"]!.GetValue<double>());

        var noGround = await ExpectProblemAsync(await PostAsync(Handler("gat"), "/api/v1/evaluations/2026/appeals", AppealBody("gat", "complaint", number, ground: null)), HttpStatusCode.BadRequest);
        Assert.NotEmpty(Errors(noGround, "item.ground"));
        var unknown = await ExpectProblemAsync(await PostAsync(Handler("gat"), "/api/v1/evaluations/2026/appeals", AppealBody("gat", "deduction", "999999")), HttpStatusCode.BadRequest);
        Assert.NotEmpty(Errors(unknown, "item.ref"));
        await ExpectProblemAsync(await PostAsync(Handler("mzt"), "/api/v1/evaluations/2026/appeals", AppealBody("gat", "complaint", number)), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/appeals", AppealBody("gat", "complaint", number)), HttpStatusCode.Forbidden);
        var complaint = JsonNode.Parse(await ExpectAsync(await PostAsync(Handler("gat"), "/api/v1/evaluations/2026/appeals",
            AppealBody("gat", "complaint", number)), HttpStatusCode.Created))!.AsObject();
        Assert.Equal("pending", complaint["status"]!.GetValue<string>());
        Assert.Equal("duplicate", complaint["item"]!["ground"]!.GetValue<string>());
        await ExpectProblemAsync(await PostAsync(Handler("gat"), "/api/v1/evaluations/2026/appeals", AppealBody("gat", "complaint", number)), HttpStatusCode.Conflict);
        var deductionAppeal = JsonNode.Parse(await ExpectAsync(await PostAsync(Handler("gat"), "/api/v1/evaluations/2026/appeals",
            AppealBody("gat", "deduction", deduction.ToString(), null, "台账已按时建立，见附件。")), HttpStatusCode.Created))!["id"]!.GetValue<long>();
        var inspectionAppeal = JsonNode.Parse(await ExpectAsync(await PostAsync(Handler("gat"), "/api/v1/evaluations/2026/appeals",
            AppealBody("gat", "inspection", inspection.ToString(), null, "暗访当日窗口系统故障。")), HttpStatusCode.Created))!["id"]!.GetValue<long>();

        // Evidence from the appeals page: a form beside each of the unit's own pending appeals, the file checked by content.
        var gatPage = await SignInAsync(Handler("gat"));
        async Task<HttpResponseMessage> EvidenceAsync(byte[] content, string name)
        {
            var html = await ExpectAsync(await gatPage.GetAsync("/staff/evaluation/appeals?year=2026"), HttpStatusCode.OK);
            Assert.Contains($"id=\"evidence-submit-{complaint["id"]}\"", html);
            using var form = new MultipartFormDataContent
            {
                { new StringContent(FormToken.Match(html).Groups[1].Value), "__RequestVerificationToken" },
                { new StringContent(complaint["id"]!.ToString()), "AppealId" },
                { new ByteArrayContent(content), "Attachments", name },
            };
            return await gatPage.PostAsync("/staff/evaluation/appeals?year=2026&handler=Evidence", form);
        }
        var refusedFile = await EvidenceAsync("GIF89a"u8.ToArray(), "证据.pdf");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refusedFile.StatusCode);
        Assert.Contains("id=\"form-errors\"", await refusedFile.Content.ReadAsStringAsync());
        var uploaded = await EvidenceAsync(TestData.Pdf, "合并办理说明.pdf");
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        Assert.Contains("证据材料已上传", await ExpectAsync(await gatPage.GetAsync(uploaded.Headers.Location!.ToString()), HttpStatusCode.OK));
        Assert.Equal(1, (await AppealsAsync(Handler("gat")))["items"]!.AsArray().Single(a => a!["id"]!.GetValue<long>() == complaint["id"]!.GetValue<long>())!["evidence"]!.GetValue<int>());
        Assert.DoesNotContain("evidence-submit-", await ExpectAsync(await (await SignInAsync(Supervisor)).GetAsync("/staff/evaluation/appeals?year=2026"), HttpStatusCode.OK));

        // The unit sees its own appeals, another unit none of them, supervisors all; approval waits for the decisions.
        Assert.Equal(3, (await AppealsAsync(Handler("gat")))["items"]!.AsArray().Count);
        Assert.Empty((await AppealsAsync(Handler("mzt")))["items"]!.AsArray());
        Assert.Equal(3, (await AppealsAsync(Supervisor))["pending"]!.GetValue<int>());
        await ExpectProblemAsync(await _api.GetAsync(Handler("mzt"), "/api/v1/evaluations/2026/appeals?unit=gat"), HttpStatusCode.Forbidden);
        var refused = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject { ["confirmCoverage"] = true }), HttpStatusCode.Conflict);
        Assert.NotEmpty(Errors(refused, "appeals"));

        var id = complaint["id"]!.GetValue<long>();
        await ExpectProblemAsync(await PostAsync(Handler("gat"), $"/api/v1/evaluations/2026/appeals/{id}/decision", new JsonObject { ["upheld"] = true, ["reason"] = "自己裁定" }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await PostAsync(Handler("mzt"), $"/api/v1/evaluations/2026/appeals/{id}/decision", new JsonObject { ["upheld"] = true, ["reason"] = "x" }), HttpStatusCode.NotFound);
        Assert.NotEmpty(Errors(await ExpectProblemAsync(await PostAsync(Supervisor, $"/api/v1/evaluations/2026/appeals/{id}/decision", new JsonObject { ["upheld"] = true }), HttpStatusCode.BadRequest), "reason"));
        var decided = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, $"/api/v1/evaluations/2026/appeals/{id}/decision",
            new JsonObject { ["upheld"] = true, ["reason"] = "经核实为重复反映，予以核减。" }), HttpStatusCode.OK))!.AsObject();
        Assert.Equal("upheld", decided["appeal"]!["status"]!.GetValue<string>());
        Assert.Equal(Supervisor, decided["appeal"]!["decidedBy"]!.GetValue<string>());
        await ExpectProblemAsync(await PostAsync(Supervisor, $"/api/v1/evaluations/2026/appeals/{id}/decision", new JsonObject { ["upheld"] = false, ["reason"] = "再裁" }), HttpStatusCode.Conflict);
        var withdrawn = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, $"/api/v1/evaluations/2026/appeals/{deductionAppeal}/decision",
            new JsonObject { ["upheld"] = true, ["reason"] = "证据表明台账齐全，撤销扣分。" }), HttpStatusCode.OK))!.AsObject();
        // The score moves by the withdrawn deduction.
        Assert.Equal(withdrawn["scoreBefore"]!.GetValue<double>() + 2, withdrawn["scoreAfter"]!.GetValue<double>(), 2);
        // The unit's page shows its appeals and no decision form; the supervisor rejects the inspection appeal on the page.
        var unitPage = await ExpectAsync(await (await SignInAsync(Handler("gat"))).GetAsync("/staff/evaluation/appeals?year=2026"), HttpStatusCode.OK);
        Assert.Contains("提出申诉", unitPage);
        Assert.Contains($"案件核减 {number}", unitPage);
        Assert.DoesNotContain("decide-form", unitPage);
        var supervisor = await SignInAsync(Supervisor);
        var page = await ExpectAsync(await supervisor.GetAsync("/staff/evaluation/appeals?year=2026"), HttpStatusCode.OK);
        Assert.Contains($"appeal-{inspectionAppeal}", page);
        var posted = await supervisor.PostAsync("/staff/evaluation/appeals?year=2026&handler=Reject", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = FormToken.Match(page).Groups[1].Value, ["AppealId"] = inspectionAppeal.ToString(), ["DecisionReason"] = "系统故障不影响窗口服务态度。",
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Contains("申诉不成立", await ExpectAsync(await supervisor.GetAsync(posted.Headers.Location!.ToString()), HttpStatusCode.OK));
        Assert.Equal("rejected", (await AppealsAsync(Supervisor))["items"]!.AsArray().Single(a => a!["id"]!.GetValue<long>() == inspectionAppeal)!["status"]!.GetValue<string>());

        // The complaint left gat's channel tally, the deduction is withdrawn, the inspection still counts.
        var after = await BreakdownAsync(Handler("gat"), "gat");
        Assert.Equal(rounds - 1, after["channel"]!["facts"]!["handlingRounds"]!.GetValue<int>());
        Assert.DoesNotContain(after["channel"]!["cases"]!.AsArray(), c => c!["trackingNumber"]!.GetValue<string>() == number);
        Assert.Equal(0, after["result"]!["recordedDeductions"]!.GetValue<double>());
        Assert.Single(after["inspections"]!.AsArray());
        Assert.Equal(withdrawn["scoreAfter"]!.GetValue<double>(), after["result"]!["score"]!.GetValue<double>(), 2);

        var mails = await Outbox.WithDbAsync(fixture.App, db => db.OutboxMessages.Where(m => m.Kind == "appeal-decided").Select(m => m.Subject).ToListAsync());
        Assert.Contains(mails, s => s.Contains("申诉成立") && s.Contains(number));
        Assert.Contains(mails, s => s.Contains("申诉不成立"));
        var audit = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/audit?kind=evaluation.appeal-decided"), HttpStatusCode.OK))!;
        Assert.Contains(audit["items"]!.AsArray(), r => r!["target"]!.GetValue<string>() == $"appeal:{id}");
        var filed = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/audit?kind=evaluation.appeal-filed"), HttpStatusCode.OK))!;
        Assert.Contains(filed["items"]!.AsArray(), r => r!["target"]!.GetValue<string>() == $"appeal:{id}");

        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject { ["confirmCoverage"] = true }), HttpStatusCode.OK);
        var closed = await AppealsAsync(Handler("gat"));
        Assert.False(closed["previewOpen"]!.GetValue<bool>());
        await ExpectProblemAsync(await PostAsync(Handler("gat"), "/api/v1/evaluations/2026/appeals",
            AppealBody("gat", "inspection", inspection.ToString(), null, "再次申诉")), HttpStatusCode.Conflict);

        // Publication scope (§4): fed back to the units, gat reads its own category's ranking and its rank; the public nothing.
        await ExpectProblemAsync(await _api.GetAsync(Handler("gat"), "/api/v1/evaluations/2026/rankings"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/publication", new JsonObject { ["scope"] = "everyone" }), HttpStatusCode.BadRequest);
        // Fed back from the rounds page, as a supervisor does it.
        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(Supervisor, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/staff/evaluation/rounds",
            new Dictionary<string, string> { ["year"] = "2026", ["scope"] = "units" }, "/staff/evaluation/rounds?handler=Publish")).StatusCode);
        Assert.Contains("公布范围：已反馈各参评单位", await ExpectAsync(await browser.GetAsync("/staff/evaluation/rounds"), HttpStatusCode.OK));
        var ranking = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("gat"), "/api/v1/evaluations/2026/rankings"), HttpStatusCode.OK))!;
        var category = Assert.Single(ranking["categories"]!.AsArray())!;
        Assert.Contains(category["units"]!.AsArray(), u => u!["unitCode"]!.GetValue<string>() == "gat");
        Assert.True(category["units"]!.AsArray().Count > 1);
        Assert.NotNull((await BreakdownAsync(Handler("gat"), "gat"))["result"]!["rank"]);
        // The unit's ranking page says the results were fed back to the units (it said 仅内部可见).
        var unitBrowser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await unitBrowser.SignInAsync(Handler("gat"), Password)).StatusCode);
        var unitRanking = await ExpectAsync(await unitBrowser.GetAsync("/staff/scoring/2026"), HttpStatusCode.OK);
        Assert.Contains("<dd id=\"publication-state\">已反馈各参评单位", unitRanking);
        Assert.DoesNotContain("仅评议委员会内部可见", unitRanking);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Anonymous.GetAsync("/api/v1/evaluations/2026/rankings")).StatusCode);
        var scopeAudit = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/audit?kind=evaluation.publication"), HttpStatusCode.OK))!;
        Assert.Contains(scopeAudit["items"]!.AsArray(), r => r!["target"]!.GetValue<string>() == "2026" && r.ToJsonString().Contains("units"));
    }
}
