using System.Net;
using System.Text.RegularExpressions;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Supervision;

/// <summary>
/// 督办台 at scale: the board lists at most <c>Supervision:MaxCasesShown</c> cases (set to 2 here), most pressing first;
/// the summary still counts every case, every unit keeps its heading with its counts, and a unit whose cases are not
/// all listed links to its overdue list. The page's queries are shared with the chart and tested on both databases
/// elsewhere; this is the page's own rule, so one provider shows it. The chart draws at most <c>Supervision:ChartUnits</c>
/// (1 here) units, the most overdue first, and says so; the PNG download draws them all.
/// </summary>
public sealed partial class SupervisionDeskBoardCapTests : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?>
    {
        ["Supervision:MaxCasesShown"] = "2",
        ["Supervision:ChartUnits"] = "1",
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

        // The chart: one unit, the one with the most overdue cases, drawn one bar high;
        // the PNG has a bar for every unit the page says has overdue cases.
        Assert.Contains("超期件数最多的 1 个单位", html);
        var units = int.Parse(UnitsOverdue().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(units >= 2, $"jyt and rst have overdue cases ({units})");
        var alt = ChartAlt().Match(html).Groups[1].Value;
        Assert.Single(alt.Split('，'));
        var svg = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(WebUtility.HtmlDecode(ChartSvg().Match(html).Groups[1].Value)));
        Assert.Contains($"height=\"{PingYi.Web.Features.Supervision.OverdueChart.HeightFor(1)}\"", svg);
        var png = await (await supervisor.GetAsync("/staff/oversight?handler=png")).Content.ReadAsByteArrayAsync();
        Assert.Equal(PingYi.Web.Features.Supervision.OverdueChart.HeightFor(units), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    [GeneratedRegex("共 (\\d+) 个单位有超期反映")]
    private static partial Regex UnitsOverdue();

    [GeneratedRegex("alt=\"各单位超期反映件数柱状图：([^\"]*)\"")]
    private static partial Regex ChartAlt();

    // Razor writes the data URI's '+', '/' and '=' as character references.
    [GeneratedRegex("src=\"data:image/svg(?:\\+|&#x2B;)xml;base64,([^\"]+)\"")]
    private static partial Regex ChartSvg();

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
