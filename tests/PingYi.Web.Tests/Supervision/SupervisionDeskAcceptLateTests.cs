using System.Net;
using System.Text.RegularExpressions;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Supervision;

/// <summary>
/// 督办台: a submitted case past its 受理期限 (the supervisors did not accept or decline it in time) is on the board
/// under its unit with the accept wording and counted on its own; it is not 超期 (not in the overdue count or the
/// chart). A submitted case still within its 受理期限 is not on the board.
/// </summary>
public sealed partial class SupervisionDeskAcceptLateTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_board_lists_submitted_cases_past_their_accept_deadline(DatabaseProvider provider)
    {
        using var app = AppFactory.Create(provider);
        var api = StaffApi.For(app);
        // Lodged Wed 11-25 with a 受理期限 a few working days on; on Mon 12-07 it has long passed.
        var (late, _) = await api.LodgeAsync(Token("受理超期未受理"), "rst");
        app.Time.SetUtcNow(new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero));
        var (fresh, _) = await api.LodgeAsync(Token("刚提交的反映"), "rst");

        var supervisor = await api.NewSessionAsync(Supervisor);
        var html = await ExpectAsync(await supervisor.GetAsync("/staff/oversight"), HttpStatusCode.OK);

        var item = ListedCase(late).Match(html);
        Assert.True(item.Success, "the case past its 受理期限 is listed under its unit");
        Assert.Contains("id=\"unit-rst\"", html);
        Assert.Matches(@"超过受理期限 \d+ 个工作日</span> · 待受理", item.Value);
        Assert.Contains("受理期限 ", item.Value);
        Assert.DoesNotContain("督办 0 级", item.Value);
        Assert.DoesNotContain($"data-tracking=\"{fresh}\"", html);
        var acceptLate = Count(AcceptLateCount(), html);
        var overdue = Count(OverdueCount(), html);
        Assert.True(acceptLate >= 1, $"the summary counts the case past its 受理期限 ({acceptLate})");
        Assert.Matches(@"超过受理期限 [1-9]\d* 件", UnitHeading().Match(html).Value);

        // Accepted and assigned: a new handling deadline, so off the board; the 受理 count drops by one and the
        // 超期 count (which never held it) stays.
        await ExpectAsync(await api.ActAsync(Supervisor, late, "assign", new { unitCode = "rst" }), HttpStatusCode.OK);
        var after = await ExpectAsync(await supervisor.GetAsync("/staff/oversight"), HttpStatusCode.OK);
        Assert.DoesNotContain($"data-tracking=\"{late}\"", after);
        Assert.Equal(acceptLate - 1, Count(AcceptLateCount(), after));
        Assert.Equal(overdue, Count(OverdueCount(), after));
    }

    private static Regex ListedCase(string number) =>
        new($"<li class=\"case[^\"]*\" data-tracking=\"{Regex.Escape(number)}\">.*?</li>", RegexOptions.Singleline);

    private static int Count(Regex regex, string html) =>
        int.Parse(regex.Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("id=\"unit-rst-title\">.*?</h2>", RegexOptions.Singleline)]
    private static partial Regex UnitHeading();

    [GeneratedRegex("id=\"accept-late-count\">(\\d+) 件")]
    private static partial Regex AcceptLateCount();

    [GeneratedRegex("id=\"overdue-count\">(\\d+) 件")]
    private static partial Regex OverdueCount();
}
