using Microsoft.Playwright;
using Xunit.Abstractions;

namespace PingYi.BrowserTests;

/// <summary>Checks every journey makes: no script errors or dialogs, styles loaded, nothing wider than a phone, screenshots.</summary>
internal static class PageChecks
{
    /// <summary>Script errors and dialogs (an <c>alert</c> from injected markup) are failures; HTTP errors are logged.</summary>
    public static List<string> WatchForProblems(IPage page, ITestOutputHelper output)
    {
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.Dialog += (_, dialog) =>
        {
            problems.Add($"dialog ({dialog.Type}): {dialog.Message}");
            _ = dialog.DismissAsync();
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                output.WriteLine($"HTTP {response.Status} {response.Request.Method} {response.Url}");
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                output.WriteLine($"console {message.Type} on {page.Url}: {message.Text}");
            }
        };
        return problems;
    }

    public static async Task AssertStylesheetLoadedAsync(IPage page)
    {
        var rules = await page.EvaluateAsync<int>(
            "() => [...document.styleSheets].reduce((n, s) => { try { return n + s.cssRules.length; } catch { return n; } }, 0)");
        Assert.True(rules > 0, "site.css did not load: the page is unstyled.");
    }

    public static async Task AssertNoHorizontalScrollAsync(IPage page, string where)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        if (widths[0] <= widths[1])
        {
            return;
        }
        var culprits = await page.EvaluateAsync<string[]>(
            """
            () => {
              const width = document.documentElement.clientWidth;
              return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 0.5)
                .slice(0, 10)
                .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).trim().replace(/\s+/g, '.') : ''} right=${Math.round(e.getBoundingClientRect().right)}`);
            }
            """);
        Assert.Fail($"{where} scrolls sideways on a 390 px phone: scrollWidth {widths[0]} > clientWidth {widths[1]}. Too wide: {string.Join("; ", culprits)}");
    }

    /// <summary>The whole page, or with <paramref name="fullPage"/> false what the phone's screen shows.</summary>
    public static async Task ScreenshotAsync(IPage page, ITestOutputHelper output, string name, bool fullPage = true)
    {
        var path = Path.Combine(PingYiBrowserFixture.ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = fullPage, Type = ScreenshotType.Png });
        output.WriteLine("screenshot: " + path);
    }

    /// <summary>
    /// The whole page cut into screen-high pieces (<c>name-1.png</c>, <c>name-2.png</c> …), so a long page
    /// can be looked at as the phone shows it, one screen at a time.
    /// </summary>
    public static async Task ScreenshotScreensAsync(IPage page, ITestOutputHelper output, string name)
    {
        var viewport = page.ViewportSize ?? new() { Width = 390, Height = 844 };
        var height = await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
        for (int top = 0, i = 1; top < height; top += viewport.Height, i++)
        {
            var path = Path.Combine(PingYiBrowserFixture.ScreenshotDirectory, $"{name}-{i}.png");
            await page.ScreenshotAsync(new()
            {
                Path = path,
                FullPage = true,
                Type = ScreenshotType.Png,
                Clip = new() { X = 0, Y = top, Width = viewport.Width, Height = Math.Min(viewport.Height, height - top) },
            });
        }
        output.WriteLine($"screenshots: {name}-1…{name}-{(height + viewport.Height - 1) / viewport.Height}.png");
    }
}
