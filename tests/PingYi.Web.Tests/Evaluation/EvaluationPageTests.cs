using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>The staff pages of the evaluation, signed in with the cookie: the rating form per unit, the filing list, the document upload.</summary>
public abstract partial class EvaluationPageTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    private async Task<HttpClient> SignInAsync(string email)
    {
        var browser = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await ExpectAsync(await browser.GetAsync("/account/login"), HttpStatusCode.OK);
        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
            ["Email"] = email,
            ["Password"] = Password,
            ["ReturnUrl"] = "/staff",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string path, Dictionary<string, string> fields)
    {
        var form = await ExpectAsync(await browser.GetAsync(path), HttpStatusCode.OK);
        fields["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value;
        return await browser.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>Post/Redirect/Get: a saved form answers 302, and the page it leads to says what was done.</summary>
    internal static async Task<string> FollowAsync(HttpClient browser, HttpResponseMessage posted)
    {
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        return await ExpectAsync(await browser.GetAsync(posted.Headers.Location), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_evaluator_fills_the_rating_form_of_a_unit_and_errors_show_beside_the_fields()
    {
        var deputies = await SignInAsync(EvaluationApiTests.Deputies);
        var hub = await ExpectAsync(await deputies.GetAsync("/staff/evaluation"), HttpStatusCode.OK);
        Assert.Contains("/staff/evaluation/rate/tsw", hub);
        Assert.Contains("下载评议表模板", hub);

        // One free-text box: the questionnaire's own 意见和建议, not a second generic comment beside it.
        var form = await ExpectAsync(await deputies.GetAsync("/staff/evaluation/rate/tsw"), HttpStatusCode.OK);
        Assert.Single(Regex.Matches(form, "<textarea"));
        Assert.Contains("name=\"Answers[suggestion]\"", form);
        Assert.DoesNotContain("name=\"Comment\"", form);

        var bad = await PostFormAsync(deputies, "/staff/evaluation/rate/tsw", new() { ["Answers[formalism]"] = "satisfied" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badPage = await bad.Content.ReadAsStringAsync();
        Assert.Contains("请选择总体评价", badPage);
        Assert.Contains("请回答“机关纪律作风建设情况”", badPage);

        var ok = await PostFormAsync(deputies, "/staff/evaluation/rate/tsw", new()
        {
            ["Rating"] = "dissatisfied",
            ["Answers[formalism]"] = "dissatisfied",
            ["Answers[eight-point-rules]"] = "satisfied",
            ["Answers[epidemic-response]"] = "satisfied",
            ["Answers[discipline]"] = "basically-satisfied",
            ["Comment"] = "<i>会议过多</i>",
            ["FormReference"] = PingYi.Web.Tests.Infrastructure.StaffApi.Token("纸表"),
        });
        var okPage = await FollowAsync(deputies, ok);
        Assert.Contains("评议已保存", okPage);
        var inputs = System.Text.Json.Nodes.JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs?unit=tsw"), HttpStatusCode.OK))!;
        Assert.Contains(inputs["sources"]!["deputies"]!["responses"]!.AsArray(), r => r!["comment"]!.GetValue<string>() == "<i>会议过多</i>");

        // Liaison: only assigned units have a form.
        var liaison = await SignInAsync(EvaluationApiTests.Liaison);
        Assert.Equal(HttpStatusCode.OK, (await liaison.GetAsync("/staff/evaluation/rate/jyt")).StatusCode);
        var refused = await liaison.GetAsync("/staff/evaluation/rate/fgw");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/denied", refused.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task A_unit_uploads_its_plan_on_the_page_and_the_supervisor_sees_who_is_late_or_missing()
    {
        var handler = await SignInAsync(Handler("tsw"));
        var page = await ExpectAsync(await handler.GetAsync("/staff/evaluation"), HttpStatusCode.OK);
        Assert.Contains("单位自评材料", page);
        var token = Token().Match(page).Groups[1].Value;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("implementation-plan"), "milestone" },
            { new ByteArrayContent(TestData.Pdf), "file", "共青团实施方案.pdf" },
        };
        var uploaded = await FollowAsync(handler, await handler.PostAsync("/staff/evaluation?handler=Document", form));
        Assert.Contains("已上传“共青团实施方案.pdf”（已超过报送期限）", uploaded);

        var supervisor = await SignInAsync(Supervisor);
        var filing = await ExpectAsync(await supervisor.GetAsync("/staff/evaluation"), HttpStatusCode.OK);
        Assert.Contains("自评材料报送情况", filing);
        Assert.Contains("超期报送", filing);
        Assert.Contains("逾期未报", filing);
    }

    [Fact]
    public async Task An_inspector_records_an_inspection_with_a_photo_on_the_page_and_a_fake_photo_saves_nothing()
    {
        var inspector = await SignInAsync(Inspector);
        async Task<HttpResponseMessage> PostAsync(byte[] photo)
        {
            var page = await ExpectAsync(await inspector.GetAsync("/staff/evaluation/inspect"), HttpStatusCode.OK);
            using var form = new MultipartFormDataContent
            {
                { new StringContent(Token().Match(page).Groups[1].Value), "__RequestVerificationToken" },
                { new StringContent("fl"), "UnitCode" },
                { new StringContent("2020-11-03"), "Date" },
                { new StringContent("true"), "Covert" },
                { new StringContent("服务窗口无人值守"), "Findings[0].Description" },
                { new StringContent("serious"), "Findings[0].Severity" },
                { new StringContent("dissatisfied"), "Rating" },
                { new ByteArrayContent(photo), "Photos", "现场.png" },
            };
            return await inspector.PostAsync("/staff/evaluation/inspect", form);
        }
        var fake = await PostAsync("GIF89a not really"u8.ToArray());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, fake.StatusCode);
        Assert.Contains("不是 JPG、PNG、PDF、DOCX 文件", await fake.Content.ReadAsStringAsync());
        var inputs = System.Text.Json.Nodes.JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs?unit=fl"), HttpStatusCode.OK))!;
        Assert.Empty(inputs["inspections"]!.AsArray());

        Assert.Contains("检查记录已保存（1 个问题，1 张照片）", await FollowAsync(inspector, await PostAsync(TestData.Png)));
        inputs = System.Text.Json.Nodes.JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs?unit=fl"), HttpStatusCode.OK))!;
        var inspection = Assert.Single(inputs["inspections"]!.AsArray())!;
        Assert.Equal("serious", inspection["findings"]![0]!["severity"]!.GetValue<string>());
        Assert.Equal(1, inspection["photos"]!.GetValue<int>());

        var deputies = await SignInAsync(EvaluationApiTests.Deputies);
        Assert.Equal(HttpStatusCode.Redirect, (await deputies.GetAsync("/staff/evaluation/inspect")).StatusCode);
    }
}

public sealed class SqliteEvaluationPageTests(SqliteApp fixture) : EvaluationPageTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresEvaluationPageTests(PostgresApp fixture) : EvaluationPageTests(fixture), IClassFixture<PostgresApp>;
