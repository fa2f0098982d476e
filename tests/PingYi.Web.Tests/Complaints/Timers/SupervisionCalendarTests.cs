using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Timers;

/// <summary>
/// A 督办 notice's reply deadline counted Monday–Friday into a year without a calendar is counted again when an
/// Admin uploads that year, with an (internal) event, like the case's own deadline. The only test of its class: it
/// moves the clock to the end of 2026 and uploads 2027.
/// </summary>
public abstract class SupervisionCalendarTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task An_uploaded_year_recounts_an_open_notices_reply_deadline_with_an_event()
    {
        // Wed 2026-12-30 10:00: 3 working days counted Mon–Fri are Thu 12-31, Fri 01-01 and Mon 01-04.
        fixture.App.Time.SetUtcNow(Utc("2026-12-30T02:00:00Z"));
        var number = await _api.AssignedAsync($"{Token("日历督办")} 跨年督办");
        var view = await _api.DoAsync(Supervisor, number, "supervise", new { reason = "请于节前答复" });
        var notice = view["supervisions"]![0]!["number"]!.GetValue<string>();
        Assert.Equal(Utc("2027-01-04T16:00:00Z"), Date(view["supervisions"]![0]!["dueAt"]));
        Assert.Equal(Utc("2027-01-03T16:00:00Z"), Date(view["nextTimerAt"]));

        var admin = await _api.AsAsync(StaffApi.Admin);
        var body = """{ "year": 2027, "papers": ["https://www.gov.cn/"], "days": [{ "name": "元旦", "date": "2027-01-01", "isOffDay": true }] }""";
        var outcome = JsonNode.Parse(await ExpectAsync(await admin.PutAsync("/api/v1/admin/calendars/2027", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.OK))!;
        Assert.Equal(1, outcome["recounted"]!.GetValue<int>());

        // With New Year's Day off: Thu 12-31, Mon 01-04, Tue 01-05; its reminder now 00:00 Tue 01-05.
        view = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal(Utc("2027-01-05T16:00:00Z"), Date(view["supervisions"]![0]!["dueAt"]));
        Assert.Equal(Utc("2027-01-04T16:00:00Z"), Date(view["nextTimerAt"]));
        var recounts = view["timeline"]!.AsArray().Where(e => e!["action"]!.GetValue<string>() == "deadline-recounted").ToList();
        // One for the case's deadline (public), one for the notice's (internal: 督办 is not on the complainant's timeline).
        Assert.Equal(2, recounts.Count);
        var noticeRecount = Assert.Single(recounts, e => e!["internalNote"] is { } n && Readable(n).Contains(notice, StringComparison.Ordinal))!;
        Assert.Null(noticeRecount["note"]);
        Assert.Contains("2027-01-05 24:00", Readable(noticeRecount["internalNote"]!));
        Assert.Contains("2027-01-04 24:00", Readable(noticeRecount["internalNote"]!));
        Assert.Equal("system", noticeRecount["actorRole"]!.GetValue<string>());

        // The moved deadline's timers run from it: nothing fires at the old deadline, the overdue notice at the new one.
        fixture.App.Time.SetUtcNow(Utc("2027-01-04T16:30:00Z"));
        await Sweep.RunAsync(fixture.App);
        view = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal(0, view["timeline"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "supervision-overdue"));
        Assert.Equal(1, view["timeline"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "supervision-reminder"));
        fixture.App.Time.SetUtcNow(Utc("2027-01-05T16:00:00Z"));
        await Sweep.RunAsync(fixture.App);
        view = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal(1, view["timeline"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "supervision-overdue"));
    }
}

public sealed class SqliteSupervisionCalendarTests(SqliteApp fixture) : SupervisionCalendarTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSupervisionCalendarTests(PostgresApp fixture) : SupervisionCalendarTests(fixture), IClassFixture<PostgresApp>;
