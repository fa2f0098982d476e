using Microsoft.EntityFrameworkCore;
using MimeKit;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Notifications;

/// <summary>
/// The unit hears how its requests were decided and that its answer was sent back (退回重办 with its reason and
/// rework deadline), supervisors hear that a unit answered or filed a request, and a late sweep's notices of one
/// case reach each recipient as one mail stating the level reached — all read from the real SMTP listener.
/// </summary>
public abstract class CaseNoticeTests(MailAppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private AppFactory App => fixture.App;
    private SmtpSink Smtp => fixture.Smtp;

    private static readonly string[] Unit = ["jyt-leader@pingyi.local", "jyt@pingyi.local"];
    private static readonly string[] Supervisors = ["admin@pingyi.local", "supervisor@pingyi.local"];
    private static readonly string JytHandler = Handler("jyt");

    /// <summary>Runs the outbox job and waits until the listener has recorded every message about the case (it records the last ones of a session a moment after accepting them).</summary>
    private async Task<List<MimeMessage>> DeliveredAsync(string number)
    {
        await Outbox.RunJobAsync(_api, "outbox");
        var sent = (await Outbox.RowsAsync(App, number)).Count(r => r.State == PingYi.Data.Outbox.OutboxState.Sent);
        for (var wait = 0; wait < 50 && Smtp.About(number).Count < sent; wait++)
        {
            await Task.Delay(100);
        }
        return Smtp.About(number).ToList();
    }

    private static string[] To(IEnumerable<MimeMessage> mails) =>
        mails.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The mails not among <paramref name="before"/> (the listener does not keep arrival order) whose subject starts with <paramref name="prefix"/>.</summary>
    private static List<MimeMessage> New(List<MimeMessage> all, HashSet<string> before, string prefix = "") =>
        all.Where(m => !before.Contains(m.MessageId ?? "") && (m.Subject ?? "").StartsWith(prefix, StringComparison.Ordinal)).ToList();

    private static HashSet<string> Ids(List<MimeMessage> mails) => mails.Select(m => m.MessageId ?? "").ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task Extension_and_return_decisions_reach_the_unit_and_the_units_requests_reach_supervisors()
    {
        var number = await _api.AssignedAsync(Token("延期退回"));
        var seen = Ids(await DeliveredAsync(number));

        await _api.DoAsync(JytHandler, number, "request-extension", new { workingDays = 5, reason = "需调取三个区县的材料" });
        var mails = await DeliveredAsync(number);
        var asked = New(mails, seen, "【延期申请】");
        Assert.Equal(Supervisors, To(asked));
        Assert.All(asked, m =>
        {
            Assert.Contains("5 个工作日", m.Subject);
            Assert.Contains("延期理由：需调取三个区县的材料", m.TextBody);
            Assert.Contains($"https://pingyi.test/staff/complaints/{number}", m.TextBody);
        });
        Assert.DoesNotContain(New(mails, seen), m => Unit.Contains(m.To.Mailboxes.Single().Address));
        seen = Ids(mails);

        var view = await _api.DoAsync(Supervisor, number, "approve-extension", new { note = "同意延期" });
        var deadline = ChinaDeadline(Date(view["dueAt"])!.Value);
        mails = await DeliveredAsync(number);
        var approved = New(mails, seen, "【延期已同意】");
        Assert.Equal(Unit, To(approved));
        Assert.All(approved, m =>
        {
            Assert.Contains(deadline, m.Subject);
            Assert.Contains($"延长后的办理期限：{deadline}", m.TextBody);
            Assert.Contains("审批意见：同意延期", m.TextBody);
        });
        seen = Ids(mails);

        await _api.DoAsync(JytHandler, number, "request-extension", new { workingDays = 10, reason = "再次申请" });
        await _api.DoAsync(Supervisor, number, "reject-extension", new { reason = "期限已延长过一次" });
        mails = await DeliveredAsync(number);
        var refused = New(mails, seen, "【延期未同意】");
        Assert.Equal(Unit, To(refused));
        Assert.All(refused, m =>
        {
            Assert.Contains("不同意理由：期限已延长过一次", m.TextBody);
            Assert.Contains($"办理期限：{deadline}", m.TextBody);
        });
        seen = Ids(mails);

        await _api.DoAsync(JytHandler, number, "request-return", new { reason = "该事项属公安厅职责" });
        mails = await DeliveredAsync(number);
        var returnAsked = New(mails, seen, "【退回申请】");
        Assert.Equal(Supervisors, To(returnAsked));
        Assert.All(returnAsked, m => Assert.Contains("退回理由：该事项属公安厅职责", m.TextBody));
        seen = Ids(mails);
        await _api.DoAsync(Supervisor, number, "reject-return", new { reason = "经核属教育厅职责" });
        mails = await DeliveredAsync(number);
        var returnRefused = New(mails, seen, "【退回未同意】");
        Assert.Equal(Unit, To(returnRefused));
        Assert.All(returnRefused, m => Assert.Contains("不同意理由：经核属教育厅职责", m.TextBody));
        seen = Ids(mails);

        await _api.DoAsync(JytHandler, number, "request-return", new { reason = "确属公安厅职责" });
        await _api.DoAsync(Supervisor, number, "approve-return", new { note = "同意退回" });
        mails = await DeliveredAsync(number);
        var returned = New(mails, seen, "【退回已同意】");
        Assert.Equal(Unit, To(returned));
        Assert.All(returned, m => Assert.Contains("无需继续办理", m.TextBody));
    }

    [Fact]
    public async Task An_answer_tells_supervisors_and_a_send_back_tells_the_unit_its_reason_and_rework_deadline()
    {
        var title = Token("退回重办");
        var number = await _api.AssignedAsync(title);
        var seen = Ids(await DeliveredAsync(number));

        await _api.DoAsync(JytHandler, number, "respond", new { findings = "经查属实。", measures = "已整改。", publicReply = "已整改，感谢监督。" });
        var mails = await DeliveredAsync(number);
        var answered = New(mails, seen, "【待审核】");
        Assert.Equal(Supervisors, To(answered));
        Assert.All(answered, m => Assert.Contains("教育厅", m.Subject));
        seen = Ids(mails);

        var view = await _api.DoAsync(Supervisor, number, "send-back", new { reason = "整改措施不具体" });
        var rework = ChinaDeadline(Date(view["dueAt"])!.Value);
        mails = await DeliveredAsync(number);
        var sentBack = New(mails, seen);
        Assert.Equal(Unit, To(sentBack));
        Assert.All(sentBack, m =>
        {
            Assert.Equal($"【退回重办】{number} {title}", m.Subject);
            Assert.Contains("退回重办理由：整改措施不具体", m.TextBody);
            Assert.Contains($"重办期限：{rework}", m.TextBody);
            Assert.DoesNotContain("交办意见", m.TextBody);
            Assert.Contains("整改措施不具体", m.HtmlBody);
        });
    }

    /// <summary>
    /// The clock jumps past the deadline and both further escalation levels; one sweep fires 超期, 2级 and 3级
    /// together. Each unit address and each supervisor gets one mail, saying 3级.
    /// </summary>
    [Fact]
    public async Task A_late_sweep_sends_one_mail_per_recipient_stating_the_level_reached()
    {
        var number = await _api.AssignedAsync(Token("迟到的扫描"));
        var seen = Ids(await DeliveredAsync(number));
        var due = Date((await _api.StaffViewAsync(Supervisor, number))["dueAt"])!.Value;
        var later = new DateTimeOffset(due.AddDays(40), TimeSpan.Zero);
        if (later > App.Time.GetUtcNow())
        {
            App.Time.SetUtcNow(later);
        }

        await Outbox.RunJobAsync(_api, "sweep-timers");
        var level = (await _api.StaffViewAsync(Supervisor, number))["escalationLevel"]?.GetValue<int>();
        Assert.Equal(3, level);
        var mails = New(await DeliveredAsync(number), seen);
        Assert.Equal([.. Unit.Concat(Supervisors).Order(StringComparer.Ordinal)], To(mails));
        Assert.All(mails, m =>
        {
            Assert.Equal($"【超期升级】{number} 已升至3级", m.Subject);
            Assert.Contains("升级级别：3级", m.TextBody);
        });
        var rows = await Outbox.RowsAsync(App, number);
        Assert.Equal(4, rows.Count(r => r.Kind == "escalated"));
        Assert.DoesNotContain(rows, r => r.Kind == "overdue");
    }

    [Fact]
    public async Task The_accept_overdue_mail_names_the_unit_complained_about_and_the_accept_deadline()
    {
        var (number, _) = await _api.LodgeAsync(Token("受理超期"));
        var acceptBy = Date((await _api.StaffViewAsync(Supervisor, number))["dueAt"])!.Value;
        var later = new DateTimeOffset(acceptBy.AddHours(1), TimeSpan.Zero);
        if (later > App.Time.GetUtcNow())
        {
            App.Time.SetUtcNow(later);
        }
        await Outbox.RunJobAsync(_api, "sweep-timers");
        var mails = (await DeliveredAsync(number)).Where(m => (m.Subject ?? "").StartsWith("【受理超期】", StringComparison.Ordinal)).ToList();
        Assert.Equal(Supervisors, To(mails));
        Assert.All(mails, m =>
        {
            Assert.Contains("被反映单位：省教育厅", m.TextBody);
            Assert.Contains($"受理期限：{ChinaDeadline(acceptBy)}", m.TextBody);
            Assert.Contains("被反映单位", m.HtmlBody);
        });
    }

    private static string ChinaDeadline(DateTime dueUtc) => PingYi.Domain.Common.ChinaTime.FormatDeadline(dueUtc);
}

