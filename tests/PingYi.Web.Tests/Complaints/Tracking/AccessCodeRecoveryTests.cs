using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data.Outbox;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Tracking;

/// <summary>
/// 找回查询码: the same 202 whether or not the contact matched, the one-time code by SMS (the Development pickup file)
/// or mail and never in an answer, the old code 404 after, a code good once and only for a while, the limits, the
/// audit, and the page without JavaScript.
/// </summary>
public abstract partial class AccessCodeRecoveryTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private AppFactory App => fixture.App;

    /// <summary>A client address of its own per test: the per-address limit counts every request from one.</summary>
    private HttpClient Client()
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Test-Peer", $"10.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(1, 250)}");
        return client;
    }

    private static Task<HttpResponseMessage> RequestAsync(HttpClient client, string number, string contact) =>
        client.PostAsync($"/api/v1/complaints/{number}/recovery", TestData.Json(new JsonObject { ["contact"] = contact }));

    private static Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string number, string contact, string code) =>
        client.PostAsync($"/api/v1/complaints/{number}/recovery/confirm", TestData.Json(new JsonObject { ["contact"] = contact, ["code"] = code }));

    private async Task<List<OutboxMessage>> RecoveryRowsAsync(string number) =>
        (await Outbox.SmsRowsAsync(App, number)).Concat(await Outbox.RowsAsync(App, number)).Where(r => r.Kind == SmsTemplates.RecoveryCode).ToList();

    /// <summary>Delivers the outbox and reads the one-time code from the SMS pickup file for <paramref name="mobile"/>.</summary>
    private async Task<string> CodeFromSmsFileAsync(string mobile, string number)
    {
        await Outbox.RunJobAsync(_api, "outbox");
        var folder = App.Services.GetRequiredService<SmsSettings>().PickupFolder;
        var file = Directory.GetFiles(folder, "*.txt").OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText)
            .Last(t => t.StartsWith($"To: {mobile}\n", StringComparison.Ordinal) && t.Contains(number, StringComparison.Ordinal) && t.Contains("验证码", StringComparison.Ordinal));
        return SixDigits().Match(file).Value;
    }

    [Fact]
    public async Task A_named_complainant_recovers_by_sms_the_old_code_then_answers_404_and_the_one_time_code_works_once()
    {
        var who = Complainant.Distinct();
        var (number, oldCode) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("找回短信")), who));
        var client = Client();

        var miss = await RequestAsync(client, number, "13900000000");
        var hit = await RequestAsync(client, number, who.Phone);
        Assert.Equal(HttpStatusCode.Accepted, miss.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, hit.StatusCode);
        Assert.Equal(await miss.Content.ReadAsStringAsync(), await hit.Content.ReadAsStringAsync());
        var row = Assert.Single(await RecoveryRowsAsync(number));
        Assert.Equal(OutboxChannel.Sms, row.Channel);
        Assert.True(OutboxMasking.HidesText(row.Kind));

        var code = await CodeFromSmsFileAsync(who.Phone, number);
        Assert.Matches("^[0-9]{6}$", code);
        Assert.DoesNotContain(code, await hit.Content.ReadAsStringAsync());
        var wrong = code == "000000" ? "111111" : "000000";
        await ExpectProblemAsync(await ConfirmAsync(client, number, who.Phone, wrong), HttpStatusCode.BadRequest);
        await ExpectProblemAsync(await ConfirmAsync(client, number, "13900000000", code), HttpStatusCode.BadRequest);

        var confirmed = JsonNode.Parse(await ExpectAsync(await ConfirmAsync(client, number, who.Phone, code), HttpStatusCode.OK))!;
        var newCode = confirmed["accessCode"]!.GetValue<string>();
        Assert.NotEqual(oldCode, newCode);
        await ExpectAsync(await _api.PublicGetAsync(number, oldCode), HttpStatusCode.NotFound);
        await ExpectAsync(await _api.PublicGetAsync(number, newCode), HttpStatusCode.OK);
        // Good once.
        await ExpectProblemAsync(await ConfirmAsync(client, number, who.Phone, code), HttpStatusCode.BadRequest);
        // Sent: the code is gone from the outbox.
        Assert.Equal(OutboxMessage.DroppedText, Assert.Single(await RecoveryRowsAsync(number)).TextBody);

        // Audited for supervisors: both steps, with no contact in the record.
        var audit = await Outbox.WithDbAsync(App, db => db.AuditRecords.AsNoTracking().Where(a => a.Target == "complaint:" + number).Select(a => a.Kind).ToListAsync());
        Assert.Equal(2, audit.Count(k => k == AuditKinds.AccessCodeRecoveryRequested));
        Assert.Contains(AuditKinds.AccessCodeRecovered, audit);
    }

    [Fact]
    public async Task An_e_mail_contact_gets_the_code_by_mail_and_an_anonymous_case_gets_nothing_with_the_same_answer()
    {
        var who = Complainant.Distinct();
        var (named, _) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("找回邮件")), who));
        var (anonymous, anonymousCode) = await _api.LodgeAsync(StaffApi.Complaint(Token("找回匿名")));
        var client = Client();

        var byMail = await RequestAsync(client, named, who.Email.ToUpperInvariant());
        var none = await RequestAsync(client, anonymous, who.Phone);
        var unknown = await RequestAsync(client, "ZTC-2026-999999", who.Phone);
        foreach (var r in new[] { byMail, none, unknown })
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }
        Assert.Equal(await byMail.Content.ReadAsStringAsync(), await none.Content.ReadAsStringAsync());
        Assert.Equal(await byMail.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        var mail = Assert.Single(await RecoveryRowsAsync(named));
        Assert.Equal(OutboxChannel.Mail, mail.Channel);
        Assert.Equal(who.Email, mail.Recipient);
        var code = System.Text.RegularExpressions.Regex.Match(mail.TextBody, @"^([0-9]{6})$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Matches("^[0-9]{6}$", code);
        Assert.Empty(await RecoveryRowsAsync(anonymous));
        var confirmed = JsonNode.Parse(await ExpectAsync(await ConfirmAsync(client, named, who.Email, code), HttpStatusCode.OK))!;
        await ExpectAsync(await _api.PublicGetAsync(named, confirmed["accessCode"]!.GetValue<string>()), HttpStatusCode.OK);
        await ExpectAsync(await _api.PublicGetAsync(anonymous, anonymousCode), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Requests_are_limited_per_number_codes_expire_and_too_many_wrong_codes_kill_a_request()
    {
        var who = Complainant.Distinct();
        var (number, oldCode) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("找回限制")), who));
        var client = Client();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(client, number, i == 0 ? who.Phone : "13900000000")).StatusCode);
        }
        // The fourth in the hour is refused, matched or not, from any address.
        await ExpectProblemAsync(await RequestAsync(Client(), number, who.Phone), HttpStatusCode.TooManyRequests);
        await ExpectProblemAsync(await RequestAsync(Client(), number, "13900000000"), HttpStatusCode.TooManyRequests);
        var code = await CodeFromSmsFileAsync(who.Phone, number);

        // Fifteen minutes later the code has expired.
        App.Time.Advance(RecoverCodeLifetime + TimeSpan.FromSeconds(1));
        await ExpectProblemAsync(await ConfirmAsync(client, number, who.Phone, code), HttpStatusCode.BadRequest);

        // A fresh request after the hour; five wrong codes and even the right one no longer works.
        App.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(client, number, who.Phone)).StatusCode);
        var fresh = await CodeFromSmsFileAsync(who.Phone, number);
        Assert.NotEqual(code, fresh);
        var wrong = fresh == "000000" ? "111111" : "000000";
        for (var i = 0; i < 5; i++)
        {
            await ExpectProblemAsync(await ConfirmAsync(client, number, who.Phone, wrong), HttpStatusCode.BadRequest);
        }
        await ExpectProblemAsync(await ConfirmAsync(client, number, who.Phone, fresh), HttpStatusCode.BadRequest);
        await ExpectAsync(await _api.PublicGetAsync(number, oldCode), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_page_recovers_without_javascript_and_says_an_anonymous_case_cannot()
    {
        var who = Complainant.Distinct();
        var (number, oldCode) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("找回页面")), who));
        var browser = new PageBrowser(App);
        var page = await browser.GetAsync("/track/recover");
        Assert.Contains("匿名反映没有留下联系方式，查询码遗失后无法找回", page);
        Assert.DoesNotContain("<script", page);
        var sent = await browser.PostAsync("/track/recover", page, new() { ["TrackingNumber"] = number, ["Contact"] = who.Phone });
        Assert.Contains(PingYi.Web.Features.Complaints.Tracking.RecoverAccessCode.Accepted, WebUtility.HtmlDecode(sent));
        var code = await CodeFromSmsFileAsync(who.Phone, number);
        var done = WebUtility.HtmlDecode(await browser.PostAsync("/track/recover?handler=confirm", sent, new() { ["TrackingNumber"] = number, ["Contact"] = who.Phone, ["Code"] = code }));
        var newCode = NewCode().Match(done).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(newCode), done);
        await ExpectAsync(await _api.PublicGetAsync(number, newCode), HttpStatusCode.OK);
        await ExpectAsync(await _api.PublicGetAsync(number, oldCode), HttpStatusCode.NotFound);

        var form = await browser.GetAsync("/complaints/new");
        Assert.Contains("匿名反映没有联系方式，提交后显示的查询码", form);
    }

    private static readonly TimeSpan RecoverCodeLifetime = PingYi.Web.Features.Complaints.Tracking.RecoverAccessCode.CodeLifetime;

    [GeneratedRegex(@"(?<![0-9])[0-9]{6}(?![0-9])")]
    private static partial Regex SixDigits();

    [GeneratedRegex("id=\"new-access-code\">([^<]+)<")]
    private static partial Regex NewCode();
}

