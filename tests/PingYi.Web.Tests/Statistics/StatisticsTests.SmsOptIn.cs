using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data.Identity;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Statistics;

/// <summary>
/// /staff/sms (issue 25 §2): a staff member opts in to SMS for urgent notices with a mobile number and out again.
/// It runs on the statistics walk's host (no case, no clock: nothing either test reads), rather than start another.
/// </summary>
public abstract partial class StatisticsTests
{
    [Fact]
    public async Task A_staff_member_opts_in_to_urgent_sms_with_a_mobile_shown_masked_and_out_again()
    {
        var browser = new PageBrowser(fixture.App);
        await browser.SignInAsync(Handler("czt"), Password);
        var page = await (await browser.GetAsync("/staff/sms")).Content.ReadAsStringAsync();
        Assert.Contains("当前：未开启", page);

        // A landline gets no text message; opting in without any number is refused too.
        var landline = await browser.SubmitAsync("/staff/sms", new Dictionary<string, string> { ["Enabled"] = "true", ["Mobile"] = "0431-88902005" });
        Assert.Equal(HttpStatusCode.OK, landline.StatusCode);
        Assert.Contains("固定电话不能接收短信", await landline.Content.ReadAsStringAsync());
        var none = await browser.SubmitAsync("/staff/sms", new Dictionary<string, string> { ["Enabled"] = "true", ["Mobile"] = "" });
        Assert.Contains("接收短信需要填写手机号码", await none.Content.ReadAsStringAsync());

        var saved = await browser.SubmitAsync("/staff/sms", new Dictionary<string, string> { ["Enabled"] = "true", ["Mobile"] = "+86 139-0431-5678" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        page = await (await browser.GetAsync("/staff/sms")).Content.ReadAsStringAsync();
        Assert.Contains("已开启，发送至 139****5678", page);
        Assert.DoesNotContain("13904315678", page);
        Assert.Equal((true, "13904315678"), await StoredAsync(Handler("czt")));

        // Left empty, the number on file is kept; opting out erases it.
        await browser.SubmitAsync("/staff/sms", new Dictionary<string, string> { ["Enabled"] = "true", ["Mobile"] = "" });
        Assert.Equal((true, "13904315678"), await StoredAsync(Handler("czt")));
        await browser.SubmitAsync("/staff/sms", new Dictionary<string, string> { ["Mobile"] = "" });
        Assert.Equal((false, (string?)null), await StoredAsync(Handler("czt")));
        Assert.Contains("当前：未开启", await (await browser.GetAsync("/staff/sms")).Content.ReadAsStringAsync());
    }

    private async Task<(bool, string?)> StoredAsync(string email)
    {
        using var scope = fixture.App.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByEmailAsync(email);
        return (user!.SmsUrgentNotices, user.PhoneNumber);
    }
}
