using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// The staff list's table columns and order: server-side sort that pages with the keyset cursor, the
/// escalation level, named/anonymous for supervisors only, and the 新补充 flag that clears when the user looks.
/// </summary>
public abstract class StaffListTableTests(AppFixture fixture)
{
    private readonly StaffApi _api = For(fixture.App);
    private static readonly string JytHandler = Handler("jyt");

    private async Task<(string Token, string A, string B, string C)> ThreeAsync(string prefix)
    {
        var token = Token(prefix);
        var (a, _) = await _api.LodgeAsync(token + "-甲");
        fixture.App.Time.Advance(TimeSpan.FromHours(1));
        var (b, _) = await _api.LodgeAsync(token + "-乙");
        fixture.App.Time.Advance(TimeSpan.FromHours(1));
        var (c, _) = await _api.LodgeAsync(token + "-丙");
        return (token, a, b, c);
    }

    [Fact]
    public async Task Sorts_on_the_server_and_pages_in_that_order()
    {
        var (token, a, b, c) = await ThreeAsync("排序");

        Assert.Equal([c, b, a], await _api.ListNumbersAsync(Supervisor, $"?q={token}"));
        Assert.Equal([a, b, c], await _api.ListNumbersAsync(Supervisor, $"?q={token}&sort=submitted&dir=asc"));
        // The accept deadline runs from lodging: the most urgent first by default.
        Assert.Equal([a, b, c], await _api.ListNumbersAsync(Supervisor, $"?q={token}&sort=due"));
        Assert.Equal([c, b, a], await _api.ListNumbersAsync(Supervisor, $"?q={token}&sort=due&dir=desc"));

        var first = await _api.ListAsync(Supervisor, $"?q={token}&sort=due&limit=2");
        Assert.Equal([a, b], first["items"]!.AsArray().Select(i => i!["trackingNumber"]!.GetValue<string>()));
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await _api.ListAsync(Supervisor, $"?q={token}&sort=due&limit=2&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal([c], second["items"]!.AsArray().Select(i => i!["trackingNumber"]!.GetValue<string>()));
        Assert.Null(second["nextCursor"]);

        // A cursor belongs to its order: used with another it would skip or repeat rows.
        var wrongOrder = await ExpectProblemAsync(
            await _api.GetAsync(Supervisor, $"/api/v1/complaints?q={token}&sort=submitted&limit=2&cursor={Uri.EscapeDataString(cursor)}"), HttpStatusCode.BadRequest);
        Assert.NotEmpty(Errors(wrongOrder, "cursor"));
        var badSort = await ExpectProblemAsync(await _api.GetAsync(Supervisor, $"/api/v1/complaints?sort=title&dir=up"), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(badSort, "sort")[0]));
        Assert.NotEmpty(Errors(badSort, "dir"));
    }

    [Fact]
    public async Task Escalation_sort_puts_the_escalated_case_first()
    {
        var token = Token("升级排序");
        var late = await _api.AssignedAsync(token + "-超期");
        // Far past the handling deadline: the sweep raises the case's level.
        fixture.App.Time.Advance(TimeSpan.FromDays(40));
        await SweepAsync();
        var fresh = await _api.AssignedAsync(token + "-新");

        var items = (await _api.ListAsync(Supervisor, $"?q={token}&sort=escalation"))["items"]!.AsArray();
        Assert.Equal([late, fresh], items.Select(i => i!["trackingNumber"]!.GetValue<string>()));
        Assert.True(items[0]!["escalationLevel"]!.GetValue<int>() >= 1);
        Assert.Equal(0, items[1]!["escalationLevel"]!.GetValue<int>());
        Assert.Equal([fresh, late], await _api.ListNumbersAsync(Supervisor, $"?q={token}&sort=escalation&dir=asc"));
    }

