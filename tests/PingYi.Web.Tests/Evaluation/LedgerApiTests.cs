using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Common;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// The rectification ledger (整改台账) through the API on both databases: an item linked to its origin, the
/// unit's progress and evidence, the supervisor's verification, bad inputs, who sees what (a unit never sees
/// another unit's items), and overdue by the fake clock. Dates are relative to the clock, so the tests run in
/// any order.
/// </summary>
public abstract class LedgerApiTests(AppFixture fixture)
{
    private const string Path = "/api/v1/evaluations/2020/ledger";

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private DateOnly Today => ChinaTime.Today(fixture.App.Time);

    private string In(int days) => Today.AddDays(days).ToString("yyyy-MM-dd");

    private JsonObject Item(string unit, string source = "prior-year", string? sourceRef = null, int dueInDays = 20, string problem = "去年评议反映窗口服务推诿扯皮。") => new()
    {
        ["unitCode"] = unit,
        ["source"] = source,
        ["sourceRef"] = sourceRef,
        ["problem"] = problem,
        ["measures"] = "制定首问负责制，窗口人员轮岗培训，每月通报。",
        ["owner"] = "办公室主任 张某",
        ["dueOn"] = In(dueInDays),
    };

    private async Task<HttpResponseMessage> PostAsync(string email, string path, JsonNode body) =>
        await (await _api.AsAsync(email)).PostAsync(path, TestData.Json(body));

    private async Task<JsonNode> CreatedAsync(string email, JsonObject body) =>
        JsonNode.Parse(await ExpectAsync(await PostAsync(email, Path, body), HttpStatusCode.Created))!;

