using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Notifications;

namespace PingYi.Web.Tests.Notifications;

/// <summary>Every template file renders, with a Chinese one-line subject and the case's data, and HTML escapes what it is given.</summary>
public sealed class MailTemplateTests
{
    private static readonly MailTemplates Templates = new(MailTemplates.DefaultDirectory);

    private static readonly MailModel Case = new()
    {
        TrackingNumber = "PY-2026-000123",
        Title = "学校迎检材料层层加码",
        UnitName = "省教育厅",
        Deadline = "2026-12-16 24:00",
        ReplyDeadline = "2026-11-30 24:00",
        Level = 2,
        Note = "请于三日内答复 <b>务必</b> & 落实",
        Reference = "DB-2026-0007",
        Link = "https://pingyi.test/staff/complaints/PY-2026-000123",
        PublicReply = "已撤销重复材料要求并通报。",
    };

    public static TheoryData<string> Names => [.. MailTemplates.AllNames];

    [Fact]
    public void Every_notice_kind_has_a_template()
    {
        Assert.Equal(Enum.GetValues<NoticeKind>().Order(), MailTemplates.NameOf.Keys.Order());
        // One per notice kind (the 督办 and 签收 reminders and escalations, and the two "deadline recounted" notices included),
        // the five of 中止 (request, approval to the unit and to the complainant, refusal, resume), the digest, the one-time
        // password link, the two evaluation reminders, the access-code recovery code and a warned unit's digest (预警).
        Assert.Equal(40, MailTemplates.AllNames.Count());
    }

    public static TheoryData<string> SmsNames => [.. SmsTemplates.Names];