/// <summary>A cookie-keeping client that posts forms with their antiforgery token, as a browser without JavaScript would.</summary>
public sealed partial class PageBrowser(AppFactory app)
{
    private readonly HttpClient _client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<string> GetAsync(string path) => await ExpectAsync(await _client.GetAsync(path), HttpStatusCode.OK);

    public Task<HttpResponseMessage> RawGetAsync(string path) => _client.GetAsync(path);

    /// <summary>Signs in with a session cookie, as the staff pages expect.</summary>
    public async Task<PageBrowser> SignInAsync(string email)
    {
        await ExpectAsync(await _client.PostAsync("/api/v1/auth/login?useCookies=true&useSessionCookies=true",
            TestData.Json(new JsonObject { ["email"] = email, ["password"] = Password })), HttpStatusCode.OK);
        return this;
    }

    /// <summary>Posts a multipart form (as a form with a file input does), with the page's antiforgery token.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostMultipartAsync(string path, string previousPage, Dictionary<string, string> fields)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(Token().Match(previousPage).Groups[1].Value), "__RequestVerificationToken");
        foreach (var (k, v) in fields)
        {
            form.Add(new StringContent(v), k);
        }
        var response = await _client.PostAsync(path, form);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<string> PostAsync(string path, string previousPage, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = Token().Match(previousPage).Groups[1].Value;
        var response = await _client.PostAsync(path, new FormUrlEncodedContent(fields));
        // Post/Redirect/Get: follow the redirect as a browser does.
        return response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther
            ? await GetAsync(response.Headers.Location!.OriginalString)
            : await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}

public sealed class SqliteAccessCodeRecoveryTests(SqliteApp fixture) : AccessCodeRecoveryTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresAccessCodeRecoveryTests(PostgresApp fixture) : AccessCodeRecoveryTests(fixture), IClassFixture<PostgresApp>;
