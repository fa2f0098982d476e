using MimeKit;
using PingYi.Data.Outbox;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Notifications;

/// <summary>
/// 中止 (workflow v4) through the outbox, read from the real SMTP listener: supervisors hear of the unit's request as of
/// its other requests; a refusal and a resume reach the unit; an approval reaches the unit and the complainant (mail and
/// SMS), saying why, what is expected of them and the latest day it resumes, never with the access code.
/// </summary>
public abstract class SuspensionNoticeTests(MailAppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private AppFactory App => fixture.App;
    private SmtpSink Smtp => fixture.Smtp;

    private static readonly string[] Unit = ["jyt-leader@pingyi.local", "jyt@pingyi.local"];
    private static readonly string[] Supervisors = ["admin@pingyi.local", "supervisor@pingyi.local"];
    private static readonly string JytHandler = Handler("jyt");

    private const string Reason = "需核实反映人所述窗口办理时间";
    private const string Expectation = "请补充办理回执或排队小票的照片";

    private async Task<List<MimeMessage>> DeliveredAsync(string number)
    {
        await Outbox.RunJobAsync(_api, "outbox");
        var sent = (await Outbox.RowsAsync(App, number)).Count(r => r.State == OutboxState.Sent);
        for (var wait = 0; wait < 50 && Smtp.About(number).Count < sent; wait++)
        {
            await Task.Delay(100);
        }
        return Smtp.About(number).ToList();
    }

    private static string[] To(IEnumerable<MimeMessage> mails) =>
        mails.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal).ToArray();

    private static List<MimeMessage> New(List<MimeMessage> all, HashSet<string> before, string prefix = "") =>
        all.Where(m => !before.Contains(m.MessageId ?? "") && (m.Subject ?? "").StartsWith(prefix, StringComparison.Ordinal)).ToList();

    private static HashSet<string> Ids(List<MimeMessage> mails) => mails.Select(m => m.MessageId ?? "").ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task Request_refusal_approval_and_resume_of_a_suspension_each_reach_who_must_act_and_the_complainant_learns_why_and_what_to_do()
    {
        var who = Complainant.Distinct();
        var (number, accessCode) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("中止通知")), who));
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        var seen = Ids(await DeliveredAsync(number));

        // The unit asks: the supervisors are told, with the reason and what the complainant should do; the unit is not.
        await _api.DoAsync(JytHandler, number, "request-suspension", new { reason = Reason, expectation = Expectation });
        var mails = await DeliveredAsync(number);
        var asked = New(mails, seen, "【中止申请】");
        Assert.Equal(Supervisors, To(asked));
        Assert.All(asked, m =>
        {
            Assert.Contains("省教育厅", m.Subject);
            Assert.Contains($"中止理由：{Reason}", m.TextBody);
            Assert.Contains($"需反映人配合的事项：{Expectation}", m.TextBody);
            Assert.Contains($"https://pingyi.test/staff/complaints/{number}", m.TextBody);
        });
        Assert.Equal(asked.Count, New(mails, seen).Count);
        seen = Ids(mails);

        // Refused: the unit is told why, and that its deadline runs on.
        await _api.DoAsync(Supervisor, number, "reject-suspension", new { reason = "可电话联系反映人核实" });
        mails = await DeliveredAsync(number);
        var refused = New(mails, seen);
        Assert.Equal(Unit, To(refused));
        Assert.All(refused, m =>
        {
            Assert.Equal($"【中止未同意】{number} 办理期限照常计算", m.Subject);
            Assert.Contains("不同意理由：可电话联系反映人核实", m.TextBody);
            Assert.Contains("办理期限：", m.TextBody);
        });
        seen = Ids(mails);

        // Approved: the unit and the complainant are told; the complainant by mail and by SMS.
        await _api.DoAsync(JytHandler, number, "request-suspension", new { reason = Reason, expectation = Expectation });
        await DeliveredAsync(number);
        seen = Ids(Smtp.About(number).ToList());
        var view = await _api.DoAsync(Supervisor, number, "approve-suspension", new { note = "同意，等待反映人补充" });
        Assert.Equal("suspended", view["status"]!.GetValue<string>());
        var sms = Assert.Single(await Outbox.SmsRowsAsync(App, number), r => r.Kind == "suspended");
        Assert.Equal(who.Phone, sms.Recipient);
        Assert.True(sms.ToComplainant);
        Assert.Contains(number, sms.TextBody);
        Assert.Contains("已中止", sms.TextBody);
        Assert.Contains("/track", sms.TextBody);
        Assert.DoesNotContain(accessCode, sms.TextBody);
        Assert.DoesNotContain(accessCode.Replace("-", ""), sms.TextBody);

        mails = await DeliveredAsync(number);
        var approved = New(mails, seen, "【同意中止】");
        Assert.Equal(Unit, To(approved));
        var toComplainant = Assert.Single(New(mails, seen), m => m.To.Mailboxes.Single().Address == who.Email);
        Assert.Equal(approved.Count + 1, New(mails, seen).Count);
        var resumeBy = Assert.Single(approved.Select(m => System.Text.RegularExpressions.Regex.Match(m.TextBody ?? "", "最迟恢复办理：(.+)").Groups[1].Value.Trim()).Distinct());
        Assert.EndsWith("24:00", resumeBy);
        Assert.All(approved, m =>
        {
            Assert.Contains("办理期限暂停计算", m.TextBody);
            Assert.Contains($"中止理由：{Reason}", m.TextBody);
            Assert.Contains("审批意见：同意，等待反映人补充", m.TextBody);
        });
        Assert.Equal($"您反映的问题已中止办理（{number}）", toComplainant.Subject);
        Assert.Contains($"中止理由：{Reason}", toComplainant.TextBody);
        Assert.Contains($"需要您配合的事项：{Expectation}", toComplainant.TextBody);
        Assert.Contains($"最迟恢复办理：{resumeBy}", toComplainant.TextBody);
        Assert.Contains("https://pingyi.test/track", toComplainant.TextBody);
        Assert.DoesNotContain("审批意见", toComplainant.TextBody);
        foreach (var part in new[] { toComplainant.Subject, toComplainant.TextBody, toComplainant.HtmlBody })
        {
            Assert.DoesNotContain(accessCode, part);
            Assert.DoesNotContain(accessCode.Replace("-", ""), part);
        }
        seen = Ids(mails);

        // Resumed by a supervisor: the unit is told its new deadline.
        view = await _api.DoAsync(Supervisor, number, "resume", new { note = "反映人已电话说明" });
        var due = PingYi.Domain.Common.ChinaTime.FormatDeadline(Date(view["dueAt"])!.Value);
        mails = await DeliveredAsync(number);
        var resumed = New(mails, seen);
        Assert.Equal(Unit, To(resumed));
        Assert.All(resumed, m =>
        {
            Assert.Equal($"【恢复办理】{number} 办理期限重新计算", m.Subject);
            Assert.Contains($"办理期限：{due}", m.TextBody);
        });

        // Nothing a unit or a supervisor received names the complainant or carries their contact.
        var staffMails = Smtp.About(number).Where(m => m.To.Mailboxes.Single().Address != who.Email).ToList();
        Assert.NotEmpty(staffMails);
        Assert.All(staffMails, m => Assert.All(who.Secrets, secret =>
        {
            Assert.DoesNotContain(secret, m.TextBody);
            Assert.DoesNotContain(secret, m.HtmlBody);
        }));
    }

    [Fact]
    public async Task An_anonymous_case_suspended_writes_nothing_for_the_complainant()
    {
        var (number, _) = await _api.LodgeAsync(Token("匿名中止"));
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        await _api.DoAsync(JytHandler, number, "request-suspension", new { reason = Reason, expectation = Expectation });
        await _api.DoAsync(Supervisor, number, "approve-suspension", new { });

        var rows = await Outbox.RowsAsync(App, number);
        Assert.Contains(rows, r => r.Kind == "suspension-approved");
        Assert.DoesNotContain(rows, r => r.ToComplainant);
        Assert.Empty(await Outbox.SmsRowsAsync(App, number));
    }
}

public sealed class SqliteSuspensionNoticeTests(SqliteMailApp fixture) : SuspensionNoticeTests(fixture), IClassFixture<SqliteMailApp>;

public sealed class PostgresSuspensionNoticeTests(PostgresMailApp fixture) : SuspensionNoticeTests(fixture), IClassFixture<PostgresMailApp>;
