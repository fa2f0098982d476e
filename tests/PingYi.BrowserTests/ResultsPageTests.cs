using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PingYi.BrowserTests;

/// <summary>
/// 评议结果: a supervisor's ranking page with its charts on a 390 px phone, and the public results page of the
/// approved and published round read by a citizen on the same phone: tables per category, no sideways scroll
/// of the page (the wide tables scroll inside their wrapper).
/// </summary>
public sealed class ResultsPageTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Password = "PingYi-Demo-2020";

    [Fact]
    public async Task The_published_results_read_on_a_phone()
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        async Task SignInAs(string email)
        {
            var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password })).Content.ReadFromJsonAsync<JsonObject>();
            http.DefaultRequestHeaders.Authorization = new("Bearer", login!["accessToken"]!.GetValue<string>());
        }
        await SignInAs("supervisor@pingyi.local");
        Assert.True((await http.PostAsJsonAsync("/api/v1/evaluations/2026/open", new { })).IsSuccessStatusCode);
        await SignInAs("deputies@pingyi.local");
        foreach (var (unit, rating) in new[] { ("xcb", "satisfied"), ("tzb", "dissatisfied"), ("zfw", "basically-satisfied") })
        {
            var answers = new JsonObject { ["formalism"] = rating, ["eight-point-rules"] = rating, ["epidemic-response"] = rating, ["discipline"] = rating };
            var rated = await http.PostAsJsonAsync("/api/v1/evaluations/2026/ratings", new JsonObject { ["source"] = "deputies", ["unitCode"] = unit, ["rating"] = rating, ["answers"] = answers, ["formReference"] = Guid.NewGuid().ToString("N") });
            Assert.True(rated.IsSuccessStatusCode, await rated.Content.ReadAsStringAsync());
        }

        // Before approval and publication the supervisor sees the rankings with the charts; the public does not.
        await using var phone = await fixture.NewPhoneContextAsync();
        var page = await phone.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync("supervisor@pingyi.local");
        await page.Locator("#password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();
        await page.Locator("#scoring-link").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "2026 年度评议结果" })).ToBeVisibleAsync();
        var chart = page.Locator("#category-party-mass img.chart");
        await Expect(chart).ToBeVisibleAsync();
        Assert.True(await chart.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the category chart SVG did not decode");
        Assert.Contains("省委宣传部", await chart.GetAttributeAsync("alt"));
        Assert.True(await page.Locator("#overdue-chart img.chart").EvaluateAsync<int>("img => img.naturalWidth") > 0, "the overdue chart SVG did not decode");
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the rankings on a phone");

        await SignInAs("supervisor@pingyi.local");
        Assert.True((await http.PostAsJsonAsync("/api/v1/evaluations/2026/close", new { })).IsSuccessStatusCode);
        Assert.True((await http.PostAsJsonAsync("/api/v1/evaluations/2026/approve", new { confirmCoverage = true })).IsSuccessStatusCode);
        // Publication from the page's switch.
        await page.GotoAsync("/staff/scoring/2026");
        await page.Locator("#publish-form button").ClickAsync();
        await Expect(page.Locator("#publication-state")).ToHaveTextAsync("已向社会公布");

        await using var citizenPhone = await fixture.NewPhoneContextAsync();
        var citizen = await citizenPhone.NewPageAsync();
        problems.AddRange(PageChecks.WatchForProblems(citizen, output));
        await citizen.GotoAsync("/results");
        await Expect(citizen.GetByRole(AriaRole.Heading, new() { Name = "2026 年度机关作风评议结果" })).ToBeVisibleAsync();
        var table = citizen.Locator("#public-party-mass table");
        await Expect(table.Locator("tr[data-unit='xcb'] td").First).ToHaveTextAsync("1");
        await Expect(table.Locator("tr[data-unit='xcb']")).ToContainTextAsync("省委宣传部");
        var last = table.Locator("tbody tr").Last;
        await Expect(last).ToHaveAttributeAsync("data-unit", "tzb");
        await Expect(last).ToContainTextAsync("重点跟踪");
        await PageChecks.AssertStylesheetLoadedAsync(citizen);
        await PageChecks.AssertNoHorizontalScrollAsync(citizen, "the public results on a phone");
        await PageChecks.ScreenshotAsync(citizen, output, "71-results-public-phone");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_statistics_read_on_a_phone_with_their_trend_charts()
    {
        await using var phone = await fixture.NewPhoneContextAsync();
        var page = await phone.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync("supervisor@pingyi.local");
        await page.Locator("#password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();

        // The demo's sample complaints were lodged on the fixture's first day (2026-11-25).
        await page.GotoAsync("/staff/statistics?from=2026-11-01&to=2026-11-30&groupBy=unit");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "统计", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#statistics-table tr[data-key='jyt'] td.lodged")).Not.ToHaveTextAsync("0");
        foreach (var chart in new[] { "#chart-counts", "#chart-rates" })
        {
            Assert.True(await page.Locator(chart).EvaluateAsync<int>("img => img.naturalWidth") > 0, $"{chart} did not decode");
        }
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the statistics by unit on a phone");

        await page.Locator("#groupBy").SelectOptionAsync("category");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(page.Locator("#statistics-table tr[data-key='formalism'] th")).ToHaveTextAsync("形式主义");
        await Expect(page.Locator("#statistics-xlsx")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("handler=xlsx"));
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the statistics by category on a phone");
        await PageChecks.ScreenshotAsync(page, output, "72-statistics-phone");

        // The public results page carries the year's totals, numbers only.
        await page.GotoAsync("/results");
        await Expect(page.Locator("#year-totals #totals-lodged")).ToContainTextAsync("件");
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the public results with the year's totals on a phone");
        Assert.Empty(problems);
    }
}
