using System.Net;
using System.Text.RegularExpressions;
using PingYi.Web.Features.Supervision;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Supervision;

/// <summary>The case page links each of its 督办 notices to its 督办通知单, before and after the unit answers it.</summary>
public abstract partial class SupervisionLinkTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [GeneratedRegex(@"DB-\d{4}-\d{4}")]
    private static partial Regex NoticeNumber();

    [Fact]
    public async Task The_case_page_links_the_supervision_notice_sheet_while_open_and_after_the_answer()
    {
        var number = await _api.AssignedAsync(Token("督办通知单链接"));
        await _api.DoAsync(Supervisor, number, "supervise", new { reason = "群众多次反映，请限期答复" });
        var notice = NoticeNumber().Match((await _api.StaffViewAsync(Supervisor, number)).ToJsonString()).Value;
        Assert.NotEmpty(notice);
        var link = $"<a href=\"/staff/supervisions/{notice}\"";

        foreach (var who in new[] { Supervisor, Handler("jyt") })
        {
            var page = await ExpectAsync(await _api.GetAsync(who, $"/staff/complaints/{number}"), HttpStatusCode.OK);
            Assert.Contains(link, page);
            Assert.Contains("待答复", page);
        }

        await _api.DoAsync(Handler("jyt"), number, "answer-supervision", new { answer = "已约谈相关责任人并整改" });
        var answered = await ExpectAsync(await _api.GetAsync(Supervisor, $"/staff/complaints/{number}"), HttpStatusCode.OK);
        Assert.Contains(link, answered);
        Assert.Contains("已答复", answered);
        var sheet = await ExpectAsync(await _api.GetAsync(Supervisor, $"/staff/supervisions/{notice}"), HttpStatusCode.OK);
        // The same committee header as the 交办单.
        Assert.Contains("<p class=\"sheet-issuer\">省直机关纪检监察工委</p>", sheet);
    }
}

public sealed class SqliteSupervisionLinkTests(SqliteApp fixture) : SupervisionLinkTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSupervisionLinkTests(PostgresApp fixture) : SupervisionLinkTests(fixture), IClassFixture<PostgresApp>;

/// <summary>An empty 督办台 chart has a count axis from 0, not ScottPlot's default -10…10.</summary>
public sealed partial class OverdueChartAxisTests
{
    [GeneratedRegex(@">\s*[-−]\d")]
    private static partial Regex NegativeLabel();

    [Fact]
    public void An_empty_chart_draws_no_negative_axis()
    {
        var svg = OverdueChart.Svg([], truncated: false);
        Assert.DoesNotMatch(NegativeLabel(), svg);
        Assert.Matches(@">\s*0\s*<", svg);

        var one = new GetSupervisionDesk.UnitGroup("jyt", "省教育厅",
            [new GetSupervisionDesk.CaseRow("ZTC-2026-000001", "t", DateTime.UtcNow, true, 3, 1, [], "\"1\"", true, false, false)], 1);
        Assert.DoesNotMatch(NegativeLabel(), OverdueChart.Svg([one], truncated: false));
    }
}
