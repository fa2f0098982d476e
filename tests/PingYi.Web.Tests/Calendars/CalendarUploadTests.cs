using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Calendars;

/// <summary>
/// An Admin uploads 2027's holidays (not shipped): validated with Chinese problem details, stored, used at once,
/// open cases whose deadline ran into 2027 on the Monday–Friday fallback are counted again with an event, and
/// /healthz stops reporting Degraded. The only test of its class because it moves the clock into 2027.
/// </summary>
public abstract class CalendarUploadTests(AppFixture fixture)
{
    private const string Admin = StaffApi.Admin;
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private static string Year2027(string days = """{ "name": "元旦", "date": "2027-01-01", "isOffDay": true }""") =>
        $$"""{ "year": 2027, "papers": ["https://www.gov.cn/"], "days": [{{days}}] }""";

    [Fact]
    public async Task An_uploaded_year_is_validated_recounts_fallback_deadlines_and_clears_the_health_warning()
    {
        var time = fixture.App.Time;
        var client = fixture.App.CreateClient();

        // Mon 2026-12-21 10:00: 15 working days counted Mon–Fri (2027-01-01 counted as a working day) end Mon 2027-01-11.
        time.SetUtcNow(Utc("2026-12-21T02:00:00Z"));
        var assigned = await _api.AssignedAsync($"{Token("日历")} 跨年办理");
        Assert.Equal(Utc("2027-01-11T16:00:00Z"), Date((await _api.StaffViewAsync(Supervisor, assigned))["dueAt"]));
        // Thu 2026-12-31 10:00: accept within 2 working days, counted Mon–Fri: Fri 01-01 and Mon 01-04.
        time.SetUtcNow(Utc("2026-12-31T02:00:00Z"));
        var (submitted, code) = await _api.LodgeAsync($"{Token("日历")} 跨年受理");
        Assert.Equal(Utc("2027-01-04T16:00:00Z"), Date((await _api.StaffViewAsync(Supervisor, submitted))["dueAt"]));

        // 00:00 China time on 2027-01-01.
        time.SetUtcNow(Utc("2026-12-31T16:00:00Z"));
        Assert.Equal("Degraded", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));

        // Only Admins may upload; a supervisor is refused, a signed-out caller asked to sign in.
        await ExpectAsync(await PutAsync(Supervisor, 2027, Year2027()), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PutAsync("/api/v1/admin/calendars/2027", Body(Year2027()))).StatusCode);

        // Broken files are refused with a Chinese message naming the fault.
        foreach (var (body, expected) in new[]
        {
            ("{ not json", "不是有效的 JSON"),
            (Year2027().Replace("\"year\": 2027", "\"year\": 2028"), "不一致"),
            (Year2027("""{ "name": "元旦", "date": "2027-01-01", "isOffDay": true }, { "name": "元旦", "date": "2027-01-01", "isOffDay": true }"""), "重复"),
            (Year2027("""{ "name": "元旦", "date": "2027-1-1", "isOffDay": true }"""), "yyyy-MM-dd"),
            (Year2027("""{ "name": "元旦", "date": "2027-01-01", "isOffDay": "yes" }"""), "isOffDay"),
            (Year2027(""), "没有列出"),
        })
        {
            var problem = await ExpectProblemAsync(await PutAsync(Admin, 2027, body), HttpStatusCode.BadRequest);
            var message = Errors(problem, "calendar")[0];
            Assert.True(HasChinese(message) && message.Contains(expected, StringComparison.Ordinal), $"{body}: {message}");
        }
        Assert.Equal("Degraded", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));

        var outcome = JsonNode.Parse(await ExpectAsync(await PutAsync(Admin, 2027, Year2027()), HttpStatusCode.OK))!;
        Assert.Equal(2027, outcome["year"]!.GetValue<int>());
        Assert.False(outcome["replaced"]!.GetValue<bool>());
        Assert.Equal(2, outcome["recounted"]!.GetValue<int>());
        Assert.Equal("Healthy", await ExpectAsync(await client.GetAsync("/healthz"), HttpStatusCode.OK));

        // With 2027-01-01 off: handling ends Tue 01-12, accepting Tue 01-05; each case says so on its timeline.
        var view = await _api.StaffViewAsync(Supervisor, assigned);
        Assert.Equal(Utc("2027-01-12T16:00:00Z"), Date(view["dueAt"]));
        var recount = view["timeline"]!.AsArray()[^1]!;
        Assert.Equal("deadline-recounted", recount["action"]!.GetValue<string>());
        Assert.Equal("system", recount["actorRole"]!.GetValue<string>());
        Assert.Contains("2027-01-12 24:00", Readable(recount["note"]!));
        Assert.Contains("2027-01-11 24:00", Readable(recount["internalNote"]!));
        // The unit is told the new date by mail (the anonymous complainant reads it on /track, below).
        var told = (await PingYi.Web.Tests.Notifications.Outbox.RowsAsync(fixture.App, assigned)).Where(m => m.Kind == "deadline-recounted").ToList();
        Assert.NotEmpty(told);
        Assert.All(told, m => Assert.Contains("新的办理期限：2027-01-12 24:00", m.TextBody));
        Assert.All(told, m => Assert.Contains("原期限：2027-01-11 24:00", m.TextBody));
        Assert.Equal(Utc("2027-01-05T16:00:00Z"), Date((await _api.StaffViewAsync(Supervisor, submitted))["dueAt"]));
        Assert.Contains("2027 年节假日安排", Readable(await _api.PublicViewTextAsync(submitted, code)));

        // A new case on 2026-12-31 … is counted with the uploaded year at once: today (Fri 01-01) is a holiday,
        // so 2 working days from it are Mon 01-04 and Tue 01-05.
        var (fresh, _) = await _api.LodgeAsync($"{Token("日历")} 上传后受理");
        Assert.Equal(Utc("2027-01-05T16:00:00Z"), Date((await _api.StaffViewAsync(Supervisor, fresh))["dueAt"]));

        // Uploading the year again replaces it; nothing was counted Mon–Fri any more, so nothing moves.
        outcome = JsonNode.Parse(await ExpectAsync(await PutAsync(Admin, 2027, Year2027()), HttpStatusCode.OK))!;
        Assert.True(outcome["replaced"]!.GetValue<bool>());
        Assert.Equal(0, outcome["recounted"]!.GetValue<int>());

        // Both uploads are on the audit log (the refused ones changed nothing and are not); the second shows what it replaced.
        var audit = JsonNode.Parse(await ExpectAsync(await (await _api.AsAsync(Admin)).GetAsync("/api/v1/admin/audit?kind=calendar.uploaded"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.Equal(2, audit.Count(r => r!["target"]!.GetValue<string>() == "calendar:2027"));
        Assert.Contains(audit, r => r!["target"]!.GetValue<string>() == "calendar:2027" && r["before"] is not null);
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> PutAsync(string email, int year, string json) =>
        await (await _api.AsAsync(email)).PutAsync($"/api/v1/admin/calendars/{year}", Body(json));
}

public sealed class SqliteCalendarUploadTests(SqliteApp fixture) : CalendarUploadTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresCalendarUploadTests(PostgresApp fixture) : CalendarUploadTests(fixture), IClassFixture<PostgresApp>;
