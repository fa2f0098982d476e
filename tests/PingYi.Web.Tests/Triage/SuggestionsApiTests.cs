using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Triage;

/// <summary>
/// <c>GET /api/v1/complaints/{trackingNumber}/suggestions</c> on both databases: supervisors only, computed from
/// the text, learning from the save that assigns and the one that transfers, and listing the earlier report of the
/// same incident; and the units' short names an admin edits.
/// </summary>
public abstract partial class SuggestionsApiTests(AppFixture fixture)
{
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

    [Fact]
    public async Task The_case_page_shows_the_supervisor_the_suggestions_beside_the_pick_and_the_handler_nothing()
    {
        var (number, _) = await _api.LodgeAsync(Body("社保卡补办跑了三次", "社保卡丢失补办，社保局窗口让我跑了三次，第一次说没带照片，第二次说系统故障。", "jyt"));
        var page = await ExpectAsync(await (await SignInAsync(Supervisor)).GetAsync($"/staff/complaints/{number}"), HttpStatusCode.OK);
        Assert.Contains("分派建议", page, StringComparison.Ordinal);
        Assert.Contains("id=\"triage-disagree\"", page, StringComparison.Ordinal);
        Assert.Contains("data-unit=\"rst\"", page, StringComparison.Ordinal);
        Assert.Contains("文中提到“社保局”", page, StringComparison.Ordinal);
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        var handlerPage = await ExpectAsync(await (await SignInAsync(Handler("jyt"))).GetAsync($"/staff/complaints/{number}"), HttpStatusCode.OK);
        Assert.DoesNotContain("分派建议", handlerPage, StringComparison.Ordinal);
    }

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private static JsonObject Body(string title, string description, string unitCode, string? location = null) => new()
    {
        ["unitCode"] = unitCode,
        ["category"] = "other",
        ["title"] = title,
        ["description"] = description,
        ["location"] = location,
        ["anonymous"] = true,
    };

