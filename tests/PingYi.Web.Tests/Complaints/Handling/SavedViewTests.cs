using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// Saved views of the complaint list (issue 24 §3): each account names its own filters and sort, opens them as a link,
/// deletes them; nobody else sees or deletes them; names and keys are validated in Chinese.
/// </summary>
public abstract class SavedViewTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<HttpResponseMessage> CreateAsync(string email, object body) =>
        await (await _api.AsAsync(email)).PostAsync("/api/v1/saved-views", TestData.Json(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!));

    private async Task<List<JsonObject>> ListAsync(string email) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, "/api/v1/saved-views"), HttpStatusCode.OK))!.AsArray().Select(v => v!.AsObject()).ToList();

    [Fact]
    public async Task An_account_saves_opens_and_deletes_its_own_views_and_nobody_elses()
    {
        var name = Token("超期待办");
        var created = JsonNode.Parse(await ExpectAsync(await CreateAsync(Supervisor, new { name, filters = new { status = "assigned", overdue = "true", sort = "due", q = "" } }), HttpStatusCode.Created))!;
        Assert.Equal("/staff/complaints?status=assigned&overdue=true&sort=due", created["link"]!.GetValue<string>());
        var id = created["id"]!.GetValue<int>();
        Assert.Contains(await ListAsync(Supervisor), v => v["id"]!.GetValue<int>() == id && v["filters"]!["overdue"]!.GetValue<string>() == "true");
        Assert.DoesNotContain(await ListAsync(Admin), v => v["id"]!.GetValue<int>() == id);

        await ExpectProblemAsync(await CreateAsync(Supervisor, new { name, filters = new { status = "closed" } }), HttpStatusCode.Conflict);
        var bad = await ExpectProblemAsync(await CreateAsync(Supervisor, new { name = " ", filters = new { cursor = "abc" } }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(string.Join("", Errors(bad, "name"))));
        Assert.Contains("cursor", string.Join("", Errors(bad, "filters")));
        await ExpectProblemAsync(await CreateAsync(Evaluator, new { name = "评议", filters = new { } }), HttpStatusCode.Forbidden);

        // Another account cannot delete it.
        await ExpectProblemAsync(await (await _api.AsAsync(Admin)).DeleteAsync($"/api/v1/saved-views/{id}"), HttpStatusCode.NotFound);
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).DeleteAsync($"/api/v1/saved-views/{id}"), HttpStatusCode.NoContent);
        Assert.DoesNotContain(await ListAsync(Supervisor), v => v["id"]!.GetValue<int>() == id);
    }

    [Fact]
    public async Task The_list_page_saves_the_current_filters_and_offers_them_as_a_link()
    {
        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(Handler("rst"), Password)).StatusCode);
        var list = await ExpectAsync(await browser.GetAsync("/staff/complaints?status=under-review&sort=due&dir=asc"), HttpStatusCode.OK);
        Assert.Contains("name=\"returnQuery\" value=\"?status=under-review&amp;sort=due&amp;dir=asc\"", list);
        var name = Token("待审核");
        var saved = await browser.PostFormAsync("/staff/complaints?handler=SaveView",
            new Dictionary<string, string> { ["viewName"] = name, ["returnQuery"] = "?status=under-review&sort=due&dir=asc&cursor=x" }, PageBrowser.Token(list));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/staff/complaints?status=under-review&sort=due&dir=asc", saved.Headers.Location!.OriginalString);
        var shown = await ExpectAsync(await browser.GetAsync(saved.Headers.Location!.OriginalString), HttpStatusCode.OK);
        Assert.Contains($"已保存视图“{name}”", shown);
        Assert.Contains($">{name}</a>", shown);

        var refused = await browser.PostFormAsync("/staff/complaints?handler=SaveView",
            new Dictionary<string, string> { ["viewName"] = new string('长', 31), ["returnQuery"] = "?status=assigned" }, PageBrowser.Token(shown));
        var again = await ExpectAsync(refused, HttpStatusCode.BadRequest);
        Assert.Contains("id=\"view-error\"", again);
        Assert.Contains("名称不能超过 30 个字", again);
        Assert.Contains(new string('长', 31), again);
    }
}

public sealed class SqliteSavedViewTests(SqliteApp fixture) : SavedViewTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSavedViewTests(PostgresApp fixture) : SavedViewTests(fixture), IClassFixture<PostgresApp>;