    [Theory]
    [MemberData(nameof(SmsNames))]
    public void Every_sms_renders_on_one_line_within_one_message_where_it_can(string name)
    {
        var sms = new SmsTemplates(MailTemplates.DefaultDirectory).Render(name, new SmsModel
        {
            TrackingNumber = "ZTC-2026-000123",
            UnitName = "省教育厅",
            Link = "https://pingyi.example.gov.cn/track",
            Code = "ABCD-EFGH-JKMN",
            Days = 15,
            Reference = "DB-2026-0007",
            ReplyDeadline = "12月18日24:00",
            Minutes = 15,
        });
        Assert.DoesNotContain("{{", sms.Text);
        Assert.DoesNotContain('\n', sms.Text);
        Assert.Contains("ZTC-2026-000123", sms.Text);
        Assert.Contains("\"tracking_number\":\"ZTC-2026-000123\"", sms.TemplateParams);
        // 70 characters make one SMS (the 签名 counts too); the code-bearing ones are allowed to run a little longer.
        if (name is not (SmsTemplates.LodgedWithCode or SmsTemplates.RecoveryCode or "supervised"))
        {
            Assert.True(sms.Text.Length + "【评议】".Length <= 70, $"{name}: {sms.Text.Length} characters: {sms.Text}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Renders_with_a_chinese_subject_text_and_html(string name)
    {
        var model = name == MailTemplates.Digest ? Digest : Case;
        var mail = Templates.Render(name, model);

        Assert.True(mail.Subject.Length is > 4 and < 120, mail.Subject);
        Assert.DoesNotContain('\n', mail.Subject);
        Assert.Contains(mail.Subject, c => c is >= '\u4e00' and <= '\u9fff');
        foreach (var part in new[] { mail.Subject, mail.Text, mail.Html })
        {
            Assert.DoesNotContain("{{", part);
            Assert.DoesNotContain("{%", part);
        }
        Assert.StartsWith("<!DOCTYPE html>", mail.Html);
        Assert.Contains("lang=\"zh-CN\"", mail.Html);
        var number = name == MailTemplates.Digest ? "PY-2026-000301" : Case.TrackingNumber;
        Assert.Contains(number, mail.Text);
        Assert.Contains(number, mail.Html);
        Assert.Contains(name == MailTemplates.Digest ? "https://pingyi.test/staff/complaints/PY-2026-000301" : Case.Link, mail.Text);
        // Whatever a supervisor typed is text in the HTML, never markup.
        Assert.DoesNotContain("<b>", mail.Html);
    }

    [Fact]
    public void Each_template_says_what_its_notice_is_about()
    {
        Assert.Equal("【交办】PY-2026-000123 学校迎检材料层层加码", Templates.Render("assigned", Case).Subject);
        Assert.Contains("办理期限：2026-12-16 24:00", Templates.Render("assigned", Case).Text);
        Assert.Contains("办理期限：2026-12-16 24:00（剩余 15 个工作日）", Templates.Render("assigned", Case with { Remaining = "剩余 15 个工作日" }).Text);
        Assert.Contains("2026-12-16 24:00（超期 2 个工作日）", Templates.Render("overdue", Case with { Remaining = "超期 2 个工作日" }).Html);
        Assert.Contains("交办意见：请于三日内答复 <b>务必</b> & 落实", Templates.Render("assigned", Case).Text);
        Assert.Contains("请于三日内答复 &lt;b&gt;务必&lt;/b&gt; &amp; 落实", Templates.Render("urged", Case).Html);
        Assert.Equal("【超期升级】PY-2026-000123 已升至2级", Templates.Render("escalated", Case).Subject);
        Assert.Contains("列入督办台", Templates.Render("escalated", Case).Text);
        Assert.DoesNotContain("列入督办台", Templates.Render("escalated", Case with { Level = 1 }).Text);
        Assert.Contains("DB-2026-0007", Templates.Render("supervised", Case).Subject);
        Assert.Contains("DB-2026-0007", Templates.Render("supervision-overdue", Case).Subject);
        Assert.Contains("已撤销重复材料要求并通报。", Templates.Render("replied", Case).Text);
        Assert.Contains("2026-12-16 24:00", Templates.Render("deadline-reminder", Case).Subject);
        Assert.Equal("【退回重办】PY-2026-000123 学校迎检材料层层加码", Templates.Render("sent-back", Case).Subject);
        Assert.Contains("重办期限：2026-12-16 24:00", Templates.Render("sent-back", Case).Text);
        Assert.Contains("退回重办理由：请于三日内答复", Templates.Render("sent-back", Case).Text);
        Assert.Contains("2026-12-16 24:00", Templates.Render("extension-approved", Case).Subject);
        Assert.Contains("申请延长：5 个工作日", Templates.Render("extension-requested", Case with { ExtensionDays = 5 }).Text);
        var digest = Templates.Render("digest", Digest);
        Assert.Equal("【每日督办】2026-12-21 超期反映 2 件", digest.Subject);
        Assert.Contains("省教育厅（1 件）", digest.Text);
        Assert.Contains("超期 4 个工作日｜2级（升级）", digest.Text);
    }

    private static readonly MailModel Digest = new()
    {
        Date = "2026-12-21",
        CaseCount = 2,
        Link = "https://pingyi.test/staff/oversight",
        Units =
        [
            new DigestUnit("省教育厅", [new DigestCase("PY-2026-000301", "迎检材料", "2026-12-15 24:00", 4, 2, "https://pingyi.test/staff/complaints/PY-2026-000301") { Standing = "超期 4 个工作日" }]),
            new DigestUnit("省公安厅", [new DigestCase("PY-2026-000302", "窗口推诿", "2026-12-18 24:00", 1, 1, "https://pingyi.test/staff/complaints/PY-2026-000302") { Standing = "超期 1 个工作日" }]),
        ],
    };
}

/// <summary>The quiet-hours rule against the shipped 2026 calendar (holidays and 调休 working weekends).</summary>
public sealed class QuietHoursRuleTests
{
    private static readonly WorkingDayCalendar Calendar =
        WorkingDayCalendar.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "workflows", "calendars", "cn"));

    [Theory]
    // Wednesday 10:00 China time: at once.
    [InlineData("2026-04-01T02:00:00Z", "2026-04-01T02:00:00Z")]
    // Wednesday 07:00: the same morning at 08:30.
    [InlineData("2026-03-31T23:00:00Z", "2026-04-01T00:30:00Z")]
    // Wednesday 18:00 sharp is evening already: Thursday 08:30.
    [InlineData("2026-04-01T10:00:00Z", "2026-04-02T00:30:00Z")]
    // Friday 20:00 before 清明 (Sat 4 – Mon 6 April off): Tuesday 08:30.
    [InlineData("2026-04-03T12:00:00Z", "2026-04-07T00:30:00Z")]
    // Saturday 14 February 2026 is a 调休 working day: 10:00 goes at once.
    [InlineData("2026-02-14T02:00:00Z", "2026-02-14T02:00:00Z")]
    // Friday 13 February 2026 evening: the 调休 Saturday morning.
    [InlineData("2026-02-13T11:00:00Z", "2026-02-14T00:30:00Z")]
    public void Staff_mail_waits_for_the_next_working_morning(string generated, string expected)
    {
        var at = DateTime.Parse(generated, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var want = DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.Equal(want, QuietHours.NextWorkingTimeUtc(at, Calendar));
    }
}
