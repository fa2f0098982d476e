using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// Issue 25's done-means journey, all on phones: a supervisor registers a complaint taken by phone (来电登记) with the
/// caller's mobile number; the caller's SMS (the Development pickup file) carries the tracking number and not the
/// access code; the caller, having lost the code, recovers it on /track with a one-time code sent by SMS (the old code
/// stops working); the case is assigned, answered and approved; the caller rates the answer with the new code.
/// </summary>
public sealed partial class ChannelsJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string SupervisorEmail = "supervisor@pingyi.local";
    private const string HandlerEmail = "jyt@pingyi.local";

    private const string CallerName = "司马青禾";
    private const string CallerMobile = "13712345678";
    private const string Title = "来电反映：毕业证明开具一拖再拖";
    private const string Description = "来电人称十一月初向省教育厅申请开具学历证明，至今三周仍未办理，电话询问多次被推诿。";
    private const string PublicReply = "经核实，证明已于本周开具并寄出，我厅已对经办人员批评教育。";

    [Fact]
    public async Task A_phone_complaint_is_registered_texted_recovered_by_sms_answered_and_rated_with_the_new_code()
    {
        await using var supervisorContext = await fixture.NewPhoneContextAsync();
        await using var handlerContext = await fixture.NewPhoneContextAsync();
        await using var callerContext = await fixture.NewPhoneContextAsync();
        var supervisor = await supervisorContext.NewPageAsync();
        var handler = await handlerContext.NewPageAsync();
        var caller = await callerContext.NewPageAsync();
        var problems = new[] { supervisor, handler, caller }.Select(p => PageChecks.WatchForProblems(p, output)).ToList();

        // 1. The supervisor registers the call: 来电 (the default), received now, with the caller's mobile number.
        await SignInAsync(supervisor, SupervisorEmail);
        await supervisor.GotoAsync("/staff/complaints/register");
        await Expect(supervisor.Locator("input[name='Channel'][value='phone']")).ToBeCheckedAsync();
        await Expect(supervisor.Locator("#receivedAt")).ToHaveValueAsync("2026-11-25T10:00");
        await supervisor.Locator("#unit").SelectOptionAsync(new SelectOptionValue { Value = "jyt" });
        await supervisor.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "bureaucratism" });
        await supervisor.Locator("#title").FillAsync(Title);
        await supervisor.Locator("#description").FillAsync(Description);
        await supervisor.Locator("input[name='Input.Anonymous'][value='false']").CheckAsync();
        await supervisor.Locator("#name").FillAsync(CallerName);
        await supervisor.Locator("#phone").FillAsync(CallerMobile);
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the registration form");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "登记", Exact = true }).ClickAsync();
        await Expect(supervisor.Locator("#receipt")).ToContainTextAsync("来电");
        await Expect(supervisor.Locator("#texted")).ToBeVisibleAsync();
        await Expect(supervisor.Locator("#recovery-hint")).ToBeVisibleAsync();
        var trackingNumber = (await supervisor.Locator("#tracking-number").InnerTextAsync()).Trim();
        var oldCode = (await supervisor.Locator("#access-code").InnerTextAsync()).Trim();
        Assert.Matches(@"^ZTC-\d{4}-\d{6}$", trackingNumber);
        await PageChecks.ScreenshotAsync(supervisor, output, "40-register-receipt", fullPage: false);

        // The staff view records the channel; the receipt's access code is shown once, on the receipt only.
        await supervisor.GetByRole(AriaRole.Link, new() { Name = "查看案件" }).ClickAsync();
        await Expect(supervisor.Locator("#channel")).ToHaveTextAsync("来电");
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("待受理");

        // 2. The caller's phone gets the 受理 SMS: the tracking number, never the access code (they did not ask for it).
        await fixture.DeliverOutboxAsync();
        var lodged = Assert.Single(SmsOfKind("lodged"));
        Assert.Contains(trackingNumber, lodged, StringComparison.Ordinal);
        Assert.DoesNotContain(oldCode, lodged, StringComparison.Ordinal);
        Assert.DoesNotContain(oldCode.Replace("-", "", StringComparison.Ordinal), lodged, StringComparison.Ordinal);
        output.WriteLine("受理 SMS: " + lodged);
        fixture.Time.Advance(TimeSpan.FromHours(1));

        // 3. The caller has lost the code: /track → 找回查询码 with the number and the mobile; the page says the same
        //    whatever the contact, and the one-time code comes by SMS only.
        await caller.GotoAsync("/track");
        await caller.Locator("#recover-link").ClickAsync();
        await Expect(caller).ToHaveURLAsync(new Regex("/track/recover$"));
        await Expect(caller.Locator("#anonymous-note")).ToContainTextAsync("匿名反映");
        await caller.Locator("#trackingNumber").FillAsync(trackingNumber);
        await caller.Locator("#contact").FillAsync(CallerMobile);
        await caller.GetByRole(AriaRole.Button, new() { Name = "发送验证码" }).ClickAsync();
        await Expect(caller.Locator("#requested")).ToContainTextAsync("如果联系方式与反映时留下的一致");
        await fixture.DeliverOutboxAsync();
        var recoverySms = Assert.Single(SmsOfKind("recovery-code"));
        var oneTime = OneTimeCode().Match(recoverySms).Groups[1].Value;
        Assert.Matches("^[0-9]{6}$", oneTime);
        Assert.DoesNotContain(oneTime, await caller.ContentAsync(), StringComparison.Ordinal);
        await caller.Locator("#code").FillAsync(oneTime);
        await caller.GetByRole(AriaRole.Button, new() { Name = "设置新查询码" }).ClickAsync();
        await Expect(caller.Locator("#recovered")).ToContainTextAsync("原查询码已作废");
        var newCode = (await caller.Locator("#new-access-code").InnerTextAsync()).Trim();
        Assert.NotEqual(oldCode, newCode);
        await PageChecks.AssertNoHorizontalScrollAsync(caller, "the recovery page with the new code");
        await PageChecks.ScreenshotAsync(caller, output, "41-track-recovered", fullPage: false);

        // The new code opens the case at once ("去查询进度"), on a 390 px phone.
        await caller.Locator("#open-case").ClickAsync();
        await Expect(caller.Locator("#tracking-number")).ToHaveTextAsync(trackingNumber);
        await Expect(caller.Locator("#status")).ToHaveTextAsync("待受理");
        await PageChecks.AssertNoHorizontalScrollAsync(caller, "/track after the recovery");
        await PageChecks.ScreenshotAsync(caller, output, "42-track-after-recovery", fullPage: false);

        // The old code opens nothing any more.
        await TrackAsync(caller, trackingNumber, oldCode);
        await Expect(caller.Locator("#form-errors")).ToBeVisibleAsync();
        await Expect(caller.Locator("#complaint")).ToHaveCountAsync(0);
        fixture.Time.Advance(TimeSpan.FromHours(1));

        // 4. Handled as any web complaint: the supervisor assigns, the unit signs and answers, the supervisor approves.
        var complaintPath = "/staff/complaints/" + trackingNumber;
        await supervisor.GotoAsync(complaintPath);
        await ActAsync(supervisor, "assign", "受理并交办", []);
        await SignInAsync(handler, HandlerEmail);
        await handler.GotoAsync(complaintPath);
        // Nothing on the unit's page says who took the call or who called.
        var handlerText = await handler.Locator("body").InnerTextAsync();
        Assert.DoesNotContain(CallerName, handlerText, StringComparison.Ordinal);
        Assert.DoesNotContain(CallerMobile, await handler.ContentAsync(), StringComparison.Ordinal);
        await Expect(handler.Locator("#channel")).ToHaveCountAsync(0);
        await ActAsync(handler, "sign", "签收", []);
        await ActAsync(handler, "respond", "办理情况报告", new() { ["findings"] = "经查属实。", ["measures"] = "当日开具并寄出。", ["publicReply"] = PublicReply });
        await supervisor.GotoAsync(complaintPath);
        await ActAsync(supervisor, "approve", "审核通过", new() { ["qualityRating"] = "4" });
        fixture.Time.Advance(TimeSpan.FromHours(1));

        // The caller's phone hears of each step: 受理 (accepted) and 已答复 (replied, with the days left to rate).
        await fixture.DeliverOutboxAsync();
        Assert.Contains(trackingNumber, Assert.Single(SmsOfKind("accepted")), StringComparison.Ordinal);
        var replied = Assert.Single(SmsOfKind("replied"));
        Assert.Contains(trackingNumber, replied, StringComparison.Ordinal);
        foreach (var sms in fixture.SmsTo(CallerMobile))
        {
            Assert.DoesNotContain(newCode, sms, StringComparison.Ordinal);
            Assert.DoesNotContain(oldCode, sms, StringComparison.Ordinal);
        }

        // 5. The caller opens the case with the new code and rates the answer.
        await TrackAsync(caller, trackingNumber, newCode);
        await Expect(caller.Locator("#status")).ToHaveTextAsync("待评价");
        await Expect(caller.Locator("#public-reply")).ToHaveTextAsync(PublicReply);
        await caller.Locator("#feedback").GetByLabel("满意", new() { Exact = true }).CheckAsync();
        await caller.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Expect(caller.Locator("#feedback-result")).ToContainTextAsync("感谢您的评价：满意");
        await Expect(caller.Locator("#status")).ToHaveTextAsync("已办结");
        await PageChecks.AssertNoHorizontalScrollAsync(caller, "/track after rating");
        await PageChecks.ScreenshotAsync(caller, output, "43-track-rated", fullPage: false);

        // The supervisor's page shows the case closed with the caller's rating.
        await supervisor.GotoAsync(complaintPath);
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("已办结");
        await Expect(supervisor.Locator("#satisfaction")).ToHaveTextAsync("满意");

        Assert.Empty(problems.SelectMany(p => p));
    }

    /// <summary>The SMS of one template sent to the caller so far (the pickup file's <c>Kind:</c> line).</summary>
    private IEnumerable<string> SmsOfKind(string kind) =>
        fixture.SmsTo(CallerMobile).Where(t => t.Contains($"\nKind: {kind}\n", StringComparison.Ordinal));

    /// <summary>Takes an action through its form and waits for the confirmation.</summary>
    private static async Task ActAsync(IPage page, string action, string label, Dictionary<string, string> fields)
    {
        var details = page.Locator("#action-" + action);
        if (await details.GetAttributeAsync("open") is null)
        {
            await details.Locator("> summary").ClickAsync();
        }
        foreach (var (name, value) in fields)
        {
            var field = page.Locator($"#{action}-{name}");
            if (await field.EvaluateAsync<string>("e => e.tagName") == "SELECT")
            {
                await field.SelectOptionAsync(new SelectOptionValue { Value = value });
            }
            else
            {
                await field.FillAsync(value);
            }
        }
        await details.GetByRole(AriaRole.Button, new() { Name = label }).ClickAsync();
        await Expect(page.Locator("#done")).ToHaveTextAsync($"已完成“{label}”。");
    }

    private static async Task TrackAsync(IPage page, string trackingNumber, string accessCode)
    {
        await page.GotoAsync("/track");
        // The device remembers the case it opened last; start from the empty form as a second visit would.
        if (await page.Locator("#forget").CountAsync() > 0)
        {
            await page.Locator("#forget").ClickAsync();
        }
        await page.Locator("#trackingNumber").FillAsync(trackingNumber);
        await page.Locator("#code").FillAsync(accessCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
    }

    /// <summary>The code in recovery-code.sms.liquid ("验证码123456，…"), not the digits of the tracking number.</summary>
    [GeneratedRegex("验证码([0-9]{6})(?![0-9])")]
    private static partial Regex OneTimeCode();
}
