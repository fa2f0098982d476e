using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// 批量催办 / 批量交办 (issue 24 §3): a supervisor applies one action to several cases; each case is its own action
/// (its own timeline event), a refused one does not stop the others, and a summary says what happened to each.
/// </summary>
public abstract class BulkActionTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<HttpResponseMessage> BulkAsync(string email, string action, string[] numbers, object fields) =>
        await (await _api.AsAsync(email)).PostAsync($"/api/v1/complaints/bulk-actions/{action}",
            TestData.Json(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new { trackingNumbers = numbers, fields }))!));

    private static int Count(JsonNode view, string action) => view["timeline"]!.AsArray().Count(t => t!["action"]!.GetValue<string>() == action);

    [Fact]
    public async Task Each_case_is_its_own_audited_action_and_one_refusal_does_not_stop_the_others()
    {
        var (first, _) = await _api.LodgeAsync(Token("批量交办一"));
        var (second, _) = await _api.LodgeAsync(Token("批量交办二"));
        var already = await _api.AssignedAsync(Token("已交办"));

        var summary = JsonNode.Parse(await ExpectAsync(await BulkAsync(Supervisor, "assign", [first, already, second], new { unitCode = "rst", note = "请依职责办理" }), HttpStatusCode.OK))!;
        Assert.Equal(2, summary["done"]!.GetValue<int>());
        Assert.Equal(1, summary["refused"]!.GetValue<int>());
        Assert.Equal("受理并交办", summary["label"]!.GetValue<string>());
        var outcomes = summary["outcomes"]!.AsArray();
        Assert.Equal([first, already, second], outcomes.Select(o => o!["trackingNumber"]!.GetValue<string>()));
        var refused = outcomes.Single(o => !o!["done"]!.GetValue<bool>())!;
        Assert.Equal(already, refused["trackingNumber"]!.GetValue<string>());
        Assert.True(HasChinese(refused["message"]!.GetValue<string>()));
        foreach (var number in new[] { first, second })
        {
            var view = await _api.StaffViewAsync(Supervisor, number);
            Assert.Equal("assigned", view["status"]!.GetValue<string>());
            Assert.Equal("rst", view["unit"]!["code"]!.GetValue<string>());
            Assert.Equal(1, Count(view, "assign"));
        }
        Assert.Equal("jyt", (await _api.StaffViewAsync(Supervisor, already))["unit"]!["code"]!.GetValue<string>());

        // 催办 in bulk: one urge event on each case; a case not being handled is refused alone.
        var (waiting, _) = await _api.LodgeAsync(Token("待受理"));
        var urged = JsonNode.Parse(await ExpectAsync(await BulkAsync(Supervisor, "urge", [first, waiting, second], new { note = "请抓紧办理" }), HttpStatusCode.OK))!;
        Assert.Equal(2, urged["done"]!.GetValue<int>());
        Assert.Equal(1, urged["refused"]!.GetValue<int>());
        Assert.Equal(1, Count(await _api.StaffViewAsync(Supervisor, first), "urge"));
        Assert.Equal(1, Count(await _api.StaffViewAsync(Supervisor, second), "urge"));
        // A missing required field refuses each case with the field's Chinese message.
        var missing = JsonNode.Parse(await ExpectAsync(await BulkAsync(Supervisor, "urge", [first], new { }), HttpStatusCode.OK))!;
        Assert.Equal(0, missing["done"]!.GetValue<int>());
        Assert.True(HasChinese(missing["outcomes"]![0]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_case_changed_since_the_list_was_read_is_refused_alone_rather_than_urged_twice()
    {
        var fresh = await _api.AssignedAsync(Token("批量版本一"));
        var changed = await _api.AssignedAsync(Token("批量版本二"));
        var supervisor = await _api.AsAsync(Supervisor);
        var listed = JsonNode.Parse(await ExpectAsync(await supervisor.GetAsync("/api/v1/complaints?status=assigned&limit=100"), HttpStatusCode.OK))!["items"]!.AsArray()
            .Where(i => i!["trackingNumber"]!.GetValue<string>() is var n && (n == fresh || n == changed))
            .ToDictionary(i => i!["trackingNumber"]!.GetValue<string>(), i => i!["etag"]!.GetValue<string>());
        Assert.Equal(2, listed.Count);
        Assert.Equal((await _api.GetAsync(Supervisor, $"/api/v1/complaints/{fresh}")).Headers.ETag!.Tag, listed[fresh]);
        // Another supervisor urges one of them after the list was read.
        await ExpectAsync(await BulkAsync(Supervisor, "urge", [changed], new { note = "请抓紧" }), HttpStatusCode.OK);

        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new { trackingNumbers = new[] { fresh, changed }, fields = new { note = "请本周办结" }, ifMatch = listed }))!;
        var summary = JsonNode.Parse(await ExpectAsync(await supervisor.PostAsync("/api/v1/complaints/bulk-actions/urge", TestData.Json(body)), HttpStatusCode.OK))!;
        Assert.Equal(1, summary["done"]!.GetValue<int>());
        var refused = summary["outcomes"]!.AsArray().Single(o => !o!["done"]!.GetValue<bool>())!;
        Assert.Equal(changed, refused["trackingNumber"]!.GetValue<string>());
        Assert.Contains("新的变化", refused["message"]!.GetValue<string>());
        Assert.Equal(1, Count(await _api.StaffViewAsync(Supervisor, changed), "urge"));
        Assert.Equal(1, Count(await _api.StaffViewAsync(Supervisor, fresh), "urge"));

        var tooLong = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new { trackingNumbers = new[] { fresh }, fields = new { note = "催" }, ifMatch = new Dictionary<string, string> { [fresh] = new string('9', 13) } }))!;
        Assert.True(HasChinese(string.Join("", Errors(await ExpectProblemAsync(await supervisor.PostAsync("/api/v1/complaints/bulk-actions/urge", TestData.Json(tooLong)), HttpStatusCode.BadRequest), "ifMatch"))));

        // The list page sends each case's ETag with the bulk form.
        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(Supervisor, Password)).StatusCode);
        var page = await ExpectAsync(await browser.GetAsync("/staff/complaints?status=assigned"), HttpStatusCode.OK);
        Assert.Contains($"name=\"etags[{fresh}]\" value=\"{System.Net.WebUtility.HtmlEncode(await EtagAsync(fresh))}\"", page);
    }

    private async Task<string> EtagAsync(string number) => (await _api.GetAsync(Supervisor, $"/api/v1/complaints/{number}")).Headers.ETag!.Tag;

    [Fact]
    public async Task Only_supervisors_act_in_bulk_within_the_limit_and_the_list_page_shows_the_summary()
    {
        var number = await _api.AssignedAsync(Token("批量权限"));
        await ExpectProblemAsync(await BulkAsync(Handler("jyt"), "urge", [number], new { note = "催" }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await BulkAsync(Supervisor, "decline", [number], new { reason = "x" }), HttpStatusCode.NotFound);
        var none = await ExpectProblemAsync(await BulkAsync(Supervisor, "urge", [], new { note = "催" }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(string.Join("", Errors(none, "trackingNumbers"))));
        var tooMany = Enumerable.Range(1, 101).Select(i => $"ZTC-2026-{i:000000}").ToArray();
        await ExpectProblemAsync(await BulkAsync(Supervisor, "urge", tooMany, new { note = "催" }), HttpStatusCode.BadRequest);
        Assert.Equal(0, Count(await _api.StaffViewAsync(Supervisor, number), "urge"));

        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(Supervisor, Password)).StatusCode);
        var list = await ExpectAsync(await browser.GetAsync("/staff/complaints?status=assigned"), HttpStatusCode.OK);
        Assert.Contains("id=\"bulk-form\"", list);
        var posted = await browser.PostFormAsync("/staff/complaints?handler=Bulk", new Dictionary<string, string>
        {
            ["bulkAction"] = "urge", ["numbers"] = number, ["note"] = "请于本周内报送", ["returnQuery"] = "?status=assigned",
        }, PageBrowser.Token(list));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.StartsWith("/staff/complaints?status=assigned", posted.Headers.Location!.OriginalString);
        var shown = await ExpectAsync(await browser.GetAsync(posted.Headers.Location!.OriginalString), HttpStatusCode.OK);
        Assert.Contains("id=\"bulk-summary\"", shown);
        Assert.Contains("批量催办：完成 1 件，未执行 0 件", shown);
        // Read once: a reload shows the list without it.
        Assert.DoesNotContain("id=\"bulk-summary\"", await ExpectAsync(await browser.GetAsync(posted.Headers.Location!.OriginalString), HttpStatusCode.OK));
        Assert.Equal(1, Count(await _api.StaffViewAsync(Supervisor, number), "urge"));

        // A unit's handler's list has no bulk form.
        var unit = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await unit.SignInAsync(Handler("jyt"), Password)).StatusCode);
        Assert.DoesNotContain("id=\"bulk-form\"", await ExpectAsync(await unit.GetAsync("/staff/complaints"), HttpStatusCode.OK));
    }
}

public sealed class SqliteBulkActionTests(SqliteApp fixture) : BulkActionTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresBulkActionTests(PostgresApp fixture) : BulkActionTests(fixture), IClassFixture<PostgresApp>;
