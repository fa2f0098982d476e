using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PingYi.BrowserTests.StaffSession;

namespace PingYi.BrowserTests;

/// <summary>
/// The administrator on a phone: adds a unit (flagged: no handler), gives it a handler account whose
/// owner sets a password through the one-time link and signs in, then disables it, which ends that
/// handler's session at once; the audit page shows all of it.
/// </summary>
public sealed class AdministrationJourneyTests(PingYiBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PingYiBrowserFixture>
{
    private const string DemoPassword = "PingYi-Demo-2020";
    private const string NewPassword = "Chengban-Mima-2026";

    [Fact]
    public async Task An_administrator_adds_a_unit_and_its_handler_and_disables_the_handler()
    {
        await using var adminContext = await fixture.NewPhoneContextAsync();
        await using var handlerContext = await fixture.NewPhoneContextAsync();
        var admin = await adminContext.NewPageAsync();
        var handler = await handlerContext.NewPageAsync();
        var problems = new[] { admin, handler }.Select(p => PageChecks.WatchForProblems(p, output)).ToList();
        var code = "b" + Guid.NewGuid().ToString("N")[..7];
        var email = $"{code}@example.cn";

        await SignInAsync(admin, "admin@pingyi.local", DemoPassword);
        await admin.GetByRole(AriaRole.Link, new() { Name = "系统管理" }).First.ClickAsync();
        await admin.Locator("a[href='/staff/admin/units']").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "参评单位管理" })).ToBeVisibleAsync();
        await PageChecks.AssertNoHorizontalScrollAsync(admin, "admin units");

        // A bad code is refused beside the field, in Chinese; then the unit is saved.
        await admin.GetByRole(AriaRole.Link, new() { Name = "新增单位" }).ClickAsync();
        await admin.Locator("#code").FillAsync("Bad Code");
        await admin.Locator("#name").FillAsync("省浏览器测试局");
        await admin.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(admin.Locator(".field-error").First).ToContainTextAsync("单位代码");
        await admin.Locator("#code").FillAsync(code);
        await admin.Locator("#category").SelectOptionAsync(new SelectOptionValue { Value = "central" });
        await admin.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex("/staff/admin/units$"));
        await Expect(admin.Locator("#no-handler-alert")).ToBeVisibleAsync();
        await Expect(admin.Locator($"tr[data-code='{code}']")).ToContainTextAsync("无承办人");

        // Its handler account: the page shows the one-time link once.
        await admin.GotoAsync("/staff/admin/users/edit");
        await admin.Locator("#email").FillAsync(email);
        await admin.Locator("#displayName").FillAsync("浏览器承办人");
        await admin.Locator("#role").SelectOptionAsync(new SelectOptionValue { Value = "unit-handler" });
        await admin.Locator("#unitCode").SelectOptionAsync(new SelectOptionValue { Value = code });
        await admin.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        var link = (await admin.Locator("#issued-link .mono").InnerTextAsync()).Trim();
        Assert.Contains("/account/set-password?", link);
        await admin.GotoAsync("/staff/admin/units");
        await Expect(admin.Locator($"tr[data-code='{code}']")).ToContainTextAsync("浏览器承办人");
        await Expect(admin.Locator($"tr[data-code='{code}']")).Not.ToContainTextAsync("无承办人");

        // The handler sets a password through the link (a weak one is refused) and signs in.
        await handler.GotoAsync(new Uri(link).PathAndQuery);
        await handler.Locator("#new").FillAsync("short");
        await handler.Locator("#confirm").FillAsync("short");
        await handler.GetByRole(AriaRole.Button, new() { Name = "设置密码" }).ClickAsync();
        await Expect(handler.Locator(".field-error").First).ToContainTextAsync("至少 10 位");
        await handler.Locator("#new").FillAsync(NewPassword);
        await handler.Locator("#confirm").FillAsync(NewPassword);
        await handler.GetByRole(AriaRole.Button, new() { Name = "设置密码" }).ClickAsync();
        await Expect(handler.Locator("#password-set")).ToBeVisibleAsync();
        await SignInAsync(handler, email, NewPassword);
        await Expect(handler.Locator("#staff-unit")).ToHaveTextAsync("省浏览器测试局");

        // Disabled: the handler's very next page is the sign-in form.
        await admin.GotoAsync($"/staff/admin/users?unit={code}");
        // 停用 asks first: the account stays active until 确认停用.
        await admin.Locator("summary", new() { HasText = "停用" }).ClickAsync();
        await Expect(admin.Locator("#users-message")).ToHaveCountAsync(0);
        await admin.GetByRole(AriaRole.Button, new() { Name = "确认停用" }).ClickAsync();
        await Expect(admin.Locator("#users-message")).ToContainTextAsync("已停用");
        await handler.GotoAsync("/staff");
        await Expect(handler).ToHaveURLAsync(new Regex("/account/login"));

        // The audit page lists what happened, filtered by kind.
        await admin.GotoAsync("/staff/admin/audit");
        await admin.Locator("#kind").SelectOptionAsync(new SelectOptionValue { Value = "user.disabled" });
        await admin.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(admin.Locator("#audit-records li").First).ToContainTextAsync(email);
        await PageChecks.AssertNoHorizontalScrollAsync(admin, "audit");
        await PageChecks.ScreenshotAsync(admin, output, "admin-audit");

        Assert.All(problems, p => Assert.Empty(p));
    }

    [Fact]
    public async Task Anyone_but_an_administrator_is_turned_away_from_the_admin_pages()
    {
        await using var context = await fixture.NewPhoneContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, "supervisor@pingyi.local", DemoPassword);
        foreach (var path in new[] { "/staff/admin", "/staff/admin/units", "/staff/admin/users", "/staff/admin/audit" })
        {
            await page.GotoAsync(path);
            await Expect(page).ToHaveURLAsync(new Regex("/account/denied"));
        }
    }

}
