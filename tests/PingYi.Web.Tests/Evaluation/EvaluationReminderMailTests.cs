using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// The daily evaluation reminders end to end on both databases: the job writes outbox rows for the
/// self-evaluation report due 2026-11-30 (the day before, the day after) and for ledger items 7 and 1 days
/// before their due date and the day after; the outbox job delivers them to a real SMTP listener; a second
/// run and two concurrent runs write nothing twice.
/// </summary>
public abstract class EvaluationReminderMailTests(MailAppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<long> LedgerItemAsync(string unit, string due, string problem)
    {
        var body = new JsonObject
        {
            ["unitCode"] = unit, ["source"] = "prior-year", ["problem"] = problem, ["measures"] = "对照问题逐项整改。", ["owner"] = "办公室", ["dueOn"] = due,
        };
        var created = await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2020/ledger", TestData.Json(body));
        return JsonNode.Parse(await ExpectAsync(created, HttpStatusCode.Created))!["id"]!.GetValue<long>();
    }

    private async Task<int> RunAsync()
    {
        var result = await Outbox.RunJobAsync(_api, EvaluationReminders.JobId);
        return result!["written"]!.GetValue<int>();
    }

    private Task<int> RowsAsync(string kind) => Outbox.WithDbAsync(fixture.App, db => db.OutboxMessages.CountAsync(m => m.Kind == kind));

    [Fact]
    public async Task Reminders_reach_the_units_once_through_the_outbox_on_their_days()
    {
        // 2026-11-25 10:00 China. The 2026 round opens; jyt files its report; ledger items for the reminders.
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2026/open", TestData.Json(new JsonObject())), HttpStatusCode.OK);
        using (var form = new MultipartFormDataContent())
        {
            var pdf = new ByteArrayContent(TestData.Pdf);
            pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(pdf, "file", "自评报告.pdf");
            await ExpectAsync(await (await _api.AsAsync(Handler("jyt"))).PostAsync("/api/v1/evaluations/2026/documents/self-evaluation-report", form), HttpStatusCode.Created);
        }
        var dueTomorrow = await LedgerItemAsync("rst", "2026-11-30", "社保窗口办事排长队");
        var dueInAWeek = await LedgerItemAsync("rst", "2026-12-06", "政策解读不到位");
        var overdue = await LedgerItemAsync("jyt", "2026-11-28", "学校迎检材料层层加码");
        var notToday = await LedgerItemAsync("gat", "2026-12-04", "不在提醒日的事项");
        Assert.Equal(0, await RunAsync());

        // 2026-11-29 09:00 China: one day before the report is due.
        fixture.App.Time.SetUtcNow(new DateTimeOffset(2026, 11, 29, 1, 0, 0, TimeSpan.Zero));
        var written = await RunAsync();
        Assert.True(written > 0);
        Assert.Equal(0, await RunAsync());
        var self = await RowsAsync("self-evaluation-reminder");
        var ledger = await RowsAsync("rectification-reminder");
        Assert.Equal(written, self + ledger);
        // rst's two items (1 and 7 days ahead) and jyt's overdue one, each to the unit's handler and contact address.
        Assert.Equal(6, ledger);

        // Two nodes at once, bypassing the job lock: the unique key still lets each message through once.
        fixture.App.Time.SetUtcNow(new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero));
        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var scope = fixture.App.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<EvaluationReminders.Handler>().HandleAsync(CancellationToken.None);
        }));
        Assert.True(runs.Sum(r => r.Written) > 0);
        Assert.Equal(0, await RunAsync());
        var duplicates = await Outbox.WithDbAsync(fixture.App, db => db.OutboxMessages.Where(m => m.DedupKey != null)
            .GroupBy(m => new { m.DedupKey, m.Recipient }).CountAsync(g => g.Count() > 1));
        Assert.Equal(0, duplicates);

        // Deliver and read what the units received.
        // About a hundred messages: the outbox job sends at most a hundred per run.
        await Outbox.RunJobAsync(_api, "outbox");
        await Outbox.RunJobAsync(_api, "outbox");
        var mail = fixture.Smtp.Received;
        var toRst = mail.Where(m => m.To.Mailboxes.Any(a => a.Address == "rst@pingyi.local")).ToList();
        var before = Assert.Single(toRst, m => m.Subject!.StartsWith("【报送提醒】", StringComparison.Ordinal));
        Assert.Equal("【报送提醒】自评情况报告将于 2026年11月30日 截止", before.Subject);
        Assert.Contains("距报送截止还有 1 天", before.TextBody ?? "");
        Assert.Contains("https://pingyi.test/staff/evaluation", before.TextBody ?? "");
        Assert.Single(toRst, m => m.Subject!.StartsWith("【逾期未报】自评情况报告", StringComparison.Ordinal));
        Assert.Single(mail, m => m.To.Mailboxes.Any(a => a.Address == "rst-leader@pingyi.local") && m.Subject!.StartsWith("【报送提醒】", StringComparison.Ordinal));
        Assert.DoesNotContain(mail, m => m.To.Mailboxes.Any(a => a.Address == "jyt@pingyi.local") && m.Subject!.Contains("自评情况报告", StringComparison.Ordinal));

        var itemMail = toRst.Where(m => m.Subject!.StartsWith("【整改", StringComparison.Ordinal)).ToList();
        Assert.Contains(itemMail, m => m.Subject == "【整改提醒】整改事项将于 2026年11月30日 到期" && (m.TextBody ?? "").Contains("社保窗口办事排长队") && (m.TextBody ?? "").Contains($"/staff/evaluation/ledger/{dueTomorrow}?year=2020"));
        Assert.Contains(itemMail, m => m.Subject == "【整改提醒】整改事项将于 2026年12月6日 到期" && (m.TextBody ?? "").Contains("距整改时限还有 7 天") && (m.TextBody ?? "").Contains($"/ledger/{dueInAWeek}?"));
        // 12-01 is the day after rst's 11-30 item: overdue.
        Assert.Contains(itemMail, m => m.Subject!.StartsWith("【整改逾期】", StringComparison.Ordinal) && (m.TextBody ?? "").Contains($"/ledger/{dueTomorrow}?"));
        Assert.Single(mail, m => m.To.Mailboxes.Any(a => a.Address == "jyt@pingyi.local") && m.Subject!.StartsWith("【整改逾期】", StringComparison.Ordinal)
            && (m.TextBody ?? "").Contains($"/ledger/{overdue}?"));
        Assert.DoesNotContain(mail, m => (m.TextBody ?? "").Contains($"/ledger/{notToday}?"));
        // Once each: no recipient got the same subject about the same item twice.
        Assert.All(mail.GroupBy(m => (m.To.ToString(), m.Subject, m.TextBody)), g => Assert.Single(g));
    }
}

public sealed class SqliteEvaluationReminderMailTests(SqliteMailApp fixture) : EvaluationReminderMailTests(fixture), IClassFixture<SqliteMailApp>;

public sealed class PostgresEvaluationReminderMailTests(PostgresMailApp fixture) : EvaluationReminderMailTests(fixture), IClassFixture<PostgresMailApp>;
