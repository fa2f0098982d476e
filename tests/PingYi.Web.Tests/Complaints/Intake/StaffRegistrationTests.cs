using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PingYi.Web.Features.Administration;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Intake;

/// <summary>来电/来信/来访 登记 through the intake API: only a supervisor, the time received bounded and counted from, the channel for supervisors only.</summary>
public abstract class StaffRegistrationTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private AppFactory App => fixture.App;

    private static JsonObject Registered(string title, string channel, DateTimeOffset? receivedAt)
    {
        var body = StaffApi.Complaint(title);
        body["channel"] = channel;
        if (receivedAt is { } at)
        {
            body["receivedAt"] = at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }
        return body;
    }

    [Fact]
    public async Task Only_a_supervisor_registers_a_phone_letter_or_visit_and_the_time_received_is_bounded()
    {
        var now = App.Time.GetUtcNow();
        var body = Registered(Token("来电登记"), "phone", now.AddHours(-2));
        var anonymous = await ExpectProblemAsync(await _api.Anonymous.PostAsync("/api/v1/complaints", TestData.Json(body)), HttpStatusCode.Forbidden);
        Assert.Contains("纪检监察工委", anonymous.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var handler = await _api.AsAsync(Handler("jyt"));
        await ExpectProblemAsync(await handler.PostAsync("/api/v1/complaints", TestData.Json(Registered(Token("来信登记"), "letter", now.AddHours(-2)))), HttpStatusCode.Forbidden);

        var supervisor = await _api.AsAsync(Supervisor);
        await ExpectProblemAsync(await supervisor.PostAsync("/api/v1/complaints", TestData.Json(Registered(Token("未来"), "visit", now.AddHours(1)))), HttpStatusCode.BadRequest);
        await ExpectProblemAsync(await supervisor.PostAsync("/api/v1/complaints", TestData.Json(Registered(Token("太早"), "visit", now.AddDays(-61)))), HttpStatusCode.BadRequest);
        await ExpectProblemAsync(await supervisor.PostAsync("/api/v1/complaints", TestData.Json(Registered(Token("无时间"), "visit", null))), HttpStatusCode.BadRequest);
        await ExpectProblemAsync(await supervisor.PostAsync("/api/v1/complaints", TestData.Json(Registered(Token("渠道错"), "fax", now.AddHours(-1)))), HttpStatusCode.BadRequest);
        var publicWithTime = Registered(Token("公众带时间"), "api", now.AddHours(-1));
        await ExpectProblemAsync(await _api.Anonymous.PostAsync("/api/v1/complaints", TestData.Json(publicWithTime)), HttpStatusCode.BadRequest);
        // The public keeps web and api.
        var web = StaffApi.Complaint(Token("公众网页"));
        web["channel"] = "web";
        await ExpectAsync(await _api.Anonymous.PostAsync("/api/v1/complaints", TestData.Json(web)), HttpStatusCode.Created);

        var ok = await supervisor.PostAsync("/api/v1/complaints", TestData.Json(body));
        var created = JsonNode.Parse(await ExpectAsync(ok, HttpStatusCode.Created))!;
        Assert.False(string.IsNullOrEmpty(created["accessCode"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_registered_complaint_counts_from_when_it_was_received_supervisors_see_its_channel_and_the_unit_sees_a_web_complaint()
    {
        var receivedAt = new DateTimeOffset(App.Time.GetUtcNow().UtcDateTime.AddMinutes(-1).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var who = Complainant.Distinct();
        var supervisor = await _api.AsAsync(Supervisor);
        var body = Named(Registered(Token("当面反映"), "visit", receivedAt), who);
        var created = JsonNode.Parse(await ExpectAsync(await supervisor.PostAsync("/api/v1/complaints", TestData.Json(body)), HttpStatusCode.Created))!;
        var visit = created["trackingNumber"]!.GetValue<string>();
        var (web, _) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("网页对照")), who));

        var staffView = await _api.StaffViewAsync(Supervisor, visit);
        Assert.Equal("visit", staffView["channel"]!.GetValue<string>());
        Assert.Equal(receivedAt.UtcDateTime, Utc(staffView["submittedAt"]!.GetValue<string>()));
        Assert.Equal("api", (await _api.StaffViewAsync(Supervisor, web))["channel"]!.GetValue<string>());
        // The receipt SMS to the mobile given: the tracking number.
        Assert.Contains(await Outbox.SmsRowsAsync(App, visit), r => r.Kind == "lodged" && r.TextBody.Contains(visit, StringComparison.Ordinal));

        foreach (var number in new[] { visit, web })
        {
            await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        }
        var unitVisit = await _api.StaffViewAsync(Handler("jyt"), visit);
        var unitWeb = await _api.StaffViewAsync(Handler("jyt"), web);
        Assert.Null(unitVisit["channel"]);
        Assert.Null(unitWeb["channel"]);
        Assert.Equal(unitWeb.Select(p => p.Key).Order(StringComparer.Ordinal), unitVisit.Select(p => p.Key).Order(StringComparer.Ordinal));
        var unitText = unitVisit.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.DoesNotContain(Supervisor, unitText);
        Assert.DoesNotContain("visit", unitText);
        Assert.DoesNotContain("来访", unitText);
        who.AssertAbsentFrom(unitText, "the unit's view of a registered complaint");

        // Who took it down is on the audit record, for supervisors and administrators.
        var audit = await Outbox.WithDbAsync(App, db => db.AuditRecords.AsNoTracking().SingleAsync(a => a.Kind == AuditKinds.ComplaintRegistered && a.Target == "complaint:" + visit));
        Assert.Contains("visit", audit.After, StringComparison.Ordinal);
        var supervisorId = await Outbox.WithDbAsync(App, db => db.Users.Where(u => u.Email == Supervisor).Select(u => u.Id).SingleAsync());
        Assert.Equal(supervisorId, audit.ActorId);
    }

    [Fact]
    public async Task The_register_page_is_for_supervisors_and_ends_on_a_receipt_with_number_and_code()
    {
        var denied = await (await new PingYi.Web.Tests.Complaints.Tracking.PageBrowser(App).SignInAsync(Handler("jyt"))).RawGetAsync("/staff/complaints/register");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/account/denied", denied.Headers.Location!.OriginalString);

        var browser = await new PingYi.Web.Tests.Complaints.Tracking.PageBrowser(App).SignInAsync(Supervisor);
        var form = await browser.GetAsync("/staff/complaints/register");
        Assert.Contains("来电来信来访登记", form);
        var who = Complainant.Distinct();
        var received = App.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        var title = Token("来信页面登记");
        var (status, page) = await browser.PostMultipartAsync("/staff/complaints/register", form, new()
        {
            ["Channel"] = "letter", ["ReceivedAt"] = received, ["Input.UnitCode"] = "jyt", ["Input.Category"] = "formalism",
            ["Input.Title"] = title, ["Input.Description"] = "来信反映区教育局要求学校重复报送纸质材料，教师连续加班。", ["Input.Anonymous"] = "false",
            ["Input.Name"] = who.Name, ["Input.Phone"] = who.Phone,
        });
        Assert.True(status == HttpStatusCode.OK, page);
        var number = System.Text.RegularExpressions.Regex.Match(page, "id=\"tracking-number\">([^<]+)<").Groups[1].Value;
        var code = System.Text.RegularExpressions.Regex.Match(page, "id=\"access-code\">([^<]+)<").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(number), page);
        await ExpectAsync(await _api.PublicGetAsync(number, code), HttpStatusCode.OK);
        Assert.Equal("letter", (await _api.StaffViewAsync(Supervisor, number))["channel"]!.GetValue<string>());
        Assert.Contains("id=\"texted\"", page);
        Assert.Contains(await Outbox.SmsRowsAsync(App, number), r => r.Kind == "lodged");
    }
}

public sealed class SqliteStaffRegistrationTests(SqliteApp fixture) : StaffRegistrationTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresStaffRegistrationTests(PostgresApp fixture) : StaffRegistrationTests(fixture), IClassFixture<PostgresApp>;