    private async Task<JsonObject> SuggestionsAsync(string number) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, $"/api/v1/complaints/{number}/suggestions"), HttpStatusCode.OK))!.AsObject();

    private static List<string> Codes(JsonObject s) => s["units"]!.AsArray().Select(u => u!["code"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Supervisor_sees_explained_suggestions_from_the_text_and_handlers_get_404()
    {
        // The citizen picked the education department; the text is about a pension.
        var (number, _) = await _api.LodgeAsync(Body("退休审批拖延", "到社保局办理退休审批三个月了，养老金一直领不到，窗口说档案有问题。", "jyt"));
        var s = await SuggestionsAsync(number);
        var top = s["units"]![0]!;
        Assert.Equal("rst", top["code"]!.GetValue<string>());
        Assert.Equal("省人力资源和社会保障厅", top["name"]!.GetValue<string>());
        Assert.InRange(top["score"]!.GetValue<double>(), 0.01, 1);
        Assert.Contains(top["reasons"]!.AsArray(), r => r!.GetValue<string>().Contains("社保局", StringComparison.Ordinal));
        Assert.True(s["units"]!.AsArray().Count <= 3);
        Assert.NotNull(s["category"]!["code"]);
        Assert.NotNull(s["category"]!["reasons"]);
        Assert.NotNull(s["similar"]!.AsArray());
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        foreach (var handler in new[] { Handler("jyt"), Handler("rst") })
        {
            await ExpectProblemAsync(await _api.GetAsync(handler, $"/api/v1/complaints/{number}/suggestions"), HttpStatusCode.NotFound);
        }
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/complaints/JL0000000000/suggestions"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Anonymous.GetAsync($"/api/v1/complaints/{number}/suggestions")).StatusCode);
    }

    [Fact]
    public async Task An_assignment_teaches_the_index_and_a_transfer_corrects_it()
    {
        // Words no unit's duties contain: only the committee's own choice can tie them to a unit.
        const string matter = "冰雕节彩灯布展验收拖延，灯组承建方三次提交验收申请都被搁置。";
        var (earlierNumber, _) = await _api.LodgeAsync(Body("冰雕节彩灯验收", matter, "fgw"));
        await ExpectAsync(await _api.ActAsync(Supervisor, earlierNumber, "assign", new { unitCode = "tjj" }), HttpStatusCode.OK);
        var (number, _) = await _api.LodgeAsync(Body("彩灯布展验收没人管", "冰雕节的彩灯布展验收一直搁置，承建方申请验收没人理。", "fgw"));
        var suggestions = await SuggestionsAsync(number);
        var learned = suggestions["units"]!.AsArray().SingleOrDefault(u => u!["code"]!.GetValue<string>() == "tjj");
        Assert.True(learned is not null, $"tjj is not suggested: {suggestions.ToJsonString()}");
        Assert.Contains(learned["reasons"]!.AsArray(), r => r!.GetValue<string>().StartsWith("与此前交办该单位的 1 件反映相同的词：", StringComparison.Ordinal)
            && r.GetValue<string>().Contains("彩灯", StringComparison.Ordinal));

        await ExpectAsync(await _api.ActAsync(Supervisor, earlierNumber, "transfer", new { unitCode = "rh", reason = "单位有误" }), HttpStatusCode.OK);
        var corrected = await SuggestionsAsync(number);
        Assert.DoesNotContain("tjj", Codes(corrected));
        Assert.Contains("rh", Codes(corrected));
    }

    [Fact]
    public async Task A_node_started_later_learns_the_earlier_assignments_from_the_database()
    {
        const string matter = "雪雕园区门票预约系统故障，游客投诉多次无人处理，售票点让去找运营公司。";
        var (earlier, _) = await _api.LodgeAsync(Body("雪雕园区预约故障", matter, "fgw"));
        await ExpectAsync(await _api.ActAsync(Supervisor, earlier, "assign", new { unitCode = "tjj" }), HttpStatusCode.OK);
        var (number, _) = await _api.LodgeAsync(Body("雪雕园区门票预约", "雪雕园区门票预约系统一直故障，售票点让找运营公司。", "fgw"));

        // A second node over the same database: its index comes from the start-up load alone.
        using var node = AppFactory.Create(fixture.App.Provider, new Dictionary<string, string?> { ["ConnectionStrings:PingYi"] = fixture.App.ConnectionString });
        var engine = node.Services.GetRequiredService<PingYi.Web.Features.Triage.TriageEngine>();
        for (var waited = 0; !engine.Ready && waited < 300; waited++)
        {
            await Task.Delay(100);
        }
        Assert.True(engine.Ready, "the start-up load did not finish in 30 s");
        var suggestions = JsonNode.Parse(await ExpectAsync(await StaffApi.For(node).GetAsync(Supervisor, $"/api/v1/complaints/{number}/suggestions"), HttpStatusCode.OK))!;
        var learned = suggestions["units"]!.AsArray().SingleOrDefault(u => u!["code"]!.GetValue<string>() == "tjj");
        Assert.True(learned is not null && learned["reasons"]!.AsArray().Any(r => r!.GetValue<string>().StartsWith("与此前交办该单位的 1 件反映", StringComparison.Ordinal)),
            suggestions.ToJsonString());
    }

    [Fact]
    public async Task A_second_report_of_the_same_incident_lists_the_first_as_similar()
    {
        var (first, _) = await _api.LodgeAsync(Body("碧溪园小区暖气不热", "碧溪园小区供暖开栓后室温只有十四度，热力公司说管道没问题，不派人来维修。", "zjt", "长春市净月区碧溪园小区"));
        var (other, _) = await _api.LodgeAsync(Body("东华园小区暖气漏水", "东华园小区暖气管道漏水，楼下被淹，报修三天没人来。", "zjt", "吉林市昌邑区东华园小区"));
        var (second, _) = await _api.LodgeAsync(Body("碧溪园暖气温度太低", "我家住碧溪园小区6栋，暖气一直不热，室温十三四度，打热力公司电话说排队维修。", "zjt", "净月区碧溪园小区"));
        var similar = (await SuggestionsAsync(second))["similar"]!.AsArray();
        var listed = similar.Select(x => x!["trackingNumber"]!.GetValue<string>()).ToList();
        Assert.Contains(first, listed);
        Assert.DoesNotContain(other, listed);
        var match = similar.Single(x => x!["trackingNumber"]!.GetValue<string>() == first)!;
        Assert.InRange(match["score"]!.GetValue<double>(), 0.5, 1);
        Assert.Contains(match["reasons"]!.AsArray(), r => r!.GetValue<string>().StartsWith("相同的词：", StringComparison.Ordinal));
        // Later complaints are not "earlier similar" ones.
        Assert.DoesNotContain(second, (await SuggestionsAsync(first))["similar"]!.AsArray().Select(x => x!["trackingNumber"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Short_names_are_edited_by_the_admin_and_a_put_without_them_keeps_them()
    {
        var admin = await _api.AsAsync(Admin);
        var unit = JsonNode.Parse(await ExpectAsync(await admin.GetAsync("/api/v1/admin/units"), HttpStatusCode.OK))!.AsArray()
            .Single(u => u!["code"]!.GetValue<string>() == "sky")!.AsObject();
        Assert.Contains("社科院", unit["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        var body = new JsonObject
        {
            ["name"] = unit["name"]!.GetValue<string>(), ["category"] = unit["category"]!.GetValue<string>(), ["duties"] = unit["duties"]!.GetValue<string>(),
            ["shortNames"] = new JsonArray("社科院", "社会科学研究院", "社科院"),
        };
        var updated = JsonNode.Parse(await ExpectAsync(await admin.PutAsJsonAsync("/api/v1/admin/units/sky", body), HttpStatusCode.OK))!;
        Assert.Equal(["社科院", "社会科学研究院"], updated["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        // The same save tells this node's triage index: the new short name is a reason at once.
        var (number, _) = await _api.LodgeAsync(Body("课题经费报销", "社会科学研究院的课题经费报销拖了半年，财务说还在走流程。", "jyt"));
        var named = (await SuggestionsAsync(number))["units"]!.AsArray().FirstOrDefault(u => u!["code"]!.GetValue<string>() == "sky");
        Assert.True(named is not null && named["reasons"]!.AsArray().Any(r => r!.GetValue<string>().Contains("“社会科学研究院”", StringComparison.Ordinal)),
            named?.ToJsonString() ?? "sky is not suggested");
        body.Remove("shortNames");
        updated = JsonNode.Parse(await ExpectAsync(await admin.PutAsJsonAsync("/api/v1/admin/units/sky", body), HttpStatusCode.OK))!;
        Assert.Equal(["社科院", "社会科学研究院"], updated["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        body["shortNames"] = new JsonArray(new string('长', 21));
        Assert.NotEmpty(Errors(await ExpectProblemAsync(await admin.PutAsJsonAsync("/api/v1/admin/units/sky", body), HttpStatusCode.BadRequest), "shortNames"));
    }
}

public sealed class SqliteSuggestionsApiTests(SqliteApp fixture) : SuggestionsApiTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSuggestionsApiTests(PostgresApp fixture) : SuggestionsApiTests(fixture), IClassFixture<PostgresApp>;
