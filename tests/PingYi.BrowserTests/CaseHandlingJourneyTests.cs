using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// One case from intake to closing, with three people in three browsers, all on phones: the citizen
/// lodges a named complaint, the supervisor assigns it, the unit's handler answers, the supervisor
/// approves, the citizen rates it and the case closes.
/// </summary>
public sealed class CaseHandlingJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Password = "PingYi-Demo-2020";
    private const string SupervisorEmail = "supervisor@pingyi.local";
    private const string HandlerEmail = "jyt@pingyi.local";

    // Distinctive, so finding them anywhere on the handler's page is a leak and nothing else.
    private const string ComplainantName = "欧阳灵犀";
    private const string ComplainantPhone = "13987654321";

    private const string Title = "招生咨询热线长期无人接听";
    private const string Description = "十一月以来多次拨打省教育厅招生咨询热线，工作时间始终无人接听。\n网站留言也没有回复。";
    private const string AssignNote = "请核实热线值守情况并整改。";
    private const string Findings = "经查，热线值班人员十一月多次脱岗，属实。";
    private const string Measures = "调整值班安排，增设两条线路，对相关人员批评教育。";
    private const string PublicReply = "您反映的热线无人接听问题属实。\n我厅已调整值班安排并增设线路，感谢您的监督。";

    [Fact]
    public async Task A_named_complaint_goes_from_intake_to_closing_and_the_unit_never_sees_who_complained()
    {
        var watch = Stopwatch.StartNew();
        await using var citizenContext = await fixture.NewPhoneContextAsync();
        await using var supervisorContext = await fixture.NewPhoneContextAsync();
        await using var handlerContext = await fixture.NewPhoneContextAsync();
        var citizen = await citizenContext.NewPageAsync();
        var supervisor = await supervisorContext.NewPageAsync();
        var handler = await handlerContext.NewPageAsync();
        var problems = new[] { citizen, supervisor, handler }.Select(p => PageChecks.WatchForProblems(p, output)).ToList();

        // 1. The citizen lodges a named complaint about 省教育厅.
        await citizen.GotoAsync("/complaints/new");
        await citizen.Locator("#unit").SelectOptionAsync(new SelectOptionValue { Value = "jyt" });
        await citizen.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "bureaucratism" });
        await citizen.Locator("#title").FillAsync(Title);
        await citizen.Locator("#description").FillAsync(Description);
        await citizen.Locator("input[name='Input.Anonymous'][value='false']").CheckAsync();
        await citizen.Locator("#name").FillAsync(ComplainantName);
        await citizen.Locator("#phone").FillAsync(ComplainantPhone);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(citizen.Locator("#tracking-number")).ToBeVisibleAsync();
        var trackingNumber = (await citizen.Locator("#tracking-number").InnerTextAsync()).Trim();
        var accessCode = (await citizen.Locator("#access-code").InnerTextAsync()).Trim();
        var complaintPath = "/staff/complaints/" + trackingNumber;
        fixture.Time.Advance(TimeSpan.FromHours(1));

        // 2. The supervisor finds it in 待受理, looks at who complained (logged), and assigns it to 省教育厅.
        await SignInAsync(supervisor, SupervisorEmail);
        await Expect(supervisor.Locator("#submitted")).ToContainTextAsync(trackingNumber);
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the supervisor's inbox");
        await PageChecks.ScreenshotScreensAsync(supervisor, output, "10-supervisor-inbox");
        await supervisor.Locator("#submitted").GetByRole(AriaRole.Link, new() { Name = Title }).ClickAsync();
        await Expect(supervisor).ToHaveURLAsync(new Uri(fixture.BaseAddress, complaintPath).ToString());
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("待受理");
        // Line breaks in the description survive as text (rendered once the stylesheet applies, as below).
        await supervisor.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal(Description, await supervisor.Locator("#description").InnerTextAsync());
        // Masked until a supervisor gives a reason to see the identity (every reveal is on the record).
        await Expect(supervisor.Locator("#contact-masked")).Not.ToContainTextAsync(ComplainantName);
        await supervisor.Locator("#contact-reason").FillAsync("核实反映人身份，以便回访");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "查看反映人信息" }).ClickAsync();
        await Expect(supervisor.Locator("#contact-name")).ToHaveTextAsync(ComplainantName);
        await Expect(supervisor.Locator("#contact-phone")).ToHaveTextAsync(ComplainantPhone);

        await OpenActionAsync(supervisor, "assign");
        await Expect(supervisor.Locator("#assign-unitCode")).ToHaveValueAsync("jyt");
        await supervisor.Locator("#assign-note").FillAsync(AssignNote);
        await supervisor.Locator("#action-assign").GetByRole(AriaRole.Button, new() { Name = "受理并交办" }).ClickAsync();
        await Expect(supervisor.Locator("#done")).ToHaveTextAsync("已完成“受理并交办”。");
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("办理中");
        // Nothing of the identity is left on the page after the redirect.
        await Expect(supervisor.Locator("#contact")).ToHaveCountAsync(0);
        fixture.Time.Advance(TimeSpan.FromHours(1));

        // 3. The handler of 省教育厅 sees it in 本单位待办 and answers; who complained is nowhere on the page.
        await SignInAsync(handler, HandlerEmail);
        await Expect(handler.Locator("#unit-todo")).ToContainTextAsync(trackingNumber);
        await PageChecks.AssertNoHorizontalScrollAsync(handler, "the handler's inbox");
        await handler.Locator("#unit-todo").GetByRole(AriaRole.Link, new() { Name = Title }).ClickAsync();
        await Expect(handler.Locator("#status")).ToHaveTextAsync("办理中");
        var handlerText = await handler.Locator("body").InnerTextAsync();
        Assert.DoesNotContain(ComplainantName, handlerText, StringComparison.Ordinal);
        Assert.DoesNotContain(ComplainantPhone, handlerText, StringComparison.Ordinal);
        Assert.DoesNotContain(ComplainantPhone, await handler.ContentAsync(), StringComparison.Ordinal);
        await Expect(handler.GetByRole(AriaRole.Button, new() { Name = "查看反映人信息" })).ToHaveCountAsync(0);
        await Expect(handler.Locator("#complainant")).ToHaveCountAsync(0);
        // Not even that a supervisor looked: it would tell the unit the complaint is named.
        await Expect(handler.Locator("#timeline")).Not.ToContainTextAsync("查看反映人信息");
        // The unit may answer, ask for more time, or say the case is not theirs; nothing a supervisor does.
        // First the unit signs for the case (签收); then it may answer, ask for more time, say the case is not theirs or ask to suspend (中止).
        var handlerActions = await handler.Locator("#actions details > summary").AllInnerTextsAsync();
        Assert.Equal(["签收", "申请退回", "申请延期", "申请中止", "办理情况报告"], handlerActions.Select(a => a.Trim()));
        await Expect(handler.Locator("#signing")).ToContainTextAsync("待签收");
        await OpenActionAsync(handler, "sign");
        await handler.Locator("#action-sign").GetByRole(AriaRole.Button, new() { Name = "签收" }).ClickAsync();
        await Expect(handler.Locator("#done")).ToHaveTextAsync("已完成“签收”。");
        await Expect(handler.Locator("#signing")).ToContainTextAsync("已签收");
        handlerActions = await handler.Locator("#actions details > summary").AllInnerTextsAsync();
        Assert.Equal(["申请退回", "申请延期", "申请中止", "办理情况报告"], handlerActions.Select(a => a.Trim()));

        // Sent without the reply: the Chinese message stands beside the field and nothing typed is lost.
        await OpenActionAsync(handler, "respond");
        await handler.Locator("#respond-findings").FillAsync(Findings);
        await handler.Locator("#respond-measures").FillAsync(Measures);
        await handler.Locator("#action-respond").GetByRole(AriaRole.Button, new() { Name = "办理情况报告" }).ClickAsync();
        await Expect(handler.Locator("#respond-publicReply ~ .field-error")).ToHaveTextAsync("请填写答复意见。");
        await Expect(handler.Locator("#action-respond")).ToHaveAttributeAsync("open", new Regex(".*"));
        await Expect(handler.Locator("#respond-findings")).ToHaveValueAsync(Findings);
        await Expect(handler.Locator("#respond-measures")).ToHaveValueAsync(Measures);
        await Expect(handler.Locator("#status")).ToHaveTextAsync("办理中");
        await handler.Locator("#respond-publicReply").ScrollIntoViewIfNeededAsync();
        await PageChecks.ScreenshotAsync(handler, output, "11a-handler-respond-error", fullPage: false);
        await handler.Locator("#respond-publicReply").FillAsync(PublicReply);
        await PageChecks.AssertNoHorizontalScrollAsync(handler, "the handler's complaint page");
        await handler.Locator("#action-respond").ScrollIntoViewIfNeededAsync();
        await PageChecks.ScreenshotAsync(handler, output, "11-handler-respond-form", fullPage: false);
        await PageChecks.ScreenshotScreensAsync(handler, output, "11b-handler-complaint-page");
        await handler.Locator("#action-respond").GetByRole(AriaRole.Button, new() { Name = "办理情况报告" }).ClickAsync();
        await Expect(handler.Locator("#done")).ToHaveTextAsync("已完成“办理情况报告”。");
        await Expect(handler.Locator("#status")).ToHaveTextAsync("审核中");
        await Expect(handler.Locator("#no-actions")).ToBeVisibleAsync();
        fixture.Time.Advance(TimeSpan.FromHours(1));

        // 4. The supervisor's page is now stale: a transfer sent from it is refused, not applied.
        await OpenActionAsync(supervisor, "transfer");
        await supervisor.Locator("#transfer-unitCode").SelectOptionAsync(new SelectOptionValue { Value = "gat" });
        await supervisor.Locator("#transfer-reason").FillAsync("误派");
        await supervisor.Locator("#action-transfer").GetByRole(AriaRole.Button, new() { Name = "转办" }).ClickAsync();
        await Expect(supervisor.Locator("#page-error")).ToContainTextAsync("该反映在您打开后已有新的变化");
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("审核中");
        await Expect(supervisor.Locator("#unit")).ToHaveTextAsync("省教育厅");

        // 5. The supervisor approves with a quality rating.
        await Expect(supervisor.Locator("#findings")).ToHaveTextAsync(Findings);
        await OpenActionAsync(supervisor, "approve");
        await supervisor.Locator("#approve-qualityRating").SelectOptionAsync(new SelectOptionValue { Value = "4" });
        await supervisor.Locator("#action-approve").GetByRole(AriaRole.Button, new() { Name = "审核通过" }).ClickAsync();
        await Expect(supervisor.Locator("#done")).ToHaveTextAsync("已完成“审核通过”。");
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("待评价");
        await Expect(supervisor.Locator("#quality-rating")).ToHaveTextAsync("4 / 5");
        fixture.Time.Advance(TimeSpan.FromHours(1));

        // 6. The citizen reads the unit's reply and rates it 满意.
        await citizen.GotoAsync("/track");
        await citizen.Locator("#trackingNumber").FillAsync(trackingNumber);
        await citizen.Locator("#code").FillAsync(accessCode);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(citizen.Locator("#status")).ToHaveTextAsync("待评价");
        // innerText keeps the reply's line breaks only once the stylesheet (white-space: pre-wrap) applies;
        // the status can be read before that.
        await citizen.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal(PublicReply, await citizen.Locator("#public-reply").InnerTextAsync());
        await Expect(citizen.Locator("#feedback")).ToBeVisibleAsync();
        await PageChecks.AssertNoHorizontalScrollAsync(citizen, "the tracking page with the feedback form");
        await citizen.Locator("#feedback").ScrollIntoViewIfNeededAsync();
        await PageChecks.ScreenshotAsync(citizen, output, "12-track-feedback-form", fullPage: false);
        await PageChecks.ScreenshotScreensAsync(citizen, output, "12b-track-feedback-page");
        await citizen.Locator("#feedback").GetByLabel("满意", new() { Exact = true }).CheckAsync();
        await citizen.Locator("#feedbackComment").FillAsync("处理及时，谢谢。");
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Expect(citizen.Locator("#feedback-result")).ToContainTextAsync("感谢您的评价：满意");
        await Expect(citizen.Locator("#status")).ToHaveTextAsync("已办结");
        await Expect(citizen.Locator("#feedback")).ToHaveCountAsync(0);
        await Expect(citizen.Locator("#timeline")).ToContainTextAsync("评价：满意。处理及时，谢谢。");
        await PageChecks.ScreenshotAsync(citizen, output, "12c-track-closed");

        // 7. The supervisor's page tells the whole story, with who did what and the internal notes.
        await supervisor.GotoAsync(complaintPath);
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("已办结");
        await Expect(supervisor.Locator("#satisfaction")).ToHaveTextAsync("满意");
        var steps = await supervisor.Locator("#timeline .action-label").AllInnerTextsAsync();
        Assert.Equal(["提交反映", "查看反映人信息", "受理并交办", "签收", "办理情况报告", "审核通过", "评价"], steps);
        var timeline = await supervisor.Locator("#timeline").InnerTextAsync();
        Assert.Contains("纪检监察工委 督办员", timeline, StringComparison.Ordinal);
        Assert.Contains("省教育厅 承办人", timeline, StringComparison.Ordinal);
        Assert.Contains(AssignNote, timeline, StringComparison.Ordinal);
        Assert.Contains(Findings, timeline, StringComparison.Ordinal);
        Assert.Contains("办理结果：" + PublicReply, timeline, StringComparison.Ordinal);
        // Closed, but within the reopen window: reopening is all that is left.
        Assert.Equal(["重新交办"], (await supervisor.Locator("#actions details > summary").AllInnerTextsAsync()).Select(a => a.Trim()));
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the supervisor's complaint page");
        await PageChecks.ScreenshotScreensAsync(supervisor, output, "13-supervisor-complaint-page");

        Assert.Empty(problems.SelectMany(p => p));
        output.WriteLine($"Case journey took {watch.Elapsed.TotalSeconds:F1} s; screenshots in {PingYiBrowserFixture.ScreenshotDirectory}");
    }

    [Fact]
    public async Task A_dissatisfied_rating_goes_to_the_supervisors_who_reopen_the_case_for_the_unit()
    {
        await using var citizenContext = await fixture.NewPhoneContextAsync();
        await using var supervisorContext = await fixture.NewPhoneContextAsync();
        await using var handlerContext = await fixture.NewPhoneContextAsync();
        var citizen = await citizenContext.NewPageAsync();
        var supervisor = await supervisorContext.NewPageAsync();
        var handler = await handlerContext.NewPageAsync();
        var problems = new[] { citizen, supervisor, handler }.Select(p => PageChecks.WatchForProblems(p, output)).ToList();
        const string title = "资格证书补办一再拖延";

        // Lodged anonymously; assigned, answered and approved without detours.
        await citizen.GotoAsync("/complaints/new");
        await citizen.Locator("#unit").SelectOptionAsync(new SelectOptionValue { Value = "jyt" });
        await citizen.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "formalism" });
        await citizen.Locator("#title").FillAsync(title);
        await citizen.Locator("#description").FillAsync("教师资格证书补办申请提交两个月，多次询问均答复“在走流程”。");
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var trackingNumber = (await citizen.Locator("#tracking-number").InnerTextAsync()).Trim();
        var accessCode = (await citizen.Locator("#access-code").InnerTextAsync()).Trim();
        var complaintPath = "/staff/complaints/" + trackingNumber;

        await SignInAsync(supervisor, SupervisorEmail);
        await supervisor.GotoAsync(complaintPath);
        await Expect(supervisor.Locator("#complainant")).ToContainTextAsync("匿名反映");
        await Expect(supervisor.GetByRole(AriaRole.Button, new() { Name = "查看反映人信息" })).ToHaveCountAsync(0);
        await ActAsync(supervisor, "assign", "受理并交办", []);
        // A link to the case opened while signed out asks for the password, then comes back to the case.
        await handler.GotoAsync(complaintPath);
        await Expect(handler).ToHaveURLAsync(new Regex("/account/login\\?ReturnUrl="));
        await handler.Locator("#email").FillAsync(HandlerEmail);
        await handler.Locator("#password").FillAsync(Password);
        await handler.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(handler).ToHaveURLAsync(new Uri(fixture.BaseAddress, complaintPath).ToString());
        await ActAsync(handler, "respond", "办理情况报告", new() { ["findings"] = "正在补办。", ["measures"] = "加快办理。", ["publicReply"] = "证书将于一周内寄出。" });
        await supervisor.GotoAsync(complaintPath);
        await ActAsync(supervisor, "approve", "审核通过", new() { ["qualityRating"] = "2" });

        // The citizen is not satisfied: the case waits for the supervisors, and the page says so.
        await TrackAsync(citizen, trackingNumber, accessCode);
        await citizen.Locator("#feedback").GetByLabel("不满意", new() { Exact = true }).CheckAsync();
        await citizen.Locator("#feedbackComment").FillAsync("一周过去了仍未收到。");
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Expect(citizen.Locator("#feedback-result")).ToContainTextAsync("本件将提交纪检监察工委，由其决定是否重新交办");
        // The status says what happens next, not 待评价 beside a 不满意 badge.
        await Expect(citizen.Locator("#status")).ToHaveTextAsync("不满意，待纪检监察工委处理");
        await Expect(citizen.Locator("#feedback")).ToHaveCountAsync(0);
        await PageChecks.ScreenshotAsync(citizen, output, "14-track-dissatisfied", fullPage: false);
        // Looking again later says the same, and offers no second rating.
        await TrackAsync(citizen, trackingNumber, accessCode);
        await Expect(citizen.Locator("#feedback-result")).ToContainTextAsync("由其决定是否重新交办");
        await Expect(citizen.Locator("#feedback")).ToHaveCountAsync(0);

        // The supervisor finds it under 不满意待处理 and reopens it.
        await supervisor.GotoAsync("/staff");
        await Expect(supervisor.Locator("#dissatisfied")).ToContainTextAsync(trackingNumber);
        await Expect(supervisor.Locator("#dissatisfied li.case", new() { HasText = trackingNumber }).Locator(".status")).ToHaveTextAsync("不满意，待纪检监察工委处理");
        await supervisor.Locator("#dissatisfied").GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        Assert.Equal(["重新交办", "办结", "关联"], (await supervisor.Locator("#actions details > summary").AllInnerTextsAsync()).Select(a => a.Trim()));
        await ActAsync(supervisor, "reopen", "重新交办", new() { ["reason"] = "反映人不满意，请重新办理。" }, confirm: true);
        await Expect(supervisor.Locator("#status")).ToHaveTextAsync("办理中");

        // Back on the unit's list, marked as reopened.
        await handler.GotoAsync("/staff");
        var row = handler.Locator("#unit-todo li.case", new() { HasText = trackingNumber });
        await Expect(row).ToContainTextAsync("重新交办");
        await PageChecks.AssertNoHorizontalScrollAsync(handler, "the handler's inbox with a reopened case");
        await PageChecks.ScreenshotAsync(handler, output, "15-handler-inbox-reopened");

        Assert.Empty(problems.SelectMany(p => p));
    }

    /// <summary>Takes an action through its form and waits for the confirmation.</summary>
    private static async Task ActAsync(IPage page, string action, string label, Dictionary<string, string> fields, bool confirm = false)
    {
        await OpenActionAsync(page, action);
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
        if (confirm)
        {
            await page.Locator($"#{action}-confirm").CheckAsync();
        }
        await page.Locator("#action-" + action).GetByRole(AriaRole.Button, new() { Name = label }).ClickAsync();
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
        await Expect(page.Locator("#complaint")).ToBeVisibleAsync();
    }

    /// <summary>Opens an action's form like a user would: a tap on its heading, unless it is already open.</summary>
    private static async Task OpenActionAsync(IPage page, string action)
    {
        var details = page.Locator("#action-" + action);
        if (await details.GetAttributeAsync("open") is null)
        {
            await details.Locator("> summary").ClickAsync();
        }
        await Expect(details).ToHaveAttributeAsync("open", new Regex(".*"));
    }

}
