using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// Last year's tracking list followed up, on a phone: the inspector's worklist names the units still to inspect, and a
/// unit's dossier (单位档案) reads its years, its ledger items and its 通报 at 390 px without sideways scrolling.
/// </summary>
public sealed class DossierPageTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string Password = "PingYi-Demo-2020";

    [Fact]
    public async Task The_worklist_and_a_units_dossier_read_on_a_phone()
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email = "supervisor@pingyi.local", password = Password })).Content.ReadFromJsonAsync<JsonObject>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", login!["accessToken"]!.GetValue<string>());
        foreach (var year in new[] { 2024, 2025 })
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes("单位代码,类别,排名,重点跟踪对象\nswj,中直单位,1,否\nhg,中直单位,2,否\nrh,中直单位,3,否\ntjj,中直单位,4,是\n"));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(file, "file", $"prior-{year}.csv");
            var imported = await http.PostAsync($"/api/v1/evaluations/{year}/prior-ranks", form);
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        }
        Assert.True((await http.PostAsJsonAsync("/api/v1/evaluations/2026/open", new { })).IsSuccessStatusCode);

        await using var phone = await fixture.NewPhoneContextAsync();
        var page = await phone.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);
        await SignInAsync(page, "inspector@pingyi.local");
        await page.GotoAsync("/staff/evaluation/inspect");
        await Expect(page.Locator("#tracking-list-worklist li[data-unit=tjj]")).ToContainTextAsync("尚需检查 1 次");
        await PageChecks.AssertNoHorizontalScrollAsync(page, "the inspector's worklist on a phone");
        await PageChecks.ScreenshotAsync(page, output, "91-inspect-worklist-390");

        await page.Context.ClearCookiesAsync();
        await SignInAsync(page, "tjj@pingyi.local");
        await page.GotoAsync("/staff/dossier/tjj");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("单位档案");
        await Expect(page.Locator("#dossier-years li[data-year='2025']")).ToContainTextAsync("列入重点跟踪、通报");
        await Expect(page.Locator("#dossier-ledger li")).ToHaveCountAsync(2);
        await Expect(page.Locator("#dossier-ledger")).ToContainTextAsync("报送整改方案");
        await PageChecks.AssertNoHorizontalScrollAsync(page, "a unit's dossier on a phone");
        await PageChecks.ScreenshotAsync(page, output, "92-dossier-390");
        Assert.Empty(problems);
    }

}
