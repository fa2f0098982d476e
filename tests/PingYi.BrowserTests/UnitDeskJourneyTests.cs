using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// The unit's desk in Chromium at 390 and 1280 px, without JavaScript doing the work: a unit's handler hands a case to a
/// colleague, the colleague finds it under 我的, writes an internal note, inserts a 常用语 into the answer and reports;
/// a supervisor's list offers the bulk form. No page scrolls sideways.
/// </summary>
public sealed class UnitDeskJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task A_handler_hands_a_case_to_a_colleague_who_notes_it_and_answers_with_a_template(int width)
    {
        // A second handler of 省教育厅, with a password chosen through the one-time link.
        using var admin = await ApiAsync(fixture.BaseAddress, "admin@pingyi.local");
        var email = $"desk-{width}-{Guid.NewGuid():N}"[..20] + "@example.cn";
        var created = await ExpectJsonAsync(await admin.PostAsJsonAsync("/api/v1/admin/users",
            new { email, displayName = $"李承办{width}", role = "unit-handler", unitCode = "jyt", active = true }));
        var colleagueId = created["user"]!["id"]!.GetValue<string>();
        var link = HttpUtility.ParseQueryString(new Uri(created["passwordLink"]!.GetValue<string>()).Query);
        const string colleaguePassword = "Neues-Passwort-2026";
        var set = await new HttpClient { BaseAddress = fixture.BaseAddress }.PostAsJsonAsync("/api/v1/account/set-password",
            new { id = link["id"], token = link["token"], newPassword = colleaguePassword });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());

        // A case for the unit, and the unit's own template.
        using var anonymous = new HttpClient { BaseAddress = fixture.BaseAddress };
        var title = $"校外培训退费难{width}";
        var lodged = await ExpectJsonAsync(await anonymous.PostAsJsonAsync("/api/v1/complaints",
            new { unitCode = "jyt", category = "bureaucratism", title, description = "报名的校外培训机构停课后拒不退费，多次反映无人处理。", anonymous = true }));
        var number = lodged["trackingNumber"]!.GetValue<string>();
        using var supervisor = await ApiAsync(fixture.BaseAddress, "supervisor@pingyi.local");
        await ExpectJsonAsync(await supervisor.PostAsJsonAsync($"/api/v1/complaints/{number}/actions/assign", new { unitCode = "jyt" }));
        using var jyt = await ApiAsync(fixture.BaseAddress, "jyt@pingyi.local");
        var template = await ExpectJsonAsync(await jyt.PostAsJsonAsync("/api/v1/reply-templates",
            new { title = $"退费答复{width}", text = "您反映的问题（{{受理编号}}）我厅已责成属地教育局督促机构退费。", scope = "unit" }));

        // The first handler assigns it to the colleague on the case page.
        await using (var context = await fixture.NewContextAsync(width))
        {
            var page = await context.NewPageAsync();
            var problems = PageChecks.WatchForProblems(page, output);
            await SignInAsync(page, "jyt@pingyi.local");
            await page.GotoAsync($"/staff/complaints/{number}");
            await Expect(page.Locator("#case-handler")).ToHaveTextAsync("本单位未分配");
            await page.Locator("#handler-user").SelectOptionAsync(colleagueId);
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"the case page's desk card at {width} px");
            await page.Locator("#assign-handler").ClickAsync();
            await Expect(page.Locator("#done")).ToContainTextAsync("指定承办人");
            await Expect(page.Locator("#case-handler")).ToHaveTextAsync($"李承办{width}");
            Assert.Empty(problems);
        }

        // The colleague finds it under 我的, notes it, inserts the template and answers.
        await using (var context = await fixture.NewContextAsync(width))
        {
            var page = await context.NewPageAsync();
            var problems = PageChecks.WatchForProblems(page, output);
            await SignInAsync(page, email, colleaguePassword);
            await page.Locator("#desk-mine").ClickAsync();
            await Expect(page.Locator("#unit-todo")).ToContainTextAsync(number);
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"the inbox's desk tabs at {width} px");
            await PageChecks.ScreenshotAsync(page, output, $"90-desk-inbox-mine-{width}");
            await page.Locator("#unit-todo a", new() { HasText = title }).ClickAsync();

            await page.Locator("#note-text").FillAsync("已电话联系属地教育局，约定周五前反馈。");
            await page.Locator("#add-note").ClickAsync();
            await Expect(page.Locator("#note-saved")).ToBeVisibleAsync();
            await Expect(page.Locator("#note-list")).ToContainTextAsync("已电话联系属地教育局");

            var respond = page.Locator("#action-respond");
            if (await respond.GetAttributeAsync("open") is null)
            {
                await respond.Locator("summary").ClickAsync();
            }
            await page.Locator("#respond-findings").FillAsync("经核实，该机构已停业，尚有学员未退费。");
            await page.Locator("#respond-measures").FillAsync("已责成属地教育局督促退费。");
            await page.Locator("#respond-template").SelectOptionAsync(template["id"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.Locator("#respond-template-field").SelectOptionAsync("publicReply");
            await page.Locator("#respond-insert").ClickAsync();
            await Expect(page.Locator("#respond-inserted")).ToBeVisibleAsync();
            await Expect(page.Locator("#respond-publicReply")).ToHaveValueAsync($"您反映的问题（{number}）我厅已责成属地教育局督促机构退费。");
            await Expect(page.Locator("#respond-findings")).ToHaveValueAsync("经核实，该机构已停业，尚有学员未退费。");
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"the answer form with 常用语 at {width} px");
            await PageChecks.ScreenshotAsync(page, output, $"91-desk-template-inserted-{width}");
            await page.Locator("#action-respond button[type=submit]", new() { HasText = "办理情况报告" }).ClickAsync();
            await Expect(page.Locator("#done")).ToBeVisibleAsync();
            await Expect(page.Locator("#public-reply")).ToContainTextAsync(number);
            Assert.Empty(problems);
        }

        // A supervisor's list offers the bulk form, and it fits a phone.
        await using (var context = await fixture.NewContextAsync(width))
        {
            var page = await context.NewPageAsync();
            await SignInAsync(page, "supervisor@pingyi.local");
            await page.GotoAsync("/staff/complaints");
            await Expect(page.Locator("#bulk-form")).ToBeVisibleAsync();
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"the list with the bulk form at {width} px");
            await page.GotoAsync("/staff/reply-templates");
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"the 常用语 page at {width} px");
        }
    }
}