    private async Task<HttpResponseMessage> UploadAsync(string email, long id, byte[] content, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "attachments", name);
        return await (await _api.AsAsync(email)).PostAsync($"{Path}/{id}/evidence", form);
    }

    [Fact]
    public async Task A_deduction_goes_on_the_ledger_the_unit_reports_with_evidence_and_the_supervisor_verifies()
    {
        var deduction = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/deductions",
            await _api.CitingAsync(2020, new JsonObject { ["unitCode"] = "fgw", ["points"] = 1, ["reason"] = "审批事项未按规定公开办理时限。", ["rule"] = "procedure" })),
            HttpStatusCode.Created))!;
        var deductionId = deduction["id"]!.GetValue<long>();

        var item = await CreatedAsync(Supervisor, Item("fgw", "deduction", deductionId.ToString(), problem: "审批事项未公开办理时限"));
        var id = item["id"]!.GetValue<long>();
        Assert.Equal("open", item["status"]!.GetValue<string>());
        Assert.Equal("扣分事项", item["sourceLabel"]!.GetValue<string>());
        Assert.Equal(deductionId.ToString(), item["origin"]!["ref"]!.GetValue<string>());
        Assert.Contains($"#deduction-{deductionId}", item["origin"]!["link"]!.GetValue<string>());

        // Completion needs evidence first.
        var noEvidence = await ExpectProblemAsync(await PostAsync(Handler("fgw"), $"{Path}/{id}/progress", new JsonObject { ["note"] = "已完成", ["completed"] = true }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(noEvidence, "completed")[0]));
        await ExpectAsync(await PostAsync(Handler("fgw"), $"{Path}/{id}/progress", new JsonObject { ["note"] = "已在门户网站公开全部事项的办理时限。" }), HttpStatusCode.OK);
        await ExpectProblemAsync(await UploadAsync(Handler("fgw"), id, "<html>not a picture</html>"u8.ToArray(), "假截图.png"), HttpStatusCode.UnsupportedMediaType);
        var none = await (await _api.AsAsync(Handler("fgw"))).PostAsync($"{Path}/{id}/evidence", new MultipartFormDataContent { { new StringContent("x"), "note" } });
        Assert.True(HasChinese(Errors(await ExpectProblemAsync(none, HttpStatusCode.BadRequest), "attachments")[0]));
        Assert.Equal(1, JsonNode.Parse(await ExpectAsync(await UploadAsync(Handler("fgw"), id, TestData.Png, "公开截图.png"), HttpStatusCode.OK))!["evidence"]!.GetValue<int>());

        // Only the unit reports; only a supervisor reviews, and only a completed item.
        await ExpectProblemAsync(await PostAsync(Supervisor, $"{Path}/{id}/progress", new JsonObject { ["note"] = "代报" }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await PostAsync(Supervisor, $"{Path}/{id}/review", new JsonObject { ["decision"] = "verify" }), HttpStatusCode.Conflict);
        var done = JsonNode.Parse(await ExpectAsync(await PostAsync(Handler("fgw"), $"{Path}/{id}/progress", new JsonObject { ["note"] = "整改完成，见截图。", ["completed"] = true }), HttpStatusCode.OK))!;
        Assert.Equal("done", done["status"]!.GetValue<string>());
        await ExpectProblemAsync(await PostAsync(Handler("fgw"), $"{Path}/{id}/progress", new JsonObject { ["note"] = "再报一次" }), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await UploadAsync(Handler("fgw"), id, TestData.Png, "迟到的截图.png"), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await PostAsync(Handler("fgw"), $"{Path}/{id}/review", new JsonObject { ["decision"] = "verify" }), HttpStatusCode.Forbidden);

        // Sent back (a reason is required), completed again, verified.
        var noReason = await ExpectProblemAsync(await PostAsync(Supervisor, $"{Path}/{id}/review", new JsonObject { ["decision"] = "send-back" }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(noReason, "note")[0]));
        var badDecision = await ExpectProblemAsync(await PostAsync(Supervisor, $"{Path}/{id}/review", new JsonObject { ["decision"] = "maybe" }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(badDecision, "decision")[0]));
        var back = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, $"{Path}/{id}/review", new JsonObject { ["decision"] = "send-back", ["note"] = "截图未显示公开日期。" }), HttpStatusCode.OK))!;
        Assert.Equal("open", back["status"]!.GetValue<string>());
        await ExpectAsync(await PostAsync(Handler("fgw"), $"{Path}/{id}/progress", new JsonObject { ["note"] = "补充了带日期的截图。", ["completed"] = true }), HttpStatusCode.OK);
        var verified = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, $"{Path}/{id}/review", new JsonObject { ["decision"] = "verify" }), HttpStatusCode.OK))!;
        Assert.Equal("verified", verified["status"]!.GetValue<string>());
        await ExpectProblemAsync(await PostAsync(Supervisor, $"{Path}/{id}/review", new JsonObject { ["decision"] = "verify" }), HttpStatusCode.Conflict);

        // The item's history and evidence, as the unit sees it; the file downloads as it was uploaded.
        var detail = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("fgw"), $"{Path}/{id}"), HttpStatusCode.OK))!;
        Assert.Equal(["progress", "completed", "sent-back", "completed", "verified"], detail["progress"]!.AsArray().Select(p => p!["kind"]!.GetValue<string>()));
        Assert.Equal("截图未显示公开日期。", detail["progress"]![2]!["note"]!.GetValue<string>());
        Assert.Equal(Supervisor, detail["progress"]![2]!["by"]!.GetValue<string>());
        var evidence = Assert.Single(detail["evidenceFiles"]!.AsArray())!;
        var download = await (await _api.AsAsync(Supervisor)).GetAsync(evidence["link"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        // Evidence is stored without its metadata (re-encoded), so it is a PNG, not byte for byte the upload.
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TestData.Png[..8], (await download.Content.ReadAsByteArrayAsync())[..8]);
        Assert.Equal(HttpStatusCode.NotFound, (await (await _api.AsAsync(Handler("jyt"))).GetAsync(evidence["link"]!.GetValue<string>())).StatusCode);

        // On the audit log: created, sent back, verified.
        var kinds = await Outbox.WithDbAsync(fixture.App, db => db.AuditRecords.Where(r => r.Target == $"ledger:{id}").OrderBy(r => r.Id).Select(r => r.Kind).ToListAsync());
        Assert.Equal(["ledger.created", "ledger.reviewed", "ledger.reviewed"], kinds);
        Assert.True(await Outbox.WithDbAsync(fixture.App, db => db.AuditRecords.AnyAsync(r => r.Target == $"deduction:{deductionId}" && r.Kind == "deduction.recorded")));
    }

    [Fact]
    public async Task A_unit_never_sees_or_touches_another_units_ledger()
    {
        var id = (await CreatedAsync(Supervisor, Item("rst")))["id"]!.GetValue<long>();
        var jyt = Handler("jyt");
        await ExpectProblemAsync(await _api.GetAsync(jyt, $"{Path}/{id}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await PostAsync(jyt, $"{Path}/{id}/progress", new JsonObject { ["note"] = "越权" }), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await UploadAsync(jyt, id, TestData.Png, "越权.png"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await PostAsync(jyt, $"{Path}/{id}/review", new JsonObject { ["decision"] = "verify" }), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await _api.GetAsync(jyt, $"{Path}?unit=rst"), HttpStatusCode.Forbidden);
        var own = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(jyt, Path), HttpStatusCode.OK))!;
        Assert.Equal("jyt", own["unitCode"]!.GetValue<string>());
        Assert.All(own["items"]!.AsArray(), i => Assert.Equal("jyt", i!["unitCode"]!.GetValue<string>()));
        await ExpectProblemAsync(await PostAsync(jyt, Path, Item("rst")), HttpStatusCode.Forbidden);

        // Roles with no part in the ledger.
        foreach (var who in new[] { EvaluationApiTests.Deputies, Inspector, Evaluator })
        {
            await ExpectProblemAsync(await _api.GetAsync(who, Path), HttpStatusCode.Forbidden);
            await ExpectProblemAsync(await PostAsync(who, Path, Item("rst")), HttpStatusCode.Forbidden);
            await ExpectProblemAsync(await _api.GetAsync(who, $"{Path}/{id}"), HttpStatusCode.NotFound);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Anonymous.GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Anonymous.PostAsync(Path, TestData.Json(Item("rst")))).StatusCode);
    }

    [Fact]
    public async Task A_unit_puts_a_complaint_on_its_own_ledger_and_supervisors_see_open_and_overdue_items_across_units()
    {
        var number = await _api.AssignedAsync("窗口人员态度生硬", "jyt");
        var other = await _api.AssignedAsync("材料重复提交", "rst");
        var fromComplaint = await CreatedAsync(Handler("jyt"), Item("jyt", "complaint", number.ToLowerInvariant(), dueInDays: 1, problem: "窗口人员态度生硬，群众反映强烈。"));
        Assert.Equal(number, fromComplaint["origin"]!["ref"]!.GetValue<string>());
        Assert.Equal($"/staff/complaints/{number}", fromComplaint["origin"]!["link"]!.GetValue<string>());
        // Another unit's complaint is not a source for this unit.
        var wrong = await ExpectProblemAsync(await PostAsync(Handler("jyt"), Path, Item("jyt", "complaint", other)), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(wrong, "sourceRef")[0]));
        var later = await CreatedAsync(Supervisor, Item("tsw", dueInDays: 30));

        // Two days on, the first is overdue: counted, listed first, and filtered.
        fixture.App.Time.Advance(TimeSpan.FromDays(2));
        var all = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, Path), HttpStatusCode.OK))!;
        Assert.True(all["counts"]!["overdue"]!.GetValue<int>() >= 1);
        var first = all["items"]![0]!;
        Assert.True(first["overdue"]!.GetValue<bool>());
        var overdue = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, $"{Path}?status=overdue"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.Contains(overdue, i => i!["id"]!.GetValue<long>() == fromComplaint["id"]!.GetValue<long>());
        Assert.DoesNotContain(overdue, i => i!["id"]!.GetValue<long>() == later["id"]!.GetValue<long>());
        Assert.All(overdue, i => Assert.True(i!["overdue"]!.GetValue<bool>()));
        var tsw = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, $"{Path}?unit=tsw&status=open"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.All(tsw, i => Assert.Equal("tsw", i!["unitCode"]!.GetValue<string>()));
        Assert.Contains(tsw, i => i!["id"]!.GetValue<long>() == later["id"]!.GetValue<long>());
        var jytView = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("jyt"), $"{Path}?status=overdue"), HttpStatusCode.OK))!;
        Assert.Contains(jytView["items"]!.AsArray(), i => i!["id"]!.GetValue<long>() == fromComplaint["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Bad_ledger_inputs_are_problem_details_with_Chinese_field_messages()
    {
        var inspection = JsonNode.Parse(await ExpectAsync(await PostAsync(Inspector, "/api/v1/evaluations/2020/inspections", new JsonObject
        {
            ["unitCode"] = "gat", ["date"] = "2020-10-20", ["covert"] = true,
            ["findings"] = new JsonArray(new JsonObject { ["description"] = "窗口无人", ["severity"] = "major" }), ["rating"] = "dissatisfied",
        }), HttpStatusCode.Created))!["id"]!.GetValue<long>();
        var fromInspection = await CreatedAsync(Supervisor, Item("gat", "inspection", inspection.ToString()));
        Assert.Contains("暗访", fromInspection["origin"]!["summary"]!.GetValue<string>());

        JsonObject With(string field, JsonNode? value)
        {
            var body = Item("gat");
            body[field] = value;
            return body;
        }
        var cases = new (JsonObject Body, string Field)[]
        {
            (With("unitCode", null), "unitCode"),
            (With("unitCode", "nosuch"), "unitCode"),
            (With("source", "rumour"), "source"),
            (With("source", null), "source"),
            (Item("gat", "inspection", "abc"), "sourceRef"),
            (Item("gat", "inspection", "999999"), "sourceRef"),
            // The inspection is of gat, not of rst.
            (Item("rst", "inspection", inspection.ToString()), "sourceRef"),
            (Item("gat", "deduction", "999999"), "sourceRef"),
            (Item("gat", "unit-channel", "999999"), "sourceRef"),
            (Item("gat", "complaint", "ZTC-2020-999999"), "sourceRef"),
            (Item("gat", "prior-year", "2019"), "sourceRef"),
            (With("problem", "   "), "problem"),
            (With("problem", new string('问', 1001)), "problem"),
            (With("measures", null), "measures"),
            (With("measures", new string('措', 2001)), "measures"),
            (With("owner", ""), "owner"),
            (With("owner", new string('人', 101)), "owner"),
            (With("dueOn", null), "dueOn"),
            (With("dueOn", "2026/12/31"), "dueOn"),
            (With("dueOn", In(-1)), "dueOn"),
            (With("dueOn", In(800)), "dueOn"),
        };
        foreach (var (body, field) in cases)
        {
            var problem = await ExpectProblemAsync(await PostAsync(Supervisor, Path, body), HttpStatusCode.BadRequest);
            Assert.True(Errors(problem, field).Count > 0 && Errors(problem, field).All(HasChinese), $"{field}: {Readable(problem)}");
        }
        var notJson = await (await _api.AsAsync(Supervisor)).PostAsync(Path, new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        await ExpectProblemAsync(notJson, HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(await ExpectProblemAsync(await _api.GetAsync(Supervisor, $"{Path}?status=lost"), HttpStatusCode.BadRequest), "status")[0]));
        Assert.True(HasChinese(Errors(await ExpectProblemAsync(await _api.GetAsync(Supervisor, $"{Path}?unit=nosuch"), HttpStatusCode.BadRequest), "unit")[0]));
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2019/ledger"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, $"{Path}/999999"), HttpStatusCode.NotFound);
        var emptyNote = await ExpectProblemAsync(await PostAsync(Handler("gat"), $"{Path}/{fromInspection["id"]}/progress", new JsonObject { ["note"] = " " }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(emptyNote, "note")[0]));
    }
}

public sealed class SqliteLedgerApiTests(SqliteApp fixture) : LedgerApiTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresLedgerApiTests(PostgresApp fixture) : LedgerApiTests(fixture), IClassFixture<PostgresApp>;
