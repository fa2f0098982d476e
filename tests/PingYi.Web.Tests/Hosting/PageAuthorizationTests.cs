using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// Pages live in their area's folder, not under a /Staff folder, so who may open a page follows its route:
/// every page under /staff sends a signed-out visitor to the sign-in form, and every page under /staff/admin
/// refuses a signed-in account that is not an administrator. The pages are found from the app's own endpoints,
/// so a page added to any folder later is checked too.
/// </summary>
public abstract partial class PageAuthorizationTests(AppFixture fixture)
{
    private IReadOnlyList<string> PageUrls(string prefix) =>
        fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => e.RoutePattern.RawText ?? string.Empty)
            .Where(t => t.Trim('/').Equals(prefix, StringComparison.OrdinalIgnoreCase)
                        || t.Trim('/').StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase))
            .Select(t => "/" + Parameter().Replace(t.Trim('/'), m => m.Value.Contains(":int") || m.Value.Contains(":long") ? "1" : "x"))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public async Task Every_staff_page_sends_a_signed_out_visitor_to_the_sign_in_form()
    {
        var urls = PageUrls("staff");
        Assert.Contains("/staff/admin/users", urls);
        Assert.Contains("/staff/complaints/x", urls);
        Assert.True(urls.Count >= 25, $"only {urls.Count} staff pages found");
        var failures = new List<string>();
        foreach (var url in urls)
        {
            var response = await new PageBrowser(fixture.App).GetAsync(url);
            if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString().Contains("/account/login", StringComparison.Ordinal) != true)
            {
                failures.Add($"{url}: {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
        Assert.True(failures.Count == 0, "Staff pages open to a signed-out visitor:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_admin_page_refuses_a_signed_in_account_that_is_not_an_administrator()
    {
        var urls = PageUrls("staff/admin");
        Assert.True(urls.Count >= 8, $"only {urls.Count} admin pages found");
        var browser = new PageBrowser(fixture.App);
        await browser.SignInAsync(Supervisor, Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff")).StatusCode);
        var failures = new List<string>();
        foreach (var url in urls)
        {
            var response = await browser.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString().Contains("/account/denied", StringComparison.Ordinal) != true)
            {
                failures.Add($"{url}: {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
        Assert.True(failures.Count == 0, "Admin pages open to a supervisor who is not an administrator:\n" + string.Join("\n", failures));
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}

public sealed class SqlitePageAuthorizationTests(SqliteApp fixture) : PageAuthorizationTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresPageAuthorizationTests(PostgresApp fixture) : PageAuthorizationTests(fixture), IClassFixture<PostgresApp>;
