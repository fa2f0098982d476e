using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PingYi.BrowserTests;

/// <summary>
/// 反映列表 (/staff/complaints): on a 1280 px desktop the filters are one compact bar and the table's first row is on
/// the first screen; on a 390 px phone the filters fold under 筛选 (a &lt;details&gt;, open while a filter is set),
/// the cards come first, and nothing scrolls sideways.
/// </summary>
public sealed class ComplaintListLayoutTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Password = "PingYi-Demo-2020";

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task The_list_shows_its_first_case_on_the_first_screen(int width)
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        var lodged = await http.PostAsJsonAsync("/api/v1/complaints", new
        {
            unitCode = "jyt", category = "formalism", title = $"列表版式检查（{width}）", anonymous = true,
            description = "同一项检查要求基层重复填报三套表格，占用大量工作时间。",
        });
        Assert.True(lodged.IsSuccessStatusCode, (await lodged.Content.ReadFromJsonAsync<JsonObject>())?.ToJsonString());

        await using var context = await fixture.NewContextAsync(width);
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync("supervisor@pingyi.local");
        await page.Locator("#password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();

        await page.GotoAsync("/staff/complaints");
        var viewport = page.ViewportSize!;
        var filters = page.Locator("form[role=search]");
        if (width >= 1024)
        {
            // The bar is shown without a tap, every field in view, and the first row is above the fold.
            await Expect(page.Locator("#list-filters > summary")).ToBeHiddenAsync();
            await Expect(page.Locator("#q")).ToBeVisibleAsync();
            await Expect(page.Locator("#to")).ToBeVisibleAsync();
            var bar = await filters.BoundingBoxAsync();
            Assert.True(bar!.Height <= 220, $"the filter bar is {bar.Height} px high");
            var row = await page.Locator("#results-table tbody tr").First.BoundingBoxAsync();
            Assert.True(row!.Y + row.Height <= viewport.Height, $"the first row ends at {row.Y + row.Height} px, below the {viewport.Height} px screen");
            // Filtering still works from the bar.
            await page.Locator("#status").SelectOptionAsync(new SelectOptionValue { Value = "submitted" });
            await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
            await Expect(page.Locator("#results-table tbody tr").First).ToBeVisibleAsync();
            await Expect(page.Locator("#status")).ToHaveValueAsync("submitted");
        }
        else
        {
            // Folded: the first card is on the first screen; a tap opens the filters.
            await Expect(filters).ToBeHiddenAsync();
            var card = await page.Locator("#results li").First.BoundingBoxAsync();
            Assert.True(card!.Y < viewport.Height, $"the first case starts at {card.Y} px, below the {viewport.Height} px screen");
            await page.Locator("#list-filters > summary").ClickAsync();
            await Expect(page.Locator("#q")).ToBeVisibleAsync();
            await PageChecks.AssertNoHorizontalScrollAsync(page, "the staff list with its filters open");
            await page.Locator("#status").SelectOptionAsync(new SelectOptionValue { Value = "submitted" });
            await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
            // Filtered: the filters stay open so the phone shows what is set.
            await Expect(page.Locator("#status")).ToHaveValueAsync("submitted");
            await Expect(page.Locator("#list-filters > summary")).ToContainTextAsync("已设置条件");
        }
        await PageChecks.AssertNoHorizontalScrollAsync(page, $"the staff list at {width} px");
        await PageChecks.ScreenshotAsync(page, output, $"27-staff-list-filters-{width}", fullPage: false);
        Assert.Empty(problems);
    }
}
