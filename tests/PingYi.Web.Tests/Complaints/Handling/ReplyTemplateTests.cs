using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// 常用语 (issue 24 §3): the committee keeps templates for everyone, each unit its own; each is changed only by its
/// keeper (another unit's is not even found), audited; placeholders are filled from the case when chosen, and the
/// answer and 督办 forms insert one without JavaScript, keeping what was typed.
/// </summary>
public abstract partial class ReplyTemplateTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<HttpResponseMessage> SendAsync(string email, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = TestData.Json(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!);
        }
        return await (await _api.AsAsync(email)).SendAsync(request);
    }

    private async Task<JsonObject> CreateAsync(string email, string title, string text, string? scope = null) =>
        JsonNode.Parse(await ExpectAsync(await SendAsync(email, HttpMethod.Post, "/api/v1/reply-templates", new { title, text, scope }), HttpStatusCode.Created))!.AsObject();

    private async Task<List<JsonObject>> ListAsync(string email, string? trackingNumber = null) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, "/api/v1/reply-templates" + (trackingNumber is null ? "" : $"?trackingNumber={trackingNumber}")), HttpStatusCode.OK))!
            .AsArray().Select(t => t!.AsObject()).ToList();

    [Fact]
    public async Task The_committee_and_each_unit_keep_their_own_templates_and_each_change_is_audited()
    {
        var committee = await CreateAsync(Supervisor, Token("通用"), "您反映的问题（{{受理编号}}）已转{{承办单位}}办理。", "committee");
        Assert.Equal("committee", committee["scope"]!.GetValue<string>());
        var unit = await CreateAsync(Handler("jyt"), Token("教育厅"), "经核实，{{反映标题}}一事已整改，办理期限 {{办理期限}}。");
        Assert.Equal("unit", unit["scope"]!.GetValue<string>());
        int Id(JsonObject t) => t["id"]!.GetValue<int>();

        // Who uses what: everyone the committee's, a unit its own only.
        var jyt = await ListAsync(Handler("jyt"));
        Assert.Contains(jyt, t => Id(t) == Id(committee) && !t["canEdit"]!.GetValue<bool>());
        Assert.Contains(jyt, t => Id(t) == Id(unit) && t["canEdit"]!.GetValue<bool>());
        var rst = await ListAsync(Handler("rst"));
        Assert.Contains(rst, t => Id(t) == Id(committee));
        Assert.DoesNotContain(rst, t => Id(t) == Id(unit));
        Assert.DoesNotContain(await ListAsync(Supervisor), t => Id(t) == Id(unit));
        Assert.Empty(await ListAsync(Evaluator));

        // Who changes what.
        await ExpectProblemAsync(await SendAsync(Handler("rst"), HttpMethod.Put, $"/api/v1/reply-templates/{Id(unit)}", new { title = "改", text = "改" }), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await SendAsync(Handler("rst"), HttpMethod.Delete, $"/api/v1/reply-templates/{Id(unit)}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await SendAsync(Handler("jyt"), HttpMethod.Put, $"/api/v1/reply-templates/{Id(committee)}", new { title = "改", text = "改" }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await SendAsync(Supervisor, HttpMethod.Put, $"/api/v1/reply-templates/{Id(unit)}", new { title = "改", text = "改" }), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await SendAsync(Handler("jyt"), HttpMethod.Post, "/api/v1/reply-templates", new { title = "越权", text = "x", scope = "committee" }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await SendAsync(Supervisor, HttpMethod.Post, "/api/v1/reply-templates", new { title = "越权", text = "x", scope = "unit" }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await SendAsync(Evaluator, HttpMethod.Post, "/api/v1/reply-templates", new { title = "越权", text = "x" }), HttpStatusCode.Forbidden);

        // Validated, in Chinese.
        var unknown = await ExpectProblemAsync(await SendAsync(Handler("jyt"), HttpMethod.Post, "/api/v1/reply-templates", new { title = "占位符", text = "请于{{答复日期}}前答复" }), HttpStatusCode.BadRequest);
        Assert.Contains("{{答复日期}}", string.Join("", Errors(unknown, "text")));
        var empty = await ExpectProblemAsync(await SendAsync(Handler("jyt"), HttpMethod.Post, "/api/v1/reply-templates", new { title = new string('名', 51), text = " " }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(string.Join("", Errors(empty, "title"))));
        Assert.True(HasChinese(string.Join("", Errors(empty, "text"))));

        // The keeper changes and deletes it; each change is on the audit record.
        var updated = JsonNode.Parse(await ExpectAsync(await SendAsync(Handler("jyt"), HttpMethod.Put, $"/api/v1/reply-templates/{Id(unit)}", new { title = "已整改", text = "已整改。" }), HttpStatusCode.OK))!;
        Assert.Equal("已整改", updated["title"]!.GetValue<string>());
        await ExpectAsync(await SendAsync(Handler("jyt"), HttpMethod.Delete, $"/api/v1/reply-templates/{Id(unit)}"), HttpStatusCode.NoContent);
        Assert.DoesNotContain(await ListAsync(Handler("jyt")), t => Id(t) == Id(unit));
        var target = $"reply-template:{Id(unit)}";
        var kinds = await Outbox.WithDbAsync(fixture.App, db => db.AuditRecords.AsNoTracking()
            .Where(a => a.Target == target).OrderBy(a => a.Id).Select(a => a.Kind).ToListAsync());
        Assert.Equal(["reply-template.created", "reply-template.updated", "reply-template.deleted"], kinds);
    }

    [Fact]
    public async Task A_template_is_filled_from_the_case_and_inserted_into_the_answer_form_without_javascript_keeping_what_was_typed()
    {
        var title = Token("模板填充");
        var number = await _api.AssignedAsync(title);
        var template = await CreateAsync(Handler("jyt"), Token("答复"), "您反映的“{{反映标题}}”（{{受理编号}}）已办理，办理期限 {{办理期限}}。");
        var view = await _api.StaffViewAsync(Handler("jyt"), number);
        var deadline = PingYi.Domain.Common.ChinaTime.FormatDeadline(Date(view["dueAt"])!.Value);
        var expected = $"您反映的“{title}”（{number}）已办理，办理期限 {deadline}。";

        var offered = await ListAsync(Handler("jyt"), number);
        Assert.Equal(expected, offered.Single(t => t["id"]!.GetValue<int>() == template["id"]!.GetValue<int>())["filled"]!.GetValue<string>());
        await ExpectProblemAsync(await _api.GetAsync(Handler("rst"), $"/api/v1/reply-templates?trackingNumber={number}"), HttpStatusCode.NotFound);

        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(Handler("jyt"), Password)).StatusCode);
        var detail = $"/staff/complaints/{number}";
        var page = await ExpectAsync(await browser.GetAsync(detail), HttpStatusCode.OK);
        Assert.Contains("id=\"respond-templates\"", page);
        var etag = WebUtility.HtmlDecode(ETag().Match(page).Groups[1].Value);
        var inserted = await browser.PostFormAsync($"{detail}?handler=Insert", new Dictionary<string, string>
        {
            ["ActionCode"] = "respond", ["ETag"] = etag,
            ["Fields[findings]"] = "经核实，情况属实。", ["Fields[measures]"] = "", ["Fields[publicReply]"] = "感谢监督。",
            ["templateId"] = template["id"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), ["templateField"] = "publicReply",
        }, PageBrowser.Token(page));
        var form = await ExpectAsync(inserted, HttpStatusCode.OK);
        Assert.Contains("id=\"respond-inserted\"", form);
        Assert.Contains("经核实，情况属实。", form);
        var reply = WebUtility.HtmlDecode(PublicReply().Match(form).Groups[1].Value);
        Assert.Equal("感谢监督。\n" + expected, reply.ReplaceLineEndings("\n").Trim());
        // Nothing was saved by inserting.
        Assert.Equal("assigned", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());

        // The supervisor's 督办 form offers the committee's templates, not a unit's.
        var supervisor = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.SignInAsync(Supervisor, Password)).StatusCode);
        var committee = await CreateAsync(Supervisor, Token("督办"), "请于期限内报送{{受理编号}}的办理情况。", "committee");
        var supervisorPage = await ExpectAsync(await supervisor.GetAsync(detail), HttpStatusCode.OK);
        Assert.Contains("id=\"supervise-templates\"", supervisorPage);
        Assert.Contains(committee["title"]!.GetValue<string>(), supervisorPage);
        Assert.DoesNotContain(template["title"]!.GetValue<string>(), supervisorPage);
    }

    [Fact]
    public async Task The_templates_page_adds_a_template_and_refuses_an_unknown_placeholder_keeping_what_was_typed()
    {
        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(Handler("jyt"), Password)).StatusCode);
        var page = await ExpectAsync(await browser.GetAsync("/staff/reply-templates"), HttpStatusCode.OK);
        var title = Token("页面新增");
        var created = await browser.PostFormAsync("/staff/reply-templates?handler=Create",
            new Dictionary<string, string> { ["title"] = title, ["text"] = "{{受理编号}} 已收悉。", ["scope"] = "unit" }, PageBrowser.Token(page));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var shown = await ExpectAsync(await browser.GetAsync(created.Headers.Location!.OriginalString), HttpStatusCode.OK);
        Assert.Contains("已新增常用语", shown);
        Assert.Contains(title, shown);

        var refused = await browser.PostFormAsync("/staff/reply-templates?handler=Create",
            new Dictionary<string, string> { ["title"] = "错的", ["text"] = "请于{{某日}}前办结", ["scope"] = "unit" }, PageBrowser.Token(shown));
        var again = await ExpectAsync(refused, HttpStatusCode.BadRequest);
        Assert.Contains("id=\"new-template-text-error\"", again);
        Assert.Contains("不认识的占位符", again);
        Assert.Contains("请于{{某日}}前办结", WebUtility.HtmlDecode(again));
    }

    [GeneratedRegex("name=\"ETag\" value=\"([^\"]*)\"")]
    private static partial Regex ETag();

    [GeneratedRegex("<textarea id=\"respond-publicReply\"[^>]*>([^<]*)</textarea>")]
    private static partial Regex PublicReply();
}

public sealed class SqliteReplyTemplateTests(SqliteApp fixture) : ReplyTemplateTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresReplyTemplateTests(PostgresApp fixture) : ReplyTemplateTests(fixture), IClassFixture<PostgresApp>;
