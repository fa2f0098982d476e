using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// 并案 in Chromium (issue 24's done-means): a supervisor opens a new complaint, sees the suggested units with their
/// reasons and one similar earlier case, merges the new one into it with the 并案 link beside it, and assigns the
/// primary; the unit's handler hands the primary to a colleague, who answers with a 常用语; once approved, both
/// complainants read the answer on /track under their own numbers. The unit never sees the second complainant.
/// </summary>
public sealed class MergeJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private static async Task OpenAsync(IPage page, string action)
    {
        var details = page.Locator($"#action-{action}");
        if (await details.GetAttributeAsync("open") is null)
        {
            await details.Locator("summary").ClickAsync();
        }
    }

    /// <remarks>At phone width only: a second run in the same app would find this run's cases similar too.</remarks>
    [Fact]
    public async Task A_supervisor_merges_a_similar_complaint_and_both_complainants_get_the_one_answer()
    {
        const int width = 390;
        // A colleague handler of 省住建厅, and the unit's own template.
        using var admin = await ApiAsync(fixture.BaseAddress, "admin@pingyi.local");
        var email = $"merge-{width}-{Guid.NewGuid():N}"[..20] + "@example.cn";
        var created = await ExpectJsonAsync(await admin.PostAsJsonAsync("/api/v1/admin/users",
            new { email, displayName = $"王承办{width}", role = "unit-handler", unitCode = "zjt", active = true }));
        var colleagueId = created["user"]!["id"]!.GetValue<string>();
        var link = HttpUtility.ParseQueryString(new Uri(created["passwordLink"]!.GetValue<string>()).Query);
        const string colleaguePassword = "Neues-Passwort-2026";
        var set = await new HttpClient { BaseAddress = fixture.BaseAddress }.PostAsJsonAsync("/api/v1/account/set-password",
            new { id = link["id"], token = link["token"], newPassword = colleaguePassword });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        using var zjt = await ApiAsync(fixture.BaseAddress, "zjt@pingyi.local");
        var template = await ExpectJsonAsync(await zjt.PostAsJsonAsync("/api/v1/reply-templates",
            new { title = $"供暖答复{width}", text = "经核实，供热企业已完成管网排查，室温已达标。", scope = "unit" }));

        // Two citizens report the same heating failure; the second gives their name.
        const string place = "碧溪园";
        using var anonymous = new HttpClient { BaseAddress = fixture.BaseAddress };
        var first = await ExpectJsonAsync(await anonymous.PostAsJsonAsync("/api/v1/complaints", new
        {
            unitCode = "zjt", category = "bureaucratism", title = $"{place}小区暖气不热", location = $"长春市净月区{place}小区", anonymous = true,
            description = $"{place}小区供暖开栓后室温只有十四度，热力公司说管道没问题，不派人来维修。",
        }));
        var second = await ExpectJsonAsync(await anonymous.PostAsJsonAsync("/api/v1/complaints", new
        {
            unitCode = "zjt", category = "bureaucratism", title = $"{place}暖气温度太低", location = $"净月区{place}小区", anonymous = false,
            description = $"我家住{place}小区6栋，暖气一直不热，室温十三四度，打热力公司电话说排队维修。供暖费照收不误，收费标准说不清，涉嫌价格欺诈，向消费者投诉举报也没有回音。",
            complainant = new { name = "欧阳青禾", phone = "13912345678", email = "qinghe@example.org" },
        }));
        var (primary, primaryCode) = (first["trackingNumber"]!.GetValue<string>(), first["accessCode"]!.GetValue<string>());
        var (secondary, secondaryCode) = (second["trackingNumber"]!.GetValue<string>(), second["accessCode"]!.GetValue<string>());

        // The supervisor opens the new complaint: suggestions with reasons, one similar case, 并案 into it; then assigns the primary.
        await using (var context = await fixture.NewContextAsync(width))
        {
            var page = await context.NewPageAsync();
            var problems = PageChecks.WatchForProblems(page, output);
            await SignInAsync(page, "supervisor@pingyi.local");
            await page.GotoAsync($"/staff/complaints/{secondary}");
            var units = page.Locator("#triage-units > li");
            await Expect(units).ToHaveCountAsync(3);
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await units.Nth(i).Locator(".triage-reasons li").CountAsync() > 0, $"suggestion {i} has no reason");
            }
            var similar = page.Locator("#triage-similar > li");
            await Expect(similar).ToHaveCountAsync(1);
            await Expect(similar).ToContainTextAsync(primary);
            await Expect(similar.Locator(".triage-reasons li").First).ToContainTextAsync("相同的词");
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"the suggestions with 并案 at {width} px");
            await similar.Locator("a.merge-into").ClickAsync();

            await Expect(page.Locator("#action-merge")).ToHaveAttributeAsync("open", new System.Text.RegularExpressions.Regex("^(|open)$"));
            await Expect(page.Locator("#merge-primary")).ToHaveValueAsync(primary);
            await page.Locator("#merge-reason").FillAsync("同一小区同一供暖问题的重复反映");
            await page.Locator("#merge-forwardDescription").CheckAsync();
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"the merge form at {width} px");
            await PageChecks.ScreenshotAsync(page, output, $"95-merge-form-{width}");
            await page.Locator("#action-merge button[type=submit]").ClickAsync();
            await Expect(page.Locator("#done")).ToContainTextAsync("并案");
            await Expect(page.Locator("#status")).ToHaveTextAsync("已并案");
            await Expect(page.Locator("#merged-into")).ToContainTextAsync(primary);

            await page.Locator("#merged-into a").ClickAsync();
            await Expect(page.Locator("#secondaries")).ToContainTextAsync(secondary);
            await OpenAsync(page, "assign");
            await page.Locator("#assign-unitCode").SelectOptionAsync("zjt");
            await page.Locator("#action-assign button[type=submit]").ClickAsync();
            await Expect(page.Locator("#done")).ToContainTextAsync("受理并交办");
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"the primary with its group at {width} px");
            Assert.Empty(problems);
        }

        // The unit sees one case with the forwarded text, never the second complainant; it hands the case to the colleague.
        await using (var context = await fixture.NewContextAsync(width))
        {
            var page = await context.NewPageAsync();
            var problems = PageChecks.WatchForProblems(page, output);
            await SignInAsync(page, "zjt@pingyi.local");
            await page.GotoAsync($"/staff/complaints/{primary}");
            await Expect(page.Locator("#secondary-count")).ToContainTextAsync("另有 1 件");
            await Expect(page.Locator("#case-group")).ToContainTextAsync("我家住");
            var html = await page.ContentAsync();
            foreach (var secret in new[] { secondary, "欧阳青禾", "13912345678", "qinghe@example.org" })
            {
                Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
            }
            await page.Locator("#handler-user").SelectOptionAsync(colleagueId);
            await page.Locator("#assign-handler").ClickAsync();
            await Expect(page.Locator("#case-handler")).ToHaveTextAsync($"王承办{width}");
            Assert.Empty(problems);
        }

        // The colleague answers with the template.
        await using (var context = await fixture.NewContextAsync(width))
        {
            var page = await context.NewPageAsync();
            var problems = PageChecks.WatchForProblems(page, output);
            await SignInAsync(page, email, colleaguePassword);
            await page.GotoAsync($"/staff/complaints/{primary}");
            await OpenAsync(page, "respond");
            await page.Locator("#respond-findings").FillAsync("经核实，该小区二次管网堵塞。");
            await page.Locator("#respond-measures").FillAsync("已责成供热企业清洗管网。");
            await page.Locator("#respond-template").SelectOptionAsync(template["id"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.Locator("#respond-template-field").SelectOptionAsync("publicReply");
            await page.Locator("#respond-insert").ClickAsync();
            await Expect(page.Locator("#respond-publicReply")).ToHaveValueAsync("经核实，供热企业已完成管网排查，室温已达标。");
            await page.Locator("#action-respond button[type=submit]", new() { HasText = "办理情况报告" }).ClickAsync();
            await Expect(page.Locator("#done")).ToBeVisibleAsync();
            Assert.Empty(problems);
        }

        // Approved; each complainant reads the one answer under their own number.
        using var supervisor = await ApiAsync(fixture.BaseAddress, "supervisor@pingyi.local");
        await ExpectJsonAsync(await supervisor.PostAsJsonAsync($"/api/v1/complaints/{primary}/actions/approve", new { qualityRating = 4 }));
        await using (var context = await fixture.NewContextAsync(width))
        {
            var page = await context.NewPageAsync();
            var problems = PageChecks.WatchForProblems(page, output);
            foreach (var (number, code) in new[] { (primary, primaryCode), (secondary, secondaryCode) })
            {
                await page.GotoAsync("/track");
                if (await page.Locator("#forget").CountAsync() > 0)
                {
                    await page.Locator("#forget").ClickAsync();
                }
                await page.Locator("#trackingNumber").FillAsync(number);
                await page.Locator("#code").FillAsync(code);
                await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
                await Expect(page.Locator("#complaint #tracking-number")).ToHaveTextAsync(number);
                await Expect(page.Locator("#status")).ToHaveTextAsync("待评价");
                await Expect(page.Locator("#public-reply")).ToHaveTextAsync("经核实，供热企业已完成管网排查，室温已达标。");
                await PageChecks.AssertNoHorizontalScrollAsync(page, $"the tracking page of {number} at {width} px");
            }
            await PageChecks.ScreenshotAsync(page, output, $"96-merge-secondary-answer-{width}");
            Assert.Empty(problems);
        }
    }
}
