using System.Net;
using System.Text.RegularExpressions;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// The workbench and the menu offer each role only the pages it can use: every staff link on <c>/staff</c> opens for
/// the account that sees it, and the pages a role lacks are not offered.
/// </summary>
public abstract partial class WorkbenchLinksTests(AppFixture fixture)
{
    [Theory]
    [InlineData(Supervisor, new[] { "/staff/statistics", "/staff/statistics/topics", "/staff/sms", "/staff/oversight" }, new string[0])]
    [InlineData(Admin, new[] { "/staff/statistics", "/staff/statistics/topics", "/staff/sms", "/staff/admin" }, new string[0])]
    [InlineData("jyt@pingyi.local", new[] { "/staff/statistics", "/staff/sms", "/staff/complaints" }, new[] { "/staff/statistics/topics", "/staff/oversight", "/staff/admin" })]
    [InlineData("evaluator@pingyi.local", new[] { "/staff/evaluation", "/staff/sms" }, new[] { "/staff/statistics", "/staff/statistics/topics", "/staff/complaints", "/staff/scoring" })]
    [InlineData("inspector@pingyi.local", new[] { "/staff/evaluation" }, new[] { "/staff/statistics", "/staff/complaints" })]
    public async Task Every_staff_link_on_the_workbench_opens_for_the_account_that_sees_it(string email, string[] offered, string[] withheld)
    {
        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email, Password)).StatusCode);
        var workbench = await ExpectAsync(await browser.GetAsync("/staff"), HttpStatusCode.OK);

        var links = StaffLink().Matches(workbench).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Distinct().ToList();
        Assert.All(offered, l => Assert.Contains(l, links));
        Assert.All(withheld, l => Assert.DoesNotContain(l, links));
        foreach (var link in links.Where(l => !l.StartsWith("/staff/complaints/", StringComparison.Ordinal)))
        {
            var response = await browser.GetAsync(link);
            if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString is { } to && to.StartsWith("/staff/", StringComparison.Ordinal))
            {
                // 评议结果 takes a unit's handler straight to the unit's own page.
                response = await browser.GetAsync(to);
            }
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{email}: {link} answered {(int)response.StatusCode}");
        }
    }

    [GeneratedRegex("<a [^>]*href=\"(/staff[^\"#?]*)\"")]
    private static partial Regex StaffLink();
}

public sealed class SqliteWorkbenchLinksTests(SqliteApp fixture) : WorkbenchLinksTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresWorkbenchLinksTests(PostgresApp fixture) : WorkbenchLinksTests(fixture), IClassFixture<PostgresApp>;
