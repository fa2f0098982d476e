using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PingYi.Domain.Common;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// 工作台: the page /staff and its API twin GET /api/v1/inbox come from one handler, so they show the same sections,
/// counts and cases; a unit's handler sees only their unit's cases, the complainant's times to the day and never
/// who complained; roles without an inbox get none; the API is for signed-in staff only.
/// </summary>
public abstract partial class InboxTests(AppFixture fixture)
{
    private static readonly string RstHandler = Handler("rst");
    private static readonly string JytHandler = Handler("jyt");
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Theory]
    [InlineData(Supervisor, new[] { "submitted", "under-review", "requests", "dissatisfied", "overdue" })]
    [InlineData("rst@pingyi.local", new[] { "unit-supervision", "unit-todo", "unit-requests", "unit-review" })]
    public async Task The_page_and_the_api_show_the_same_sections_counts_and_cases(string email, string[] sections)
    {
        await _api.AssignedAsync($"{Token("工作台")} 交办", "rst");
        await _api.LodgeAsync($"{Token("工作台")} 待受理", "rst");

        var inbox = await InboxAsync(email);
        Assert.Equal(sections, Sections(inbox).Select(s => s["id"]!.GetValue<string>()));

        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email, Password)).StatusCode);
        var page = await ExpectAsync(await browser.GetAsync("/staff"), HttpStatusCode.OK);
        var shown = PageSection().Matches(page).ToList();
        Assert.Equal(sections, shown.Select(m => m.Groups["id"].Value));
        foreach (var (api, html) in Sections(inbox).Zip(shown))
        {
            var where = api["id"]!.GetValue<string>();
            Assert.Equal(api["count"]!.GetValue<int>(), int.Parse(html.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(
                api["rows"]!.AsArray().Select(r => r!["trackingNumber"]!.GetValue<string>()),
                PageNumber().Matches(html.Value).Select(m => m.Groups[1].Value));
            Assert.True(api["rows"]!.AsArray().Count <= api["count"]!.GetValue<int>(), where);
            Assert.Equal(api["rows"]!.AsArray().Count < api["count"]!.GetValue<int>(), api["moreLink"] is not null || html.Value.Contains("仅显示最早的", StringComparison.Ordinal));
        }
        Assert.Contains(inbox["displayName"]!.GetValue<string>(), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_unit_handler_sees_only_their_units_cases_to_the_day_and_never_who_complained()
    {
        var who = Complainant.Distinct();
        var (number, _) = await _api.LodgeAsync(Named(Complaint($"{Token("工作台")} 具名", "rst"), who));
        var exact = Date((await _api.StaffViewAsync(Supervisor, number))["submittedAt"])!.Value;

        // Not the unit's until it is assigned.
        Assert.DoesNotContain(number, Numbers(await InboxAsync(RstHandler)));
        await ExpectAsync(await _api.ActAsync(Supervisor, number, "assign", new { unitCode = "rst" }), HttpStatusCode.OK);

        var response = await (await _api.AsAsync(RstHandler)).GetAsync("/api/v1/inbox");
        var body = await ExpectAsync(response, HttpStatusCode.OK);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
        who.AssertAbsentFrom(body, "GET /api/v1/inbox (unit handler)");
        var inbox = JsonNode.Parse(body)!.AsObject();
        Assert.True(HasChinese(inbox["unitName"]!.GetValue<string>()));
        var todo = Sections(inbox).Single(s => s["id"]!.GetValue<string>() == "unit-todo");
        var row = todo["rows"]!.AsArray().Single(r => r!["trackingNumber"]!.GetValue<string>() == number)!;
        Assert.Equal("assigned", row["status"]!.GetValue<string>());
        Assert.Equal("办理中", row["statusLabel"]!.GetValue<string>());
        Assert.False(row["overdue"]!.GetValue<bool>());
        Assert.NotNull(row["dueAt"]);
        // The day the complainant lodged, not the minute: 00:00 China time.
        Assert.Equal(ChinaTime.StartOfDayUtc(ChinaTime.DateOf(exact)), Date(row["submittedAt"]));
        Assert.Null(row["anonymous"]);
        Assert.Null(row["complainant"]);

        // Another unit's handler does not see it anywhere.
        Assert.DoesNotContain(number, Numbers(await InboxAsync(JytHandler)));
    }

    [Fact]
    public async Task A_supervisor_sees_a_new_case_counted_to_be_accepted_with_its_exact_time()
    {
        var before = Count(await InboxAsync(Supervisor), "submitted");
        var (number, _) = await _api.LodgeAsync($"{Token("工作台")} 新反映", "rst");
        var inbox = await InboxAsync(Supervisor);
        Assert.Equal(before + 1, Count(inbox, "submitted"));
        Assert.Null(inbox["unitName"]);
        var row = Sections(inbox).SelectMany(s => s["rows"]!.AsArray()).FirstOrDefault(r => r!["trackingNumber"]!.GetValue<string>() == number);
        if (row is not null)
        {
            Assert.Equal(Date((await _api.StaffViewAsync(Supervisor, number))["submittedAt"]), Date(row["submittedAt"]));
        }
    }

    [Fact]
    public async Task Roles_without_an_inbox_get_no_sections_and_the_api_is_for_signed_in_staff_only()
    {
        var evaluator = await InboxAsync(Evaluator);
        Assert.Empty(Sections(evaluator));
        Assert.Contains(evaluator["roles"]!.AsArray(), r => HasChinese(r!.GetValue<string>()));

        var problem = await ExpectProblemAsync(await _api.Anonymous.GetAsync("/api/v1/inbox"), HttpStatusCode.Unauthorized);
        Assert.True(HasChinese(problem["title"]!.GetValue<string>()));
    }

    private async Task<JsonObject> InboxAsync(string email) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, "/api/v1/inbox"), HttpStatusCode.OK))!.AsObject();

    private static IEnumerable<JsonObject> Sections(JsonObject inbox) => inbox["sections"]!.AsArray().Select(s => s!.AsObject());

    private static int Count(JsonObject inbox, string section) =>
        Sections(inbox).Single(s => s["id"]!.GetValue<string>() == section)["count"]!.GetValue<int>();

    private static List<string> Numbers(JsonObject inbox) =>
        Sections(inbox).SelectMany(s => s["rows"]!.AsArray()).Select(r => r!["trackingNumber"]!.GetValue<string>()).ToList();

    [GeneratedRegex("<section class=\"inbox\" id=\"(?<id>[^\"]+)\".*?（(?<count>\\d+)）</h2>.*?</section>", RegexOptions.Singleline)]
    private static partial Regex PageSection();

    [GeneratedRegex("<span class=\"mono\">([^<]+)</span>")]
    private static partial Regex PageNumber();
}

public sealed class SqliteInboxTests(SqliteApp fixture) : InboxTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresInboxTests(PostgresApp fixture) : InboxTests(fixture), IClassFixture<PostgresApp>;
