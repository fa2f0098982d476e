using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Scoring;

/// <summary>
/// A unit's 得分说明 lists its handling rounds costliest first (overdue, then any other loss of points) and at most
/// <c>Scoring:CasesShown</c> of them (2 here), with a link to all; each line says in Chinese where its deadline stands
/// and how the citizen rated the answer. The lines come from the channel score's query, tested on both databases
/// elsewhere; the order and the wording are the page's own, so one provider shows them.
/// </summary>
public sealed partial class UnitPageCasesTests : IDisposable
{
    // Early in the 2026 round's period (2026-08-17 to 12-10), so that a deadline runs out inside it.
    private readonly AppFactory _app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?>
    {
        ["Scoring:CasesShown"] = "2",
    }, start: new DateTimeOffset(2026, 10, 12, 2, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_rounds_that_cost_points_come_first_and_every_line_says_where_it_stands()
    {
        var api = StaffApi.For(_app);
        await ExpectAsync(await (await api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2026/open", TestData.Json(new JsonObject())), HttpStatusCode.OK);

        // Answered on time, rated 满意 by the citizen: costs nothing.
        var (good, goodCode) = await api.LodgeAsync(Complaint(Token("按期满意"), "sky"));
        // Answered on time but rated 不满意: costs points.
        var (unhappy, unhappyCode) = await api.LodgeAsync(Complaint(Token("按期不满意"), "sky"));
        // Never answered: overdue by the time the page is read.
        var (late, _) = await api.LodgeAsync(Complaint(Token("超期未答复"), "sky"));
        foreach (var number in new[] { good, unhappy, late })
        {
            await api.DoAsync(Supervisor, number, "assign", new { unitCode = "sky" });
        }
        foreach (var (number, code, rating) in new[] { (good, goodCode, "satisfied"), (unhappy, unhappyCode, "dissatisfied") })
        {
            await api.DoAsync(Handler("sky"), number, "respond", new { findings = "经查属实。", measures = "已整改。", publicReply = "已整改，感谢监督。" });
            await api.DoAsync(Supervisor, number, "approve", new { qualityRating = 5 });
            await ExpectAsync(await api.FeedbackAsync(number, code, rating), HttpStatusCode.OK);
        }
        _app.Time.SetUtcNow(new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero));
        // Assigned today: still within its deadline.
        var running = await api.AssignedAsync(Token("办理中"), "sky");
        _app.Time.Advance(TimeSpan.FromMinutes(5));

        var handler = await api.NewSessionAsync(Handler("sky"));
        var html = await ExpectAsync(await handler.GetAsync("/staff/scoring/2026/units/sky"), HttpStatusCode.OK);
        var lines = Lines(html);
        var total = int.Parse(Total().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total >= 4, $"{total} handling rounds");
        Assert.Equal(2, lines.Count);
        // Overdue before any other cost; the demo's own rounds of this unit may be overdue too, but never the free ones.
        Assert.Contains(lines, l => l.Number == late);
        Assert.Matches("^超期 \\d+ 个工作日$", lines.Single(l => l.Number == late).Deadline);
        Assert.DoesNotContain(lines, l => l.Number == good || l.Number == running);
        Assert.Contains($"另有 {total - 2} 个未列出", html);
        Assert.Contains("href=\"?cases=all#channel-cases\"", html);

        var all = Lines(await ExpectAsync(await handler.GetAsync("/staff/scoring/2026/units/sky?cases=all"), HttpStatusCode.OK));
        Assert.Equal(total, all.Count);
        var numbers = all.Select(l => l.Number).ToList();
        Assert.True(numbers.IndexOf(late) < numbers.IndexOf(unhappy), "overdue before the other costs");
        Assert.True(numbers.IndexOf(unhappy) < numbers.IndexOf(good), "a cost before a free round");
        Assert.Equal(("按期", "不满意"), (all.Single(l => l.Number == unhappy).Deadline, all.Single(l => l.Number == unhappy).Satisfaction));
        Assert.Equal(("按期", "满意"), (all.Single(l => l.Number == good).Deadline, all.Single(l => l.Number == good).Satisfaction));
        Assert.Equal(("办理中", ""), (all.Single(l => l.Number == running).Deadline, all.Single(l => l.Number == running).Satisfaction));
        Assert.DoesNotContain("id=\"channel-cases-more\"", await ExpectAsync(await handler.GetAsync("/staff/scoring/2026/units/sky?cases=all"), HttpStatusCode.OK));
    }

    private sealed record Line(string Number, string Deadline, string Satisfaction);

    private static List<Line> Lines(string html) => CaseRow().Matches(html)
        .Select(m => new Line(m.Groups["number"].Value, m.Groups["deadline"].Value, m.Groups["satisfaction"].Value))
        .ToList();

    // The row's cells in order: number, 期限情况, assigned, deadline, answered, send-backs, quality, 满意度.
    [GeneratedRegex("<tr data-tracking=\"(?<number>[^\"]+)\"[^>]*>\\s*<td class=\"mono\">[^<]*</td>\\s*<td>(?<deadline>[^<]*)</td>\\s*<td>[^<]*</td>\\s*<td>[^<]*</td>\\s*<td>[^<]*</td>\\s*<td>[^<]*</td>\\s*<td>[^<]*</td>\\s*<td>(?<satisfaction>[^<（]*)")]
    private static partial Regex CaseRow();

    [GeneratedRegex("办理期限（共 (\\d+) 个")]
    private static partial Regex Total();

    public void Dispose() => _app.Dispose();
}
