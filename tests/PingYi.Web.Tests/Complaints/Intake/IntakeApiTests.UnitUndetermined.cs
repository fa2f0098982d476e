using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Complaints.Intake;

/// <summary>不清楚: a complaint lodged with no unit is 待确定单位 until a supervisor assigns it (issue 24).</summary>
public abstract partial class IntakeApiTests
{
    [Fact]
    public async Task A_complaint_without_a_unit_waits_for_the_supervisor_and_no_unit_sees_or_counts_it_before()
    {
        var api = StaffApi.For(fixture.App);
        var body = Complaint("不清楚单位：窗口推诿");
        body.Remove("unitCode");
        var (number, code) = await LodgeAsync(Client, body);

        // The complainant reads 待确定单位, with no code.
        var view = await (await GetAsync(number, code)).ReadObjectAsync();
        Assert.Null(view["unit"]!["code"]);
        Assert.Equal("待确定单位", view["unit"]!["name"]!.GetValue<string>());

        // Supervisors see it in the list and on the case; no unit's handler does.
        var listed = (await api.ListAsync(Supervisor, "?q=" + number))["items"]!.AsArray().Single()!;
        Assert.Equal("待确定单位", listed["unit"]!["name"]!.GetValue<string>());
        Assert.Null(listed["unit"]!["code"]);
        var staff = await api.StaffViewAsync(Supervisor, number);
        Assert.Equal("待确定单位", staff["unit"]!["name"]!.GetValue<string>());
        Assert.Contains("assign", await api.ActionsAsync(Supervisor, number));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(Handler("jyt"), $"/api/v1/complaints/{number}")).StatusCode);
        Assert.DoesNotContain(number, await api.ListNumbersAsync(Handler("jyt"), "?q=" + number));
        var suggestions = await api.GetAsync(Supervisor, $"/api/v1/complaints/{number}/suggestions");
        Assert.Equal(HttpStatusCode.OK, suggestions.StatusCode);

        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var stored = await db.Complaints.AsNoTracking().SingleAsync(c => c.TrackingNumber == number);
            Assert.Null(stored.UnitId);
            Assert.Empty(stored.HandlingRecords);
        }

        // The supervisor chooses the unit at triage with the assign action: from then on the case is the unit's.
        await api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        Assert.Equal("jyt", (await api.StaffViewAsync(Handler("jyt"), number))["unit"]!["code"]!.GetValue<string>());
        var after = await (await GetAsync(number, code)).ReadObjectAsync();
        Assert.Equal("省教育厅", after["unit"]!["name"]!.GetValue<string>());
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var stored = await db.Complaints.AsNoTracking().SingleAsync(c => c.TrackingNumber == number);
            var jyt = await db.Units.Where(u => u.Code == "jyt").Select(u => u.Id).SingleAsync();
            Assert.Equal(jyt, stored.UnitId);
            Assert.Equal(jyt, Assert.Single(stored.HandlingRecords).UnitId);
        }
    }

    [Fact]
    public async Task The_form_offers_不清楚_and_an_empty_choice_is_still_an_error()
    {
        var browser = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await browser.GetStringAsync("/complaints/new");
        Assert.Contains("<option value=\"unknown\">不清楚", form);
        Dictionary<string, string> Fields(string page, string unit) => new()
        {
            ["__RequestVerificationToken"] = FormAntiforgery().Match(page).Groups[1].Value,
            ["FormToken"] = WebUtility.HtmlDecode(FormTokenField().Match(page).Groups[1].Value),
            ["Input.UnitCode"] = unit, ["Input.Category"] = "formalism", ["Input.Title"] = "不知道归哪个单位管",
            ["Input.Description"] = "办事窗口多次推诿，要求重复提交材料。", ["Input.Anonymous"] = "true",
        };

        var empty = await browser.PostAsync("/complaints/new", new FormUrlEncodedContent(Fields(form, "")));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var shown = await empty.Content.ReadAsStringAsync();
        Assert.Contains("请选择“不清楚”", shown);

        var posted = await browser.PostAsync("/complaints/new", new FormUrlEncodedContent(Fields(shown, "unknown")));
        Assert.True(posted.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"{(int)posted.StatusCode}");
        var lodged = await browser.GetStringAsync(posted.Headers.Location);
        var number = Regex.Match(lodged, "id=\"tracking-number\">([^<]+)<").Groups[1].Value;
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        Assert.Null(await db.Complaints.Where(c => c.TrackingNumber == number).Select(c => c.UnitId).SingleAsync());
    }

    [Fact]
    public async Task 查找_matches_the_matter_and_the_form_suggests_units_from_the_text_without_choosing_one()
    {
        var browser = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await browser.GetStringAsync("/complaints/new");
        async Task<string> SearchAsync(string search, string title, string description)
        {
            var response = await browser.PostAsync("/complaints/new?handler=Search", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = FormAntiforgery().Match(form).Groups[1].Value,
                ["UnitSearch"] = search, ["Input.UnitCode"] = "", ["Input.Title"] = title, ["Input.Description"] = description,
            }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        static List<string> Options(string page) => UnitOption().Matches(page).Select(m => m.Groups[1].Value).Where(v => v is not "" and not "unknown").ToList();

        // No unit's name holds 养老金; the duties of the pension authority do. Listed, not chosen.
        var matter = await SearchAsync("养老金", "", "");
        Assert.Contains("rst", Options(matter));
        Assert.DoesNotContain("jyt", Options(matter));
        Assert.DoesNotContain("selected", UnitSelect().Match(matter).Value.Replace("<option value=\"\">请选择单位</option>", "", StringComparison.Ordinal));
        Assert.DoesNotContain("id=\"unit-hint\"", matter);

        // What the citizen wrote about the matter: a hint, the whole list kept, nothing chosen.
        var described = await SearchAsync("", "退休金迟迟领不到", "到社保局办理退休审批三个月了，养老金一直领不到，窗口说档案有问题。");
        Assert.Contains("您反映的问题可能涉及：省人力资源和社会保障厅", described);
        Assert.Contains("jyt", Options(described));
        Assert.Matches("<option value=\"rst\">", described);
        Assert.Contains("退休金迟迟领不到", described);

        // Nothing typed about the matter: no hint.
        Assert.DoesNotContain("id=\"unit-hint\"", await SearchAsync("教育", "", ""));
    }

    [GeneratedRegex("<option value=\"([a-z]*)\"")]
    private static partial Regex UnitOption();

    [GeneratedRegex("<select id=\"unit\"[\\s\\S]*?</select>")]
    private static partial Regex UnitSelect();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormAntiforgery();

    [GeneratedRegex("<input[^>]*name=\"FormToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex FormTokenField();
}
