using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PingYi.BrowserTests;

/// <summary>A staff account's session in the journeys: signed in on the page, or as a bearer API client.</summary>
internal static class StaffSession
{
    /// <summary>Every demo account's password (demo mode only).</summary>
    public const string DemoPassword = "PingYi-Demo-2020";

    /// <summary>Signs in through the login page and waits for the 工作台.</summary>
    public static async Task SignInAsync(IPage page, string email, string password = DemoPassword)
    {
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();
    }

    /// <summary>An API client signed in with a bearer token.</summary>
    public static async Task<HttpClient> ApiAsync(Uri baseAddress, string email, string password = DemoPassword)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        var response = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        var login = await response.Content.ReadFromJsonAsync<JsonObject>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", login!["accessToken"]!.GetValue<string>());
        return http;
    }

    /// <summary>A successful answer's JSON body; a failure shows its status and body.</summary>
    public static async Task<JsonObject> ExpectJsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
