using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Administration;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// The unit's desk (issue 24 §3): a unit with several handlers assigns a case to one of them or a handler claims it;
/// the inbox filters 我的 / 本单位未分配 / 全部; the case's notices then go to that handler, the unit's address as the
/// copy. Only the case's unit's handlers and supervisors may assign, and only to a handler of that unit.
/// </summary>
public abstract class UnitDeskTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private readonly AdminApi _admin = new(StaffApi.For(fixture.App));

    /// <summary>A fresh unit (contact address office@code.example.cn) with two handlers; their e-mails and ids.</summary>
    private async Task<(string Code, string First, string FirstId, string Second, string SecondId)> UnitWithTwoHandlersAsync()
    {
        var code = AdminApi.NewCode();
        await _admin.CreateUnitAsync(code, "测试厅" + code);
        var first = AdminApi.Email("desk-a");
        var second = AdminApi.Email("desk-b");
        var firstId = await _admin.CreateUserAsync(first, "unit-handler", code, password: Password);
        var secondId = await _admin.CreateUserAsync(second, "unit-handler", code, password: Password);
        return (code, first, firstId, second, secondId);
    }

    private async Task<HttpResponseMessage> PostHandlerAsync(string email, string number, JsonObject body) =>
        await (await _api.AsAsync(email)).PostAsync($"/api/v1/complaints/{number}/handler", TestData.Json(body));

    private async Task<JsonObject> InboxAsync(string email, string desk) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, $"/api/v1/inbox?desk={desk}"), HttpStatusCode.OK))!.AsObject();

    private static List<string> Numbers(JsonObject inbox) =>
        inbox["sections"]!.AsArray().SelectMany(s => s!["rows"]!.AsArray()).Select(r => r!["trackingNumber"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task A_handler_assigns_a_case_to_a_colleague_or_claims_it_and_the_timeline_records_it_for_staff_only()
    {
        var (code, first, firstId, second, secondId) = await UnitWithTwoHandlersAsync();
        var (number, accessCode) = await _api.LodgeAsync(Token("单位内分办"), code);

        // Not with the unit yet: nobody of it can hold it.
        await ExpectProblemAsync(await PostHandlerAsync(Supervisor, number, new JsonObject { ["userId"] = firstId }), HttpStatusCode.Conflict);
        await ExpectAsync(await _api.ActAsync(Supervisor, number, "assign", new { unitCode = code }), HttpStatusCode.OK);

        var desk = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(first, $"/api/v1/complaints/{number}/handler"), HttpStatusCode.OK))!;
        Assert.Null(desk["handler"]);
        Assert.Equal(new[] { firstId, secondId }.Order(), desk["candidates"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).Order());
        Assert.True(desk["canClaim"]!.GetValue<bool>());

        // The first handler hands it to the second.
        var assigned = JsonNode.Parse(await ExpectAsync(await PostHandlerAsync(first, number, new JsonObject { ["userId"] = secondId }), HttpStatusCode.OK))!;
        Assert.Equal(secondId, assigned["handler"]!["id"]!.GetValue<string>());
        var view = await _api.StaffViewAsync(first, number);
        Assert.Equal(secondId, view["handler"]!["id"]!.GetValue<string>());
        Assert.Equal("assigned", view["status"]!.GetValue<string>());
        var entry = view["timeline"]!.AsArray().Last(t => t!["action"]!.GetValue<string>() == "assign-handler")!;
        Assert.Equal("指定承办人", entry["actionLabel"]!.GetValue<string>());
        Assert.Contains("测试 unit-handler", entry["internalNote"]!.GetValue<string>());
        Assert.Null(entry["note"]);

        // Twice the same is refused; the second claiming what they hold is too.
        await ExpectProblemAsync(await PostHandlerAsync(first, number, new JsonObject { ["userId"] = secondId }), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await PostHandlerAsync(second, number, new JsonObject { ["claim"] = true }), HttpStatusCode.Conflict);
        // The first takes it back by claiming.
        var claimed = JsonNode.Parse(await ExpectAsync(await PostHandlerAsync(first, number, new JsonObject { ["claim"] = true }), HttpStatusCode.OK))!;
        Assert.Equal(firstId, claimed["handler"]!["id"]!.GetValue<string>());
        Assert.Contains((await _api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray(), t => t!["action"]!.GetValue<string>() == "claim-handler");

        // The complainant sees none of it.
        var publicView = await _api.PublicViewTextAsync(number, accessCode);
        Assert.DoesNotContain("承办人", publicView);
        Assert.DoesNotContain("认领", publicView);
        Assert.DoesNotContain("assign-handler", publicView);
    }

    [Fact]
    public async Task Only_the_units_handlers_and_supervisors_assign_and_only_to_a_handler_of_that_unit()
    {
        var (code, first, firstId, _, secondId) = await UnitWithTwoHandlersAsync();
        var number = await _api.AssignedAsync(Token("分办权限"), code, sign: false);

        // Another unit's handler learns nothing; a handler of another unit cannot be chosen.
        var jytId = await Outbox.WithDbAsync(fixture.App, db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Users.Where(u => u.Email == Handler("jyt")).Select(u => u.Id)));
        await ExpectProblemAsync(await PostHandlerAsync(Handler("jyt"), number, new JsonObject { ["claim"] = true }), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await _api.GetAsync(Handler("jyt"), $"/api/v1/complaints/{number}/handler"), HttpStatusCode.NotFound);
        var foreign = await ExpectProblemAsync(await PostHandlerAsync(first, number, new JsonObject { ["userId"] = jytId }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(string.Join("", Errors(foreign, "userId"))));
        // Neither both nor none.
        await ExpectProblemAsync(await PostHandlerAsync(first, number, new JsonObject { ["userId"] = secondId, ["claim"] = true }), HttpStatusCode.BadRequest);
        await ExpectProblemAsync(await PostHandlerAsync(first, number, new JsonObject()), HttpStatusCode.BadRequest);
        // A supervisor assigns, but has nothing to claim.
        await ExpectProblemAsync(await PostHandlerAsync(Supervisor, number, new JsonObject { ["claim"] = true }), HttpStatusCode.Forbidden);
        await ExpectAsync(await PostHandlerAsync(Supervisor, number, new JsonObject { ["userId"] = firstId }), HttpStatusCode.OK);
        // Others without a role on complaints get nothing.
        await ExpectProblemAsync(await PostHandlerAsync(Evaluator, number, new JsonObject { ["userId"] = firstId }), HttpStatusCode.NotFound);

        // A transfer takes the case to another unit, where nobody holds it yet.
        await ExpectAsync(await _api.ActAsync(Supervisor, number, "transfer", new { unitCode = "jyt", reason = "职责调整" }), HttpStatusCode.OK);
        Assert.Null((await _api.StaffViewAsync(Supervisor, number))["handler"]);
    }

    [Fact]
    public async Task The_inbox_shows_mine_unassigned_and_all_to_a_units_handler_on_the_api_and_the_page()
    {
        var (code, first, _, second, secondId) = await UnitWithTwoHandlersAsync();
        var mine = await _api.AssignedAsync(Token("我的"), code, sign: false);
        var open = await _api.AssignedAsync(Token("未分配"), code, sign: false);
        await ExpectAsync(await PostHandlerAsync(first, mine, new JsonObject { ["userId"] = secondId }), HttpStatusCode.OK);

        var all = await InboxAsync(second, "all");
        Assert.Contains(mine, Numbers(all));
        Assert.Contains(open, Numbers(all));
        Assert.Equal(["mine", "unassigned", "all"], all["desk"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()));
        Assert.Equal([1, 1, 2], all["desk"]!.AsArray().Select(t => t!["count"]!.GetValue<int>()));
        Assert.Equal(new[] { mine }, Numbers(await InboxAsync(second, "mine")).Distinct());
        Assert.Equal(new[] { open }, Numbers(await InboxAsync(second, "unassigned")).Distinct());
        Assert.Empty(Numbers(await InboxAsync(first, "mine")));
        var row = all["sections"]!.AsArray().SelectMany(s => s!["rows"]!.AsArray()).First(r => r!["trackingNumber"]!.GetValue<string>() == mine)!;
        Assert.Equal("测试 unit-handler", row["handlerName"]!.GetValue<string>());
        var bad = await ExpectProblemAsync(await _api.GetAsync(second, "/api/v1/inbox?desk=others"), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(string.Join("", Errors(bad, "desk"))));
        // A supervisor's inbox has no desk.
        Assert.Null((await InboxAsync(Supervisor, "all"))["desk"]);

        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(second, Password)).StatusCode);
        var page = await ExpectAsync(await browser.GetAsync("/staff?desk=mine"), HttpStatusCode.OK);
        Assert.Contains("id=\"desk-mine\"", page);
        Assert.Contains("本单位未分配", page);
        Assert.Contains(mine, page);
        Assert.DoesNotContain(open, page);
    }

    [Fact]
    public async Task The_cases_notices_go_to_the_assigned_handler_with_the_units_address_as_copy()
    {
        var (code, first, _, second, secondId) = await UnitWithTwoHandlersAsync();
        var number = await _api.AssignedAsync(Token("通知承办人"), code, sign: false);
        var office = $"office@{code}.example.cn";
        // Nobody holds it: the 交办 went to both handlers and the office.
        Assert.Equal(new[] { first, second, office }.Order(StringComparer.OrdinalIgnoreCase),
            (await Outbox.RowsAsync(fixture.App, number)).Where(r => r.Kind == "assigned").Select(r => r.Recipient).Order(StringComparer.OrdinalIgnoreCase));

        await ExpectAsync(await PostHandlerAsync(first, number, new JsonObject { ["userId"] = secondId }), HttpStatusCode.OK);
        await ExpectAsync(await _api.ActAsync(Supervisor, number, "urge", new { note = "请抓紧办理" }), HttpStatusCode.OK);
        var urged = (await Outbox.RowsAsync(fixture.App, number)).Where(r => r.Kind == "urged").ToList();
        // The holder first, the unit's address as the copy; the colleague is not bothered.
        Assert.Equal([second, office], urged.OrderBy(r => r.Id).Select(r => r.Recipient));
    }
}

public sealed class SqliteUnitDeskTests(SqliteApp fixture) : UnitDeskTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresUnitDeskTests(PostgresApp fixture) : UnitDeskTests(fixture), IClassFixture<PostgresApp>;
