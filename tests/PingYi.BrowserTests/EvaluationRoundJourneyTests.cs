using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// Issue 23's "done means": a whole round on the demo, through the pages, at 390 px. A supervisor uploads a revised 2026
/// scheme and an Admin approves it; the round opens; a citizen lodges a complaint twice, the supervisor assigns both to
/// 省教育厅, which signs the first and leaves the second (its duplicate) unsigned past the signing deadline; the evaluators
/// rate, the inspector inspects; the 督办台 flags the coverage gaps; the round closes; 省教育厅 appeals the second case as
/// a duplicate, the supervisor upholds it and its score moves; the results are approved and fed back to the units
/// (省教育厅 sees its own category only, /results nothing); the 通报 and a 反馈函 are downloaded and read back; next
/// year's scheme is copied and approved by a second account, the round opens and the tracking-list units have their
/// 报送整改方案 and 落实整改 items on the ledger.
/// </summary>
public sealed class EvaluationRoundJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Unit = "jyt";
    private const string UnitName = "省教育厅";
    private const string Title = "学校课后服务收费不透明";

    private readonly List<List<string>> _problems = [];
    private readonly List<IBrowserContext> _contexts = [];

    [Fact]
    public async Task A_whole_round_runs_through_the_pages_on_a_phone()
    {
        var supervisor = await PageAsync();
        var admin = await PageAsync();
        var unit = await PageAsync();
        await SignInAsync(supervisor, "supervisor@pingyi.local");
        await SignInAsync(admin, "admin@pingyi.local");
        await SignInAsync(unit, Unit + "@pingyi.local");

        // 1. The scheme: a revised 2026 file uploaded by the supervisor, approved by a second account.
        await supervisor.GotoAsync("/staff/evaluation/scheme?year=2026");
        await supervisor.Locator("#scheme-file").SetInputFilesAsync(new FilePayload
        {
            Name = "2026.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(RevisedScheme()),
        });
        await supervisor.Locator("#scheme-reason").FillAsync("评议委员会审议后补充说明");
        await supervisor.Locator("#upload-scheme").ClickAsync();
        await Expect(supervisor.Locator("#scheme-draft")).ToContainTextAsync("待审定");
        await supervisor.Locator("#approve-scheme").ClickAsync();
        await Expect(supervisor.Locator("#scheme-problems")).ToContainTextAsync("不能审定自己上传的方案");
        await admin.GotoAsync("/staff/evaluation/scheme?year=2026");
        await admin.Locator("#approve-scheme").ClickAsync();
        await Expect(admin.Locator("#scheme-notice")).ToContainTextAsync("已审定");
        await Expect(admin.Locator("#scheme-status")).ToContainTextAsync("第 2 版");

        // 2. Open.
        await supervisor.GotoAsync("/staff/evaluation/rounds");
        await supervisor.Locator("#open-2026").ClickAsync();
        await Expect(supervisor.Locator("#rounds-notice")).ToContainTextAsync("评议进行中");

        // 3. Inputs. A complaint lodged twice, both assigned to the unit; it signs the first only.
        var original = await LodgeAsync();
        var duplicate = await LodgeAsync();
        foreach (var number in new[] { original, duplicate })
        {
            await supervisor.GotoAsync("/staff/complaints/" + number);
            await OpenActionAsync(supervisor, "assign");
            await supervisor.Locator("#assign-unitCode").SelectOptionAsync(new SelectOptionValue { Value = Unit });
            await supervisor.Locator("#action-assign").GetByRole(AriaRole.Button, new() { Name = "受理并交办" }).ClickAsync();
            await Expect(supervisor.Locator("#status")).ToHaveTextAsync("办理中");
        }
        await unit.GotoAsync("/staff/complaints/" + original);
        await OpenActionAsync(unit, "sign");
        await unit.Locator("#action-sign").GetByRole(AriaRole.Button, new() { Name = "签收" }).ClickAsync();
        await Expect(unit.Locator("#signing")).ToContainTextAsync("已签收");
        // Friday 27 November, 10:00 China: the duplicate's signing deadline (one working day) has passed.
        fixture.Time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));
        await fixture.SweepTimersAsync();
        // Two days idle is past the session's idle limit: everyone signs in again.
        foreach (var (page, email) in new[] { (supervisor, "supervisor@pingyi.local"), (admin, "admin@pingyi.local"), (unit, Unit + "@pingyi.local") })
        {
            await SignInAsync(page, email);
        }

        // The deputies' evaluator rates four units of the unit's category and one of another; the inspector visits the unit.
        var deputies = await PageAsync();
        await SignInAsync(deputies, "deputies@pingyi.local");
        foreach (var (code, rating) in new[] { (Unit, "satisfied"), ("fgw", "satisfied"), ("mzt", "basically-satisfied"), ("gat", "dissatisfied"), ("tsw", "satisfied") })
        {
            await deputies.GotoAsync($"/staff/evaluation/rate/{code}");
            foreach (var option in await deputies.Locator($"input[type=radio][value='{rating}']").AllAsync())
            {
                await option.CheckAsync();
            }
            await deputies.Locator("#form-reference").FillAsync($"人大-{code}-001");
            await deputies.Locator("#rate-submit").ClickAsync();
            await Expect(deputies.Locator("#rate-saved")).ToBeVisibleAsync();
        }
        await PageChecks.AssertNoHorizontalScrollAsync(deputies, "the rating form");
        var inspector = await PageAsync();
        await SignInAsync(inspector, "inspector@pingyi.local");
        await inspector.GotoAsync("/staff/evaluation/inspect");
        await inspector.Locator("#unit").SelectOptionAsync(new SelectOptionValue { Value = Unit });
        await inspector.Locator("#date").FillAsync("2026-11-26");
        await inspector.Locator("input[name=Rating][value='satisfied']").CheckAsync();
        await inspector.Locator("#inspect-submit").ClickAsync();
        await Expect(inspector.Locator("#inspect-saved")).ToBeVisibleAsync();

        // While the round is open the 督办台 flags the units without a liaison rater or an inspection, linked to the coverage.
        await supervisor.GotoAsync("/staff/oversight");
        var flags = supervisor.Locator("#coverage-flags-2026");
        await Expect(flags.Locator("#desk-no-liaison-2026 li[data-unit='fgw']")).ToHaveCountAsync(1);
        await Expect(flags.Locator($"#desk-no-liaison-2026 li[data-unit='{Unit}']")).ToHaveCountAsync(0);
        await Expect(flags.Locator("#desk-not-inspected-2026 li[data-unit='fgw']")).ToHaveCountAsync(1);
        await Expect(flags.Locator($"#desk-not-inspected-2026 li[data-unit='{Unit}']")).ToHaveCountAsync(0);
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the 督办台 with the coverage flags");
        await flags.ScrollIntoViewIfNeededAsync();
        await PageChecks.ScreenshotAsync(supervisor, output, "95-oversight-coverage-flags-390", fullPage: false);
        await flags.Locator("#coverage-link-2026").ClickAsync();
        await Expect(supervisor.Locator("#coverage-flags")).ToContainTextAsync("评议进行中");

        // 4. Close: the preview (公示) starts.
        await supervisor.GotoAsync("/staff/evaluation/rounds");
        await supervisor.Locator("#close-2026").ClickAsync();
        await Expect(supervisor.Locator("#rounds-notice")).ToContainTextAsync("已截止");

        // 5. The unit appeals the duplicate; the supervisor upholds it; the unit's score moves.
        var before = await ScoreAsync(unit);
        await unit.GotoAsync("/staff/evaluation/appeals?year=2026");
        await unit.Locator("#item").SelectOptionAsync(new SelectOptionValue { Value = "complaint:" + duplicate });
        await unit.Locator("#ground").SelectOptionAsync(new SelectOptionValue { Value = "duplicate" });
        await unit.Locator("#reason").FillAsync($"与 {original} 为同一反映人反映的同一事项，已合并办理。");
        await unit.Locator("#appeal-submit").ClickAsync();
        await Expect(unit.Locator("#appeal-notice")).ToContainTextAsync("申诉已提交");
        var filed = unit.Locator("section.appeal[data-status='pending']");
        await filed.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "合并办理记录.png", MimeType = "image/png", Buffer = TestPng.Create() });
        await filed.Locator("button[id^='evidence-submit-']").ClickAsync();
        await Expect(unit.Locator("#appeal-notice")).ToContainTextAsync("证据材料已上传");
        await Expect(unit.Locator("section.appeal[data-status='pending']")).ToContainTextAsync("证据 1 份");
        await PageChecks.AssertNoHorizontalScrollAsync(unit, "the appeals page of the unit");
        await PageChecks.ScreenshotAsync(unit, output, "96-appeal-filed-390");
        await supervisor.GotoAsync("/staff/evaluation/appeals?year=2026");
        var appeal = supervisor.Locator("section.appeal[data-status='pending']");
        await Expect(appeal).ToContainTextAsync(duplicate);
        await appeal.Locator("textarea").FillAsync("经核实为重复反映，予以核减。");
        await appeal.Locator("button.uphold").ClickAsync();
        await Expect(supervisor.Locator("#appeal-notice")).ToContainTextAsync("申诉成立");
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the appeals page of the supervisor");
        await PageChecks.ScreenshotAsync(supervisor, output, "97-appeal-upheld-390");
        var after = await ScoreAsync(unit);
        output.WriteLine($"{Unit}: {before} → {after}");
        Assert.NotEqual(before, after);
        Assert.True(after > before, $"Taking out the unsigned duplicate should raise the score ({before} → {after}).");

        // 6. Approve and feed the results back to the units.
        await supervisor.GotoAsync("/staff/evaluation/rounds");
        await supervisor.Locator("#confirm-coverage-2026").CheckAsync();
        await supervisor.Locator("#approve-2026").ClickAsync();
        await Expect(supervisor.Locator("#rounds-notice")).ToContainTextAsync("已审定");
        await supervisor.Locator("#feedback-2026").ClickAsync();
        await Expect(supervisor.Locator("#scope-2026")).ToContainTextAsync("各参评单位");
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the rounds page after approval");
        await PageChecks.ScreenshotAsync(supervisor, output, "98-rounds-fed-back-390", fullPage: false);

        // The unit sees its own category's ranking and no other; its approved score is the one after the appeal.
        await unit.GotoAsync("/staff/scoring/2026");
        await Expect(unit.Locator($"section.ranking tr[data-unit='{Unit}']")).ToHaveCountAsync(1);
        await Expect(unit.Locator("section.ranking tr[data-unit='fgw']")).ToHaveCountAsync(1);
        await Expect(unit.Locator("section.ranking tr[data-unit='tsw']")).ToHaveCountAsync(0);
        await Expect(unit.Locator("section.ranking")).ToHaveCountAsync(1);
        await Expect(unit.Locator("#publication-state")).ToContainTextAsync("已反馈各参评单位");
        await PageChecks.AssertNoHorizontalScrollAsync(unit, "the unit's ranking");
        await PageChecks.ScreenshotAsync(unit, output, "99-unit-ranking-390");
        Assert.Equal(after, await ScoreAsync(unit));
        await Expect(unit.Locator("#unit-rank")).ToContainTextAsync("名");

        // The public sees nothing of a round fed back to the units only.
        var anonymous = await PageAsync();
        await anonymous.GotoAsync("/results");
        await Expect(anonymous.Locator("body")).Not.ToContainTextAsync(UnitName);
        var response = await anonymous.GotoAsync("/results/2026");
        await Expect(anonymous.Locator("section.ranking")).ToHaveCountAsync(0);
        await Expect(anonymous.Locator("body")).Not.ToContainTextAsync(UnitName);
        Assert.Equal(404, response!.Status);

        // 7. The 通报 (supervisor) and the unit's 反馈函 (the unit itself), read back.
        await supervisor.GotoAsync("/staff/scoring/2026");
        var fingerprint = (await supervisor.Locator("#round-fingerprint").InnerTextAsync()).Trim();
        var tracked = new List<string>();
        foreach (var row in await supervisor.Locator("section.ranking tr[data-unit]").Filter(new() { Has = supervisor.Locator("span.tag.rework") }).AllAsync())
        {
            tracked.Add((await row.GetAttributeAsync("data-unit"))!);
        }
        output.WriteLine("tracking list: " + string.Join(", ", tracked));
        Assert.NotEmpty(tracked);
        await supervisor.Locator("#notice-number").FillAsync("评议办〔2026〕9号");
        var notice = await DocumentTextAsync(supervisor, () => supervisor.Locator("#notice-form button").ClickAsync());
        output.WriteLine("通报: " + notice);
        Assert.Contains("评议办〔2026〕9号", notice);
        Assert.Contains(UnitName, notice);
        Assert.Contains(fingerprint, notice);
        Assert.Contains("重点跟踪", notice);
        await unit.GotoAsync($"/staff/scoring/2026/units/{Unit}");
        var unitFingerprint = (await unit.Locator("#unit-fingerprint").InnerTextAsync()).Trim();
        var feedback = await DocumentTextAsync(unit, () => unit.Locator("#feedback-download").ClickAsync());
        output.WriteLine("反馈函: " + feedback);
        await PageChecks.AssertNoHorizontalScrollAsync(unit, "the unit's 得分说明 after approval");
        await PageChecks.ScreenshotScreensAsync(unit, output, "99a-unit-breakdown-390");
        Assert.Contains(UnitName, feedback);
        // Ranked among the four units with data, not the category's eleven (seven without data are not ranked).
        Assert.Contains("省政府工作部门4个参评单位中排名第1位", feedback);
        await Expect(unit.Locator("#unit-rank")).ToHaveTextAsync("第 1 名（共 4 个单位）");
        Assert.Contains(after.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), feedback);
        Assert.Contains(unitFingerprint, feedback);
        Assert.Contains(fingerprint, feedback);

        // 8. Next year: the scheme copied by the supervisor, approved by the Admin; the round opens with the tracking
        // list's follow-up on the ledger.
        await supervisor.GotoAsync("/staff/evaluation/rounds");
        await supervisor.Locator("#copy-next").ClickAsync();
        await Expect(supervisor).ToHaveURLAsync(new Regex(@"/staff/evaluation/scheme\?year=2027$"));
        await admin.GotoAsync("/staff/evaluation/scheme?year=2027");
        await admin.Locator("#approve-scheme").ClickAsync();
        await Expect(admin.Locator("#scheme-notice")).ToContainTextAsync("已审定");
        await supervisor.GotoAsync("/staff/evaluation/rounds");
        await supervisor.Locator("#open-2027").ClickAsync();
        await Expect(supervisor.Locator("#rounds-notice")).ToContainTextAsync("评议进行中");
        await supervisor.GotoAsync("/staff/evaluation/ledger?year=2027");
        foreach (var code in tracked)
        {
            var name = (await supervisor.Locator($"#f-unit option[value='{code}']").InnerTextAsync()).Trim();
            var items = supervisor.Locator("#ledger-items li").Filter(new() { HasText = name });
            await Expect(items.Filter(new() { HasText = "报送整改方案" })).ToHaveCountAsync(1);
            await Expect(items.Filter(new() { HasText = "落实整改" })).ToHaveCountAsync(1);
            await Expect(items.Filter(new() { HasText = "报送整改方案" })).ToContainTextAsync("2027-09-15");
        }
        await PageChecks.AssertNoHorizontalScrollAsync(supervisor, "the 2027 ledger");
        await PageChecks.ScreenshotAsync(supervisor, output, "99b-ledger-2027-390", fullPage: false);
        Assert.Empty(_problems.SelectMany(p => p));
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }

    /// <summary>A citizen lodges the complaint anonymously on the public form; the tracking number.</summary>
    private async Task<string> LodgeAsync()
    {
        var citizen = await PageAsync();
        await citizen.GotoAsync("/complaints/new");
        await citizen.Locator("#unit").SelectOptionAsync(new SelectOptionValue { Value = Unit });
        await citizen.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "formalism" });
        await citizen.Locator("#title").FillAsync(Title);
        await citizen.Locator("#description").FillAsync("学校课后服务按月收费，收费标准和用途从未公示，家长询问无人答复。");
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        return (await citizen.Locator("#tracking-number").InnerTextAsync()).Trim();
    }

    /// <summary>The unit's score on its 得分说明 page (during the preview and after approval alike).</summary>
    private static async Task<double> ScoreAsync(IPage page)
    {
        await page.GotoAsync($"/staff/scoring/2026/units/{Unit}");
        return double.Parse((await page.Locator("#unit-score").InnerTextAsync()).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Downloads the DOCX the action starts and returns its body text, read with the Open XML SDK.</summary>
    private static async Task<string> DocumentTextAsync(IPage page, Func<Task> action)
    {
        var download = await page.RunAndWaitForDownloadAsync(action);
        Assert.EndsWith(".docx", download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        using var document = WordprocessingDocument.Open(path, false);
        return string.Join("\n", document.MainDocumentPart!.Document.Body!.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));
    }

    /// <summary>2026's round file with a sentence added to its description: a second version of the scheme.</summary>
    private static string RevisedScheme()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "workflows", "evaluation", "2026.json")))
        {
            directory = directory.Parent;
        }
        Assert.NotNull(directory);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(directory.FullName, "workflows", "evaluation", "2026.json")))!.AsObject();
        json["description"] = json["description"]!.GetValue<string>() + "（经评议委员会审议修订）";
        return json.ToJsonString();
    }

    private async Task<IPage> PageAsync()
    {
        var context = await fixture.NewPhoneContextAsync();
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        _problems.Add(PageChecks.WatchForProblems(page, output));
        return page;
    }

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