public sealed class SqliteCaseNoticeTests(SqliteMailApp fixture) : CaseNoticeTests(fixture), IClassFixture<SqliteMailApp>;

public sealed class PostgresCaseNoticeTests(PostgresMailApp fixture) : CaseNoticeTests(fixture), IClassFixture<PostgresMailApp>;

/// <summary>With <c>Mail:SupervisorNotices=Digest</c> a unit's answer and requests wait for the supervisors' daily digest.</summary>
public abstract class SupervisorDigestTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Answers_and_requests_go_into_the_daily_digest_instead_of_a_mail_each()
    {
        using var app = AppFactory.Create(provider, new Dictionary<string, string?>
        {
            ["Mail:BaseUrl"] = "https://pingyi.test",
            ["Mail:QuietHours"] = "false",
            ["Mail:SupervisorNotices"] = "Digest",
        });
        var api = StaffApi.For(app);
        var answered = await api.AssignedAsync(Token("摘要审核"));
        var extending = await api.AssignedAsync(Token("摘要延期"));
        await api.DoAsync(Handler("jyt"), answered, "respond", new { findings = "经查属实。", measures = "已整改。", publicReply = "已整改。" });
        await api.DoAsync(Handler("jyt"), extending, "request-extension", new { workingDays = 3, reason = "材料较多" });
        foreach (var number in new[] { answered, extending })
        {
            Assert.DoesNotContain(await Outbox.RowsAsync(app, number), r => r.Kind is "responded" or "extension-requested");
        }

        // The next working day at 08:30 China time.
        var day = DateOnly.FromDateTime(app.Time.GetUtcNow().UtcDateTime.AddHours(8)).AddDays(1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }
        app.Time.SetUtcNow(new DateTimeOffset(day.ToDateTime(new TimeOnly(0, 30)), TimeSpan.Zero));
        var result = await Outbox.RunJobAsync(api, "daily-digest");
        Assert.True(result!["written"]!.GetValue<int>() >= 2, result.ToJsonString());
        var digests = await Outbox.WithDbAsync(app, db => db.OutboxMessages.AsNoTracking().Where(m => m.Kind == "digest").ToListAsync());
        Assert.Equal(["admin@pingyi.local", "supervisor@pingyi.local"], digests.Select(d => d.Recipient).Order(StringComparer.Ordinal));
        Assert.All(digests, d =>
        {
            Assert.Contains("待审核审批 2 件", d.Subject);
            Assert.Contains($"{answered} ", d.TextBody);
            Assert.Contains("待审核办理情况", d.TextBody);
            Assert.Contains("延期申请 3 个工作日", d.TextBody);
            Assert.Contains($"https://pingyi.test/staff/complaints/{extending}", d.TextBody);
        });
    }
}

public sealed class SqliteSupervisorDigestTests() : SupervisorDigestTests(DatabaseProvider.Sqlite);

public sealed class PostgresSupervisorDigestTests() : SupervisorDigestTests(DatabaseProvider.Postgres);
