using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using PingYi.Data.Outbox;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Notifications;

/// <summary>
/// Notices through the outbox to a real SMTP listener: recipients, Chinese subjects as a mail client decodes
/// them, privacy of the complainant, retries while the server refuses, giving up, interrupted deliveries,
/// the jobs API, the Hangfire dashboard and the outbox page.
/// </summary>
public abstract class OutboxDeliveryTests(MailAppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private AppFactory App => fixture.App;
    private SmtpSink Smtp => fixture.Smtp;

    private static readonly string[] Unit = ["jyt-leader@pingyi.local", "jyt@pingyi.local"];

    [Fact]
    public async Task Assignment_reaches_the_unit_and_the_named_complainant_with_chinese_subjects_and_no_identity_for_the_unit()
    {
        var who = Complainant.Distinct();
        var title = Token("交办邮件");
        var (named, namedCode) = await _api.LodgeAsync(Named(StaffApi.Complaint(title), who));
        var (anonymous, anonymousCode) = await _api.LodgeAsync(StaffApi.Complaint(title));
        foreach (var number in new[] { named, anonymous })
        {
            await DoAsync(number, "assign", new { unitCode = "jyt" });
        }

        var rows = await Outbox.RowsAsync(App, named);
        Assert.Equal([.. Unit, who.Email], rows.Select(r => r.Recipient).Order(StringComparer.Ordinal).ToArray());
        Assert.All(rows, r => Assert.Equal(OutboxState.Pending, r.State));

        var result = await Outbox.RunJobAsync(_api, "outbox");
        Assert.True(result!["sent"]!.GetValue<int>() >= 5, result.ToJsonString());

        rows = await Outbox.RowsAsync(App, named);
        Assert.All(rows, r => Assert.Equal(OutboxState.Sent, r.State));
        var mails = Smtp.About(named);
        Assert.Equal(3, mails.Count);
        var toUnit = mails.Where(m => Unit.Contains(m.To.Mailboxes.Single().Address)).ToList();
        Assert.Equal(2, toUnit.Count);
        Assert.All(toUnit, m =>
        {
            Assert.Equal($"【交办】{named} {title}", m.Subject);
            Assert.Equal("noreply@pingyi.test", m.From.Mailboxes.Single().Address);
            Assert.Equal("评议系统", m.From.Mailboxes.Single().Name);
            Assert.Contains($"https://pingyi.test/staff/complaints/{named}", m.TextBody);
            Assert.Contains("教育厅", m.TextBody);
            Assert.Equal(rows.Single(r => r.Recipient == m.To.Mailboxes.Single().Address).MessageId, m.MessageId);
        });
        var toComplainant = mails.Single(m => m.To.Mailboxes.Single().Address == who.Email);
        Assert.Equal($"您反映的问题已受理（{named}）", toComplainant.Subject);
        Assert.Contains(named, toComplainant.TextBody);
        Assert.DoesNotContain(namedCode, Outbox.AllText(toComplainant));

        // An anonymous case: nothing to the complainant, and the unit's mail reads exactly like the named one's.
        var anonymousMails = Smtp.About(anonymous);
        Assert.Equal(Unit, anonymousMails.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal).ToArray());
        foreach (var m in toUnit.Concat(anonymousMails))
        {
            var text = Outbox.AllText(m);
            who.AssertAbsentFrom(text, $"the unit's mail {m.Subject}");
            Assert.DoesNotContain(namedCode, text);
            Assert.DoesNotContain(anonymousCode, text);
            Assert.DoesNotContain("实名", text);
            Assert.DoesNotContain("匿名", text);
        }
        var namedText = toUnit.Single(m => m.To.Mailboxes.Single().Address == Unit[1]);
        var anonymousText = anonymousMails.Single(m => m.To.Mailboxes.Single().Address == Unit[1]);
        Assert.Equal(namedText.TextBody!.Replace(named, "N"), anonymousText.TextBody!.Replace(anonymous, "N"));
        Assert.Equal(namedText.HtmlBody!.Replace(named, "N"), anonymousText.HtmlBody!.Replace(anonymous, "N"));
    }

    [Fact]
    public async Task The_complainant_hears_of_decline_acceptance_reply_and_closing_with_the_public_reply_and_never_the_access_code()
    {
        var who = Complainant.Distinct();
        var (declined, declinedCode) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("不予受理")), who));
        await DoAsync(declined, "decline", new { reason = "不属于作风评议受理范围" });
        await Outbox.RunJobAsync(_api, "outbox");
        var mail = Assert.Single(Smtp.About(declined));
        Assert.Equal(who.Email, mail.To.Mailboxes.Single().Address);
        Assert.Equal($"您反映的问题不予受理（{declined}）", mail.Subject);
        Assert.Contains("不属于作风评议受理范围", mail.TextBody);
        Assert.DoesNotContain(declinedCode, Outbox.AllText(mail));

        const string Reply = "已责成区教育局清理迎检材料，今后同一检查只报一套电子材料。";
        var (number, code) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("全程通知")), who));
        await DoAsync(number, "assign", new { unitCode = "jyt" });
        await ExpectAsync(await _api.ActAsync(Handler("jyt"), number, "respond",
            new { findings = "经核查情况属实，区教育局要求重复报送材料。", measures = "已责令整改并通报。", publicReply = Reply }), HttpStatusCode.OK);
        await DoAsync(number, "approve", new { qualityRating = 4 });
        await ExpectAsync(await _api.FeedbackAsync(number, code, "satisfied"), HttpStatusCode.OK);
        await Outbox.RunJobAsync(_api, "outbox");

        var toComplainant = Smtp.About(number).Where(m => m.To.Mailboxes.Single().Address == who.Email).ToList();
        string[] expected = [$"您反映的问题已受理（{number}）", $"您反映的问题已有办理结果（{number}）", $"您反映的问题已办结（{number}）"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), toComplainant.Select(m => m.Subject ?? "").Order(StringComparer.Ordinal));
        Assert.Contains(Reply, toComplainant.Single(m => (m.Subject ?? "").Contains("办理结果")).TextBody);
        Assert.All(toComplainant, m => Assert.DoesNotContain(code, Outbox.AllText(m)));
        // The unit's findings and measures are internal: the complainant reads only the public reply.
        Assert.All(toComplainant, m => Assert.DoesNotContain("已责令整改并通报", Outbox.AllText(m)));
    }

    [Fact]
    public async Task While_the_server_refuses_nothing_is_lost_and_once_it_accepts_every_message_arrives_exactly_once()
    {
        Smtp.Stop();
        List<string> numbers;
        try
        {
            numbers = [];
            for (var i = 0; i < 3; i++)
            {
                numbers.Add(await _api.AssignedAsync(Token("拒收重试")));
            }
            for (var run = 0; run < 2; run++)
            {
                var result = await Outbox.RunJobAsync(_api, "outbox");
                Assert.Equal(0, result!["sent"]!.GetValue<int>());
                App.Time.Advance(TimeSpan.FromMinutes(2));
            }
            var refused = (await RowsOfAsync(numbers)).ToList();
            Assert.Equal(6, refused.Count);
            Assert.All(refused, r => Assert.Equal(OutboxState.Pending, r.State));
            Assert.Contains(refused, r => r.Attempts == 1 && r.LastError is not null);
        }
        finally
        {
            Smtp.Start();
        }

        App.Time.Advance(TimeSpan.FromMinutes(5));
        await Outbox.RunJobAsync(_api, "outbox");
        await Outbox.RunJobAsync(_api, "outbox");
        var rows = await RowsOfAsync(numbers);
        Assert.All(rows, r => Assert.Equal(OutboxState.Sent, r.State));
        var received = numbers.SelectMany(Smtp.About).Select(m => m.MessageId).ToList();
        Assert.Equal(rows.Select(r => r.MessageId).Order(), received.Order());
    }

    [Fact]
    public async Task After_the_last_retry_a_message_is_failed_and_an_administrator_resends_it_from_the_outbox_page()
    {
        string number;
        Smtp.Stop();
        try
        {
            number = await _api.AssignedAsync(Token("最终失败"));
            for (var run = 0; run < 20 && (await Outbox.RowsAsync(App, number)).Any(r => r.State != OutboxState.Failed); run++)
            {
                await Outbox.RunJobAsync(_api, "outbox");
                App.Time.Advance(TimeSpan.FromMinutes(30));
            }
        }
        finally
        {
            Smtp.Start();
        }
        var rows = await Outbox.RowsAsync(App, number);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(OutboxState.Failed, r.State);
            Assert.Equal(MailAppFixture.MaxAttempts, r.Attempts);
            Assert.NotNull(r.LastError);
        });
        await Outbox.RunJobAsync(_api, "outbox");
        Assert.Empty(Smtp.About(number));

        // The page lists it under 发送失败 and shows the rendered message; a supervisor may not see it.
        var admin = await CookieClientAsync(StaffApi.Admin);
        var listResponse = await admin.GetAsync("/staff/admin/outbox?state=failed");
        Assert.True(listResponse.StatusCode == HttpStatusCode.OK, $"{listResponse.StatusCode} {listResponse.Headers.Location}");
        var list = await listResponse.Content.ReadAsStringAsync();
        var failed = rows[0];
        Assert.Contains($"href=\"/staff/admin/outbox/{failed.Id}\"", list);
        Assert.Contains("发送失败", list);
        Assert.DoesNotContain("data-state=\"sent\"", list);
        var bad = await admin.GetAsync("/staff/admin/outbox?state=lost");
        Assert.Contains("状态只能是", await ExpectAsync(bad, HttpStatusCode.BadRequest));
        var detail = await ExpectAsync(await admin.GetAsync($"/staff/admin/outbox/{failed.Id}"), HttpStatusCode.OK);
        Assert.Contains($"【交办】{number}", WebUtility.HtmlDecode(detail));
        Assert.Contains("重新发送", detail);

        var supervisor = await CookieClientAsync(StaffApi.Supervisor);
        var refused = await supervisor.GetAsync("/staff/admin/outbox");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/denied", refused.Headers.Location!.OriginalString.Replace("http://localhost", ""));

        var token = Regex.Match(detail, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        var resend = await admin.PostAsync($"/staff/admin/outbox/{failed.Id}?handler=resend",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, resend.StatusCode);
        Assert.Equal(OutboxState.Pending, (await Outbox.RowsAsync(App, number)).Single(r => r.Id == failed.Id).State);
        await Outbox.RunJobAsync(_api, "outbox");
        var sent = Assert.Single(Smtp.About(number));
        Assert.Equal(failed.MessageId, sent.MessageId);
        Assert.Equal(failed.Recipient, sent.To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task A_delivery_interrupted_between_sending_and_marking_is_never_sent_again_but_marked_failed()
    {
        var number = await _api.AssignedAsync(Token("投递中断"));
        var rows = await Outbox.RowsAsync(App, number);
        var interrupted = rows[0];
        // What a run that died after handing the message over leaves behind: the row claimed, its lease running.
        await Outbox.WithDbAsync(App, db => db.OutboxMessages.Where(m => m.Id == interrupted.Id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.State, OutboxState.Sending)
            .SetProperty(m => m.ClaimToken, Guid.NewGuid())
            .SetProperty(m => m.NextAttemptAtUtc, App.Time.GetUtcNow().UtcDateTime + DeliverOutbox.Lease)));

        await Outbox.RunJobAsync(_api, "outbox");
        Assert.Equal(OutboxState.Sending, (await Outbox.RowsAsync(App, number))[0].State);
        App.Time.Advance(DeliverOutbox.Lease + TimeSpan.FromMinutes(1));
        await Outbox.RunJobAsync(_api, "outbox");

        rows = await Outbox.RowsAsync(App, number);
        Assert.Equal(OutboxState.Failed, rows[0].State);
        Assert.Equal(DeliverOutbox.InterruptedError, rows[0].LastError);
        Assert.Equal(OutboxState.Sent, rows[1].State);
        Assert.Equal([rows[1].MessageId], Smtp.About(number).Select(m => m.MessageId));
    }

    [Fact]
    public async Task The_daily_digest_lists_overdue_cases_by_unit_once_a_day_on_working_days()
    {
        var number = await _api.AssignedAsync(Token("每日督办"));
        var other = await _api.AssignedAsync(Token("每日督办"), "gat");
        var view = await _api.StaffViewAsync(Supervisor, number);
        var due = Date(view["dueAt"])!.Value;
        // The next working morning after the deadline, 08:30 China time (00:30 UTC), on a weekday.
        var day = DateOnly.FromDateTime(due.AddHours(8)).AddDays(1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }
        var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(0, 30)), TimeSpan.Zero);
        if (at > App.Time.GetUtcNow())
        {
            App.Time.SetUtcNow(at);
        }

        var result = await Outbox.RunJobAsync(_api, "daily-digest");
        Assert.True(result!["written"]!.GetValue<int>() >= 2, result.ToJsonString());
        Assert.Equal(0, (await Outbox.RunJobAsync(_api, "daily-digest"))!["written"]!.GetValue<int>());
        await Outbox.RunJobAsync(_api, "outbox");

        var digests = Smtp.Received.Where(m => (m.Subject ?? "").StartsWith("【每日督办】", StringComparison.Ordinal)
            && (m.TextBody ?? "").Contains(number, StringComparison.Ordinal)).ToList();
        Assert.Equal(["admin@pingyi.local", "supervisor@pingyi.local"], digests.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));
        var digest = digests[0];
        Assert.Contains($"https://pingyi.test/staff/complaints/{number}", digest.TextBody);
        Assert.Contains(other, digest.TextBody);
        Assert.Contains("教育厅", digest.TextBody);
        Assert.Contains("公安厅", digest.TextBody);
        Assert.Contains($"<a href=\"https://pingyi.test/staff/complaints/{number}\">", digest.HtmlBody);
    }

    [Fact]
    public async Task Jobs_run_now_for_administrators_only_and_an_unknown_job_is_404()
    {
        var anonymous = await _api.Anonymous.PostAsync("/api/v1/admin/jobs/outbox/run", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        foreach (var who in new[] { Supervisor, Handler("jyt"), Evaluator, Inspector })
        {
            var refused = await (await _api.AsAsync(who)).PostAsync("/api/v1/admin/jobs/outbox/run", null);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{who}: {(int)refused.StatusCode}");
        }
        foreach (var job in new[] { "sweep-timers", "outbox", "daily-digest" })
        {
            await Outbox.RunJobAsync(_api, job);
        }
        var unknown = await (await _api.AsAsync(StaffApi.Admin)).PostAsync("/api/v1/admin/jobs/erase-everything/run", null);
        var problem = await ExpectProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Contains("erase-everything", Errors(problem, "job").Single());
    }

    [Fact]
    public async Task The_hangfire_dashboard_is_for_signed_in_administrators_only()
    {
        var anonymous = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var signIn = await anonymous.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains("/account/login", signIn.Headers.Location!.OriginalString);

        // A bearer token is not enough: the dashboard is a page, signed in by cookie.
        var bearerClient = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        bearerClient.DefaultRequestHeaders.Authorization = (await _api.AsAsync(StaffApi.Admin)).DefaultRequestHeaders.Authorization;
        var bearer = await bearerClient.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, bearer.StatusCode);
        Assert.Contains("/account/login", bearer.Headers.Location!.OriginalString);

        var supervisor = await CookieClientAsync(Supervisor);
        var staffPage = await supervisor.GetAsync("/staff");
        Assert.True(staffPage.StatusCode == HttpStatusCode.OK, $"/staff as supervisor by cookie: {staffPage.StatusCode} {staffPage.Headers.Location}");
        var denied = await supervisor.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/account/denied", denied.Headers.Location!.OriginalString);

        var admin = await CookieClientAsync(StaffApi.Admin);
        var dashboard = await admin.GetAsync("/hangfire");
        var body = await ExpectAsync(dashboard, HttpStatusCode.OK);
        Assert.Contains("评议 后台作业", WebUtility.HtmlDecode(body));
        var recurring = await ExpectAsync(await admin.GetAsync("/hangfire/recurring"), HttpStatusCode.OK);
        Assert.Contains("Hangfire", recurring);
    }

    private async Task DoAsync(string number, string action, object fields) =>
        await ExpectAsync(await _api.ActAsync(Supervisor, number, action, fields), HttpStatusCode.OK);

    private async Task<List<OutboxMessage>> RowsOfAsync(IEnumerable<string> numbers)
    {
        var rows = new List<OutboxMessage>();
        foreach (var n in numbers)
        {
            rows.AddRange(await Outbox.RowsAsync(App, n));
        }
        return rows;
    }

    /// <summary>
    /// A browser-like client signed in with the cookie (pages), not a bearer token. A session cookie: a
    /// persistent one would carry an expiry in the fake clock's time, which the client may find already past.
    /// </summary>
    private async Task<HttpClient> CookieClientAsync(string email)
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.PostAsync("/api/v1/auth/login?useCookies=true&useSessionCookies=true",
            TestData.Json(new JsonObject { ["email"] = email, ["password"] = Password }));
        await ExpectAsync(response, HttpStatusCode.OK);
        return client;
    }
}

public sealed class SqliteOutboxDeliveryTests(SqliteMailApp fixture) : OutboxDeliveryTests(fixture), IClassFixture<SqliteMailApp>;

public sealed class PostgresOutboxDeliveryTests(PostgresMailApp fixture) : OutboxDeliveryTests(fixture), IClassFixture<PostgresMailApp>;
