using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PingYi.BrowserTests;

/// <summary>
/// A supervisor on a phone enrols an authenticator app (the key and its QR code, a code from the app, recovery
/// codes shown once), signs out, and signs in again in two steps: the password, then the 6-digit code, which the
/// test computes from the shared key as the phone app does (RFC 6238).
/// </summary>
public sealed class TwoFactorJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string DemoPassword = "PingYi-Demo-2020";

    [Fact]
    public async Task A_supervisor_enrols_an_authenticator_on_a_phone_and_signs_in_with_a_code()
    {
        await using var context = await fixture.NewPhoneContextAsync();
        var page = await context.NewPageAsync();
        var problems = PageChecks.WatchForProblems(page, output);

        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync("supervisor@pingyi.local");
        await page.Locator("#password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();

        await page.Locator("#two-factor-link").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "两步验证" })).ToBeVisibleAsync();
        var qr = page.Locator("#two-factor-qr");
        await Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the QR code did not decode");
        var key = (await page.Locator("#authenticator-key").InnerTextAsync()).Trim();
        await PageChecks.AssertNoHorizontalScrollAsync(page, "two-factor enrolment on a phone");
        await PageChecks.ScreenshotAsync(page, output, "70-two-factor-enrol-phone");

        await page.Locator("#code").FillAsync(Code(key, stepOffset: -1));
        await page.GetByRole(AriaRole.Button, new() { Name = "验证并启用" }).ClickAsync();
        await Expect(page.Locator("#two-factor-enabled")).ToBeVisibleAsync();
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await PageChecks.ScreenshotAsync(page, output, "71-two-factor-recovery-codes-phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync("supervisor@pingyi.local");
        await page.Locator("#password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator("#code-form")).ToBeVisibleAsync();
        await PageChecks.ScreenshotAsync(page, output, "72-two-factor-code-step-phone");

        // A wrong code is refused with a Chinese message; the right one signs in.
        await page.Locator("#code").FillAsync(Wrong(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "验证并登录" }).ClickAsync();
        await Expect(page.Locator(".alert.error")).ToContainTextAsync("动态验证码不正确");
        await page.Locator("#code").FillAsync(Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "验证并登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        await page.GotoAsync("/staff/two-factor");
        await Expect(page.Locator("#two-factor-status")).ToContainTextAsync("已启用两步验证");

        Assert.Empty(problems);
    }

    /// <summary>RFC 6238: HMAC-SHA1 over the 30-second step count, dynamic truncation, 6 digits.</summary>
    private string Code(string base32Key, int stepOffset = 0)
    {
        // The server counts steps on its (fake) clock; each code is good once.
        var step = fixture.Time.GetUtcNow().ToUnixTimeSeconds() / 30 + stepOffset;
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
#pragma warning disable CA5350 // authenticator apps use HMAC-SHA1; this computes what the phone computes.
        var hash = HMACSHA1.HashData(FromBase32(base32Key), counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private string Wrong(string base32Key)
    {
        var valid = Enumerable.Range(-3, 7).Select(i => Code(base32Key, i)).ToHashSet();
        return Enumerable.Range(0, 100).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).First(c => !valid.Contains(c));
    }

    private static byte[] FromBase32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)((buffer >> (bits - 8)) & 0xff));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
