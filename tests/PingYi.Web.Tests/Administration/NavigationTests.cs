using System.Net;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Administration;

/// <summary>
/// Navigation by role: no link to a page the role cannot use; the case list refused to a role shows no filters;
/// an evaluator whose source is not rated by form is told why the page is empty; the admin tools are linked,
/// and a job run from its page is audited; the public results are linked from the home page and the menu. And the
/// administration page fixes: 停用 asks first, a password chosen through the link is the owner's act, an evaluator's
/// source list offers only the sources rated by form.
/// </summary>
public abstract class NavigationTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private readonly AdminApi _admin = new(StaffApi.For(fixture.App));

    private async Task<PageBrowser> SignInAsync(string email, string password = Password)
    {
        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email, password)).StatusCode);
        return browser;
    }

    [Theory]
    [InlineData(Evaluator, false, false)]
    [InlineData(Inspector, false, false)]
    [InlineData(Supervisor, true, true)]
    [InlineData("jyt@pingyi.local", true, true)]
    public async Task The_menu_and_the_workbench_link_only_to_pages_the_role_can_use(string email, bool list, bool scoring)
    {
        var browser = await SignInAsync(email);
        var home = await ExpectAsync(await browser.GetAsync("/staff"), HttpStatusCode.OK);
        Assert.Equal(list, home.Contains("href=\"/staff/complaints\""));
        Assert.Equal(scoring, home.Contains("href=\"/staff/scoring\""));
        // And the pages behind the links agree.
        var listPage = await browser.GetAsync("/staff/complaints");
        Assert.Equal(list ? HttpStatusCode.OK : HttpStatusCode.Forbidden, listPage.StatusCode);
        var scoringPage = await browser.GetAsync("/staff/scoring");
        Assert.Equal(scoring, scoringPage.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect && scoringPage.Headers.Location?.OriginalString.Contains("denied") != true);
    }

    [Fact]
    public async Task The_case_list_refused_to_a_role_shows_no_filter_form()
    {
        var browser = await SignInAsync(Evaluator);
        var page = await browser.GetAsync("/staff/complaints");
        var html = await ExpectAsync(page, HttpStatusCode.Forbidden);
        Assert.Contains("id=\"list-denied\"", html);
        Assert.Contains("无权查看反映列表", html);
        Assert.DoesNotContain("role=\"search\"", html);
        Assert.DoesNotContain("name=\"status\"", html);
    }

    [Fact]
    public async Task An_evaluator_whose_source_is_not_rated_by_form_is_told_why_the_page_is_empty()
    {
        var email = AdminApi.Email("channel-evaluator");
        await _admin.CreateUserAsync(email, "evaluator", source: "channel");
        var html = await ExpectAsync(await (await SignInAsync(email, AdminApi.StrongPassword)).GetAsync("/staff/evaluation"), HttpStatusCode.OK);
        Assert.Contains("id=\"no-source\"", html);
        Assert.Contains("不通过评议表录入", html);
        // One with a source rated by form gets its units instead.
        var deputies = await ExpectAsync(await (await SignInAsync(PingYi.Web.Tests.Evaluation.EvaluationApiTests.Deputies)).GetAsync("/staff/evaluation"), HttpStatusCode.OK);
        Assert.DoesNotContain("id=\"no-source\"", deputies);
        Assert.Contains("id=\"rate-units\"", deputies);
    }

    [Fact]
    public async Task The_admin_tools_are_linked_and_a_job_run_from_its_page_is_audited()
    {
        var admin = await SignInAsync(Admin);
        var tools = await ExpectAsync(await admin.GetAsync("/staff/admin"), HttpStatusCode.OK);
        foreach (var link in new[] { "/staff/admin/outbox", "/staff/calendars", "/staff/admin/jobs", "/hangfire", "/scalar" })
        {
            Assert.Contains($"href=\"{link}\"", tools);
        }
        foreach (var link in new[] { "/staff/admin/outbox", "/staff/calendars", "/staff/admin/jobs" })
        {
            await ExpectAsync(await admin.GetAsync(link), HttpStatusCode.OK);
        }
        var jobs = await ExpectAsync(await admin.GetAsync("/staff/admin/jobs"), HttpStatusCode.OK);
        foreach (var job in new[] { "sweep-timers", "outbox", "daily-digest", "evaluation-reminders", "erase-contacts", "monthly-snapshot" })
        {
            Assert.Contains($"data-job=\"{job}\"", jobs);
        }
        var run = await admin.PostFormAsync("/staff/admin/jobs?handler=Run", new Dictionary<string, string> { ["job"] = "sweep-timers" }, PageBrowser.Token(jobs));
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        Assert.Contains("已运行“期限到期处理", await ExpectAsync(await admin.GetAsync(run.Headers.Location!.OriginalString), HttpStatusCode.OK));
        var audit = Readable(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/audit?kind=job.run"), HttpStatusCode.OK));
        Assert.Contains("job:sweep-timers", audit);
        Assert.Contains(Admin, audit);

        // Not for the other roles.
        var supervisor = await SignInAsync(Supervisor);
        Assert.DoesNotContain("href=\"/staff/admin\"", await ExpectAsync(await supervisor.GetAsync("/staff"), HttpStatusCode.OK));
        var refused = await supervisor.GetAsync("/staff/admin/jobs");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/account/denied", refused.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_account_form_offers_an_evaluator_only_the_sources_rated_by_form()
    {
        var form = await ExpectAsync(await (await SignInAsync(Admin)).GetAsync("/staff/admin/users/edit"), HttpStatusCode.OK);
        foreach (var rated in new[] { "deputies", "prefectures", "liaison" })
        {
            Assert.Contains($"<option value=\"{rated}\"", form);
        }
        foreach (var other in new[] { "service-hall", "inspectors", "channel" })
        {
            Assert.DoesNotContain($"<option value=\"{other}\"", form);
        }
    }

    [Fact]
    public async Task A_password_chosen_through_the_one_time_link_is_attributed_to_the_account_in_the_audit_log()
    {
        var email = AdminApi.Email("own-choice");
        await _admin.CreateUserAsync(email, "supervisor");
        var audit = System.Text.Json.Nodes.JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, $"/api/v1/admin/audit?kind=user.password-changed&actor={Uri.EscapeDataString(email)}"), HttpStatusCode.OK))!;
        var record = Assert.Single(audit["items"]!.AsArray())!;
        Assert.Equal(email, record["actor"]!.GetValue<string>());
        Assert.Equal(email, record["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_audit_log_page_names_units_rather_than_giving_their_codes()
    {
        var code = AdminApi.NewCode();
        await _admin.CreateUnitAsync(code, "省审计名称厅");
        await _admin.CreateUserAsync(AdminApi.Email("unit-named"), "unit-handler", unitCode: code);
        var html = await ExpectAsync(await (await SignInAsync(Admin)).GetAsync("/staff/admin/audit"), HttpStatusCode.OK);
        Assert.Contains($"省审计名称厅（{code}）", html);
        Assert.Contains("（单位：省审计名称厅）", html);
    }

    [Fact]
    public async Task Disabling_an_account_on_the_page_asks_for_confirmation_first()
    {
        var email = AdminApi.Email("to-disable");
        var id = await _admin.CreateUserAsync(email, "supervisor");
        var admin = await SignInAsync(Admin);
        var users = await ExpectAsync(await admin.GetAsync("/staff/admin/users"), HttpStatusCode.OK);
        Assert.Contains("确认停用", users);
        var unconfirmed = await admin.PostFormAsync("/staff/admin/users?handler=Disable", new Dictionary<string, string> { ["id"] = id }, PageBrowser.Token(users));
        Assert.Contains("请点“停用”后再点“确认停用”", await ExpectAsync(unconfirmed, HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.Redirect, (await new PageBrowser(fixture.App).SignInAsync(email, AdminApi.StrongPassword)).StatusCode);
        var confirmed = await admin.PostFormAsync("/staff/admin/users?handler=Disable", new Dictionary<string, string> { ["id"] = id, ["confirmed"] = "true" }, PageBrowser.Token(users));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, (await new PageBrowser(fixture.App).SignInAsync(email, AdminApi.StrongPassword)).StatusCode);
    }

    [Fact]
    public async Task The_public_results_are_linked_from_the_home_page_and_the_menu()
    {
        var home = await ExpectAsync(await _api.Anonymous.GetAsync("/"), HttpStatusCode.OK);
        Assert.Contains("id=\"home-results\"", home);
        Assert.Contains("id=\"nav-results\"", home);
        var units = await ExpectAsync(await _api.Anonymous.GetAsync("/units"), HttpStatusCode.OK);
        Assert.Contains("href=\"/results\"", units);
        await ExpectAsync(await _api.Anonymous.GetAsync("/results"), HttpStatusCode.OK);
    }
}

public sealed class SqliteNavigationTests(SqliteApp fixture) : NavigationTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresNavigationTests(PostgresApp fixture) : NavigationTests(fixture), IClassFixture<PostgresApp>;
