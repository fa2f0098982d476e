using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data.Outbox;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Notifications;

/// <summary>
/// SMS through the same outbox to a fake gateway the tests start: what a complainant with a mobile number gets
/// (and never the access code unless asked), the staff opt-in for urgent notices, the gateway going away mid-run
/// (nothing lost, nothing twice), a busy gateway, and masking.
/// </summary>
public abstract class SmsDeliveryTests(SmsAppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private AppFactory App => fixture.App;
    private FakeSmsGateway Gateway => fixture.Gateway;

    private static JsonObject NamedWithMobile(string title, Complainant who, bool smsAccessCode = false)
    {
        var body = Named(StaffApi.Complaint(title), who);
        body["complainant"]!["smsAccessCode"] = smsAccessCode;
        return body;
    }

    [Fact]
    public async Task Lodging_texts_the_tracking_number_and_the_access_code_only_when_asked_and_a_sent_code_is_dropped_from_the_outbox()
    {
        var who = Complainant.Distinct();
        var (plain, plainCode) = await _api.LodgeAsync(NamedWithMobile(Token("短信受理"), who));
        var (asked, askedCode) = await _api.LodgeAsync(NamedWithMobile(Token("短信查询码"), who, smsAccessCode: true));
        var (anonymous, _) = await _api.LodgeAsync(StaffApi.Complaint(Token("匿名无短信")));
        var landline = Named(StaffApi.Complaint(Token("座机无短信")), who with { Phone = "0431-88886666" });
        var (fixedLine, _) = await _api.LodgeAsync(landline);

        Assert.Empty(await Outbox.SmsRowsAsync(App, anonymous));
        Assert.Empty(await Outbox.SmsRowsAsync(App, fixedLine));
        var pending = Assert.Single(await Outbox.SmsRowsAsync(App, asked));
        Assert.True(OutboxMasking.HidesText(pending.Kind));
        Assert.Contains(askedCode, pending.TextBody);

        await Outbox.RunJobAsync(_api, "outbox");
        var texts = Gateway.To(who.Phone);
        var first = Assert.Single(texts, m => m["text"]!.GetValue<string>().Contains(plain));
        Assert.Equal("SMS_LODGED", first["templateId"]!.GetValue<string>());
        Assert.Equal("评议测试", first["signName"]!.GetValue<string>());
        Assert.Equal("pingyi-test", first["account"]!.GetValue<string>());
        Assert.Equal(plain, first["templateParam"]!["tracking_number"]!.GetValue<string>());
        var firstText = first["text"]!.GetValue<string>();
        Assert.DoesNotContain(plainCode, firstText);
        Assert.DoesNotContain(plainCode.Replace("-", ""), firstText);
        Assert.Contains("https://pingyi.test/track", firstText);
        Assert.True(firstText.Length <= 70, $"{firstText.Length} characters: {firstText}");

        var second = Assert.Single(texts, m => m["text"]!.GetValue<string>().Contains(asked));
        Assert.Equal("SMS_LODGED-CODE", second["templateId"]!.GetValue<string>());
        Assert.Contains(askedCode, second["text"]!.GetValue<string>());

        // Sent: the mobile number and, for the code, the text are gone from the row.
        var sent = Assert.Single(await Outbox.SmsRowsAsync(App, asked));
        Assert.Equal(OutboxState.Sent, sent.State);
        Assert.Equal(OutboxMessage.DroppedRecipient, sent.Recipient);
        Assert.Equal(OutboxMessage.DroppedText, sent.TextBody);
        Assert.Null(sent.TemplateParams);
        Assert.DoesNotContain(askedCode, sent.TextBody);
        var plainRow = Assert.Single(await Outbox.SmsRowsAsync(App, plain));
        Assert.Contains(plain, plainRow.TextBody);
        Assert.Equal(first["outId"]!.GetValue<string>(), plainRow.MessageId);
    }

    [Fact]
    public async Task A_complainant_with_a_mobile_hears_of_acceptance_the_answer_with_days_to_rate_and_reopening_and_of_a_decline()
    {
        var who = Complainant.Distinct();
        var (number, code) = await _api.LodgeAsync(NamedWithMobile(Token("短信全程"), who));
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        await _api.DoAsync(Handler("jyt"), number, "respond", new { findings = "经核查情况属实。", measures = "已整改。", publicReply = "已责成整改，今后只报一套材料。" });
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
        await ExpectAsync(await _api.FeedbackAsync(number, code, "dissatisfied", "没有落实"), HttpStatusCode.OK);
        await _api.DoAsync(Supervisor, number, "reopen", new { reason = "群众不满意，重新办理" });
        var (declined, _) = await _api.LodgeAsync(NamedWithMobile(Token("短信不予受理"), who));
        await _api.DoAsync(Supervisor, declined, "decline", new { reason = "不属于受理范围" });

        await Outbox.RunJobAsync(_api, "outbox");
        var about = Gateway.To(who.Phone).Where(m => m["text"]!.GetValue<string>().Contains(number)).Select(m => m["templateId"]!.GetValue<string>()).ToList();
        Assert.Equal(["SMS_ACCEPTED", "SMS_LODGED", "SMS_REOPENED", "SMS_REPLIED"], about.Order(StringComparer.Ordinal));
        var replied = Gateway.To(who.Phone).Single(m => m["templateId"]!.GetValue<string>() == "SMS_REPLIED" && m["text"]!.GetValue<string>().Contains(number));
        Assert.Equal(App.Services.GetRequiredService<PingYi.Web.Infrastructure.WorkflowRuntime>().ForNewComplaint().Deadlines.FeedbackWindowDays,
            replied["templateParam"]!["days"]!.GetValue<int>());
        Assert.Contains("教育厅", Gateway.To(who.Phone).Single(m => m["templateId"]!.GetValue<string>() == "SMS_ACCEPTED" && m["text"]!.GetValue<string>().Contains(number))["text"]!.GetValue<string>());
        Assert.Single(Gateway.To(who.Phone), m => m["templateId"]!.GetValue<string>() == "SMS_DECLINED" && m["text"]!.GetValue<string>().Contains(declined));
        Assert.All(Gateway.To(who.Phone), m => Assert.DoesNotContain(code, m["text"]!.GetValue<string>()));
        // The e-mail still goes as before, beside the SMS.
        Assert.Contains(await Outbox.RowsAsync(App, number), r => r.Kind == "reopened" && r.ToComplainant);
    }

    [Fact]
    public async Task Staff_who_opted_in_get_督办_by_SMS_and_a_催办_is_mail_only()
    {
        const string Mobile = "13700001111";
        await Outbox.WithDbAsync(App, async db =>
        {
            var handler = await db.Users.SingleAsync(u => u.Email == Handler("jyt"));
            handler.PhoneNumber = Mobile;
            handler.SmsUrgentNotices = true;
            return await db.SaveChangesAsync();
        });
        var number = await _api.AssignedAsync(Token("短信督办"));
        await _api.DoAsync(Supervisor, number, "urge", new { note = "请抓紧办理" });
        await _api.DoAsync(Supervisor, number, "supervise", new { reason = "群众多次反映，请限期答复" });
        var rows = await Outbox.SmsRowsAsync(App, number);
        var row = Assert.Single(rows);
        Assert.Equal("supervised", row.Kind);
        Assert.Equal(Mobile, row.Recipient);
        Assert.False(row.ToComplainant);
        Assert.Equal("137****1111", OutboxMasking.Recipient(false, row.Recipient));

        await Outbox.RunJobAsync(_api, "outbox");
        var text = Assert.Single(Gateway.To(Mobile), m => m["text"]!.GetValue<string>().Contains(number))["text"]!.GetValue<string>();
        Assert.Contains("督办", text);
        Assert.Contains($"https://pingyi.test/staff/complaints/{number}", text);
    }

    [Fact]
    public async Task A_gateway_that_goes_away_mid_run_or_is_busy_loses_nothing_and_sends_nothing_twice()
    {
        var numbers = new List<string>();
        var mobiles = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var who = Complainant.Distinct();
            mobiles.Add(who.Phone);
            numbers.Add((await _api.LodgeAsync(NamedWithMobile(Token("网关中断"), who))).TrackingNumber);
        }
        try
        {
            Gateway.StopAfter(2);
            var result = await Outbox.RunJobAsync(_api, "outbox");
            Assert.True(result!["sent"]!.GetValue<int>() >= 2, result.ToJsonString());
            var rows = await RowsOfAsync(numbers);
            Assert.Equal(4, rows.Count);
            Assert.Equal(2, rows.Count(r => r.State == OutboxState.Sent));
            Assert.All(rows.Where(r => r.State != OutboxState.Sent), r => Assert.Equal(OutboxState.Pending, r.State));
            Assert.Contains(rows, r => r.State == OutboxState.Pending && r.Attempts == 1 && r.LastError!.StartsWith("SMS:", StringComparison.Ordinal));

            // Back, but busy: still pending.
            Gateway.Start();
            Gateway.Busy = true;
            App.Time.Advance(TimeSpan.FromMinutes(5));
            await Outbox.RunJobAsync(_api, "outbox");
            Assert.Equal(2, (await RowsOfAsync(numbers)).Count(r => r.State == OutboxState.Pending));
            Assert.Contains(await RowsOfAsync(numbers), r => r.LastError?.Contains("503", StringComparison.Ordinal) == true);
        }
        finally
        {
            Gateway.Busy = false;
            Gateway.Start();
        }
        App.Time.Advance(TimeSpan.FromMinutes(10));
        await Outbox.RunJobAsync(_api, "outbox");
        await Outbox.RunJobAsync(_api, "outbox");
        var all = await RowsOfAsync(numbers);
        Assert.All(all, r => Assert.Equal(OutboxState.Sent, r.State));
        var received = Gateway.Received.Where(m => mobiles.Contains(m["phoneNumber"]!.GetValue<string>())).Select(m => m["outId"]!.GetValue<string>()).ToList();
        Assert.Equal(all.Select(r => r.MessageId).Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Mobile_numbers_are_masked_and_landlines_are_not_texted()
    {
        Assert.Equal("138****5678", OutboxMasking.Recipient(true, "13812345678"));
        Assert.Equal("138****5678", OutboxMasking.Recipient(false, "13812345678"));
        Assert.Equal("13812345678", SmsNotices.Mobile("+86 138 1234 5678"));
        Assert.Null(SmsNotices.Mobile("0431-88886666"));
        Assert.Null(SmsNotices.Mobile(null));
        Assert.True(OutboxMasking.HidesText(SmsTemplates.LodgedWithCode));
        Assert.True(OutboxMasking.HidesText(SmsTemplates.RecoveryCode));
        Assert.False(OutboxMasking.HidesText(SmsTemplates.Lodged));
    }

    [Fact]
    public async Task A_complainant_who_left_only_a_mobile_number_gets_the_sms_notices_without_any_mail()
    {
        var who = Complainant.Distinct();
        var body = StaffApi.Complaint(Token("只留手机"));
        body["anonymous"] = false;
        body["complainant"] = new JsonObject { ["name"] = who.Name, ["phone"] = who.Phone };
        var (number, _) = await _api.LodgeAsync(body);
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        await _api.DoAsync(Handler("jyt"), number, "respond", new { findings = "属实。", measures = "已整改。", publicReply = "已整改。" });
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });

        var texts = await Outbox.SmsRowsAsync(App, number);
        Assert.Equal(["accepted", "lodged", "replied"], texts.Select(r => r.Kind).Order(StringComparer.Ordinal));
        Assert.All(texts, r => Assert.True(r.ToComplainant));
        Assert.DoesNotContain(await Outbox.RowsAsync(App, number), r => r.ToComplainant);
    }

    private async Task<List<OutboxMessage>> RowsOfAsync(IEnumerable<string> numbers)
    {
        var rows = new List<OutboxMessage>();
        foreach (var n in numbers)
        {
            rows.AddRange(await Outbox.SmsRowsAsync(App, n));
        }
        return rows;
    }
}

public sealed class SqliteSmsDeliveryTests(SqliteSmsApp fixture) : SmsDeliveryTests(fixture), IClassFixture<SqliteSmsApp>;

public sealed class PostgresSmsDeliveryTests(PostgresSmsApp fixture) : SmsDeliveryTests(fixture), IClassFixture<PostgresSmsApp>;