    [Fact]
    public async Task Named_or_anonymous_reaches_supervisors_only()
    {
        var token = Token("实名");
        var (named, _) = await _api.LodgeAsync(Named(Complaint(token + "-实名"), Complainant.Distinct()));
        var (anonymous, _) = await _api.LodgeAsync(Complaint(token + "-匿名"));
        await DoAsync(Supervisor, named, "assign", new { unitCode = "jyt" });
        await DoAsync(Supervisor, anonymous, "assign", new { unitCode = "jyt" });

        var supervisorItems = (await _api.ListAsync(Supervisor, $"?q={token}"))["items"]!.AsArray();
        Assert.False(supervisorItems.Single(i => i!["trackingNumber"]!.GetValue<string>() == named)!["anonymous"]!.GetValue<bool>());
        Assert.True(supervisorItems.Single(i => i!["trackingNumber"]!.GetValue<string>() == anonymous)!["anonymous"]!.GetValue<bool>());

        var handlerBody = await ExpectAsync(await _api.GetAsync(JytHandler, $"/api/v1/complaints?q={token}"), HttpStatusCode.OK);
        var handlerItems = JsonNode.Parse(handlerBody)!["items"]!.AsArray();
        Assert.Equal(2, handlerItems.Count);
        Assert.All(handlerItems, i => Assert.Null(i!["anonymous"]));
        Assert.DoesNotContain("\"anonymous\":true", handlerBody);
        Assert.DoesNotContain("\"anonymous\":false", handlerBody);

        // The page: the column is there for the supervisor, absent for the handler.
        var supervisorPage = await (await _api.AsAsync(Supervisor)).GetStringAsync($"/staff/complaints?q={token}");
        Assert.Contains("实名/匿名", supervisorPage);
    }

    [Fact]
    public async Task New_supplement_flag_is_per_user_and_clears_when_the_user_opens_the_case()
    {
        var token = Token("新补充");
        var (number, code) = await _api.LodgeAsync(token);
        await DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        Assert.False(await FlagAsync(Supervisor, token));
        Assert.False(await FlagAsync(JytHandler, token));

        fixture.App.Time.Advance(TimeSpan.FromMinutes(10));
        await SupplementAsync(number, code, "又想起一件事");

        Assert.True(await FlagAsync(Supervisor, token));
        Assert.True(await FlagAsync(JytHandler, token));

        fixture.App.Time.Advance(TimeSpan.FromMinutes(1));
        await StaffViewAsync(Supervisor, number);
        Assert.False(await FlagAsync(Supervisor, token));
        // The handler has not looked yet.
        Assert.True(await FlagAsync(JytHandler, token));

        fixture.App.Time.Advance(TimeSpan.FromMinutes(1));
        var page = await (await _api.AsAsync(JytHandler)).GetAsync($"/staff/complaints/{number}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(await FlagAsync(JytHandler, token));

        // A later supplement raises it again; the next look moves the user's mark forwards, and two tabs opening the
        // case at the same moment both succeed.
        fixture.App.Time.Advance(TimeSpan.FromMinutes(1));
        await SupplementAsync(number, code, "还有一份材料");
        Assert.True(await FlagAsync(Supervisor, token));
        fixture.App.Time.Advance(TimeSpan.FromMinutes(1));
        await Task.WhenAll(StaffViewAsync(Supervisor, number), StaffViewAsync(Supervisor, number));
        Assert.False(await FlagAsync(Supervisor, token));
        Assert.True(await FlagAsync(JytHandler, token));
    }

    private async Task SupplementAsync(string number, string code, string text)
    {
        var supplement = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements")
        {
            Content = JsonContent.Create(new { text }),
        };
        supplement.Headers.Add("X-Access-Code", code);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Anonymous.SendAsync(supplement)).StatusCode);
    }

    private Task<JsonObject> DoAsync(string email, string number, string action, object fields) => _api.DoAsync(email, number, action, fields);

    private Task<JsonObject> StaffViewAsync(string email, string number) => _api.StaffViewAsync(email, number);

    private async Task<bool> FlagAsync(string email, string token) =>
        (await _api.ListAsync(email, $"?q={token}"))["items"]!.AsArray().Single()!["newSupplement"]!.GetValue<bool>();

    private async Task SweepAsync()
    {
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(fixture.App.Services);
        var sweep = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<PingYi.Web.Features.Complaints.Timers.SweepTimers.Handler>(scope.ServiceProvider);
        await sweep.HandleAsync(CancellationToken.None);
    }
}

public sealed class SqliteStaffListTableTests(SqliteApp fixture) : StaffListTableTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresStaffListTableTests(PostgresApp fixture) : StaffListTableTests(fixture), IClassFixture<PostgresApp>;
