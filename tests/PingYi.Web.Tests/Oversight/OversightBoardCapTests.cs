using System.Net;
using System.Text.RegularExpressions;
using PingYi.Data;
using PingYi.Web.Tests.Handling;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Handling.StaffApi;

namespace PingYi.Web.Tests.Oversight;

/// <summary>
/// 督办台 at scale: the board lists at most <c>Oversight:MaxCasesShown</c> cases (set to 2 here), most pressing first;
/// the summary still counts every case, every unit keeps its heading with its counts, and a unit whose cases are not
/// all listed links to its overdue list. The page's queries are shared with the chart and tested on both databases
/// elsewhere; this is the page's own rule, so one provider shows it.
/// </summary>
public sealed partial class OversightBoardCapTests : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?>
    {
        ["Oversight:MaxCasesShown"] = "2",
    });

    [Fact]
    public async Task The_board_lists_the_most_pressing_cases_and_links_to_the_rest()
    {
        var api = StaffApi.For(_app);
        // Three overdue cases in two units: assigned on the same day, so the same deadline (end of Wed 12-16).
        var jyt1 = await api.AssignedAsync("督办台上限一", "jyt");
        var jyt2 = await api.AssignedAsync("督办台上限二", "jyt");
        var other = await api.AssignedAsync("督办台上限三", "rst");
        _app.Time.SetUtcNow(new DateTimeOffset(2026, 12, 22, 2, 0, 0, TimeSpan.Zero));

        var supervisor = await api.NewSessionAsync(Supervisor);
        var response = await supervisor.GetAsync("/staff/oversight?sort=unit");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();

        var overdue = int.Parse(OverdueCount().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(overdue >= 3, $"the summary counts every overdue case, listed or not ({overdue})");
        var listed = ListedCase().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, listed.Count);
        // The rest are counted (the board also holds cases with an unanswered 督办 notice that are not overdue).
        var hidden = int.Parse(Hidden().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(hidden >= overdue - 2, $"{hidden} not listed of {overdue} overdue");

        // Every unit with an overdue case keeps its heading with its counts. Sorted by unit code, jyt's two cases
        // come before rst's, so the two listed are at most those and rst's case is behind its unit's link.
        Assert.Contains("id=\"unit-jyt\"", html);
        Assert.Contains("id=\"unit-rst\"", html);
        Assert.DoesNotContain(other, listed);
        Assert.Contains("href=\"/staff/complaints?unit=rst&amp;overdue=true\"", html);
        Assert.True(listed.SequenceEqual(listed.Distinct()));
        if (listed.Contains(jyt1) && listed.Contains(jyt2))
        {
            Assert.DoesNotContain("id=\"unit-jyt-all\"", html);
        }
    }

    [GeneratedRegex("id=\"overdue-count\">(\\d+) 件")]
    private static partial Regex OverdueCount();

    [GeneratedRegex("另有 (\\d+) 件未列出")]
    private static partial Regex Hidden();

    [GeneratedRegex("<li class=\"case[^\"]*\" data-tracking=\"([^\"]+)\"")]
    private static partial Regex ListedCase();

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}
