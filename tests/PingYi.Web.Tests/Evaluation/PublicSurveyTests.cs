using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// The public questionnaire through real HTTP (page, antiforgery, cookie): reached from the printed QR code,
/// saved once per browser per unit per day, rate-limited per address, free text echoed as text.
/// </summary>
public abstract partial class PublicSurveyTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private HttpClient Browser() => fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    public static async Task<HttpResponseMessage> AnswerAsync(HttpClient browser, string path, string suggestion, string rating = "satisfied")
    {
        var form = await ExpectAsync(await browser.GetAsync(path), HttpStatusCode.OK);
        var token = Token().Match(form).Groups[1].Value;
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Rating"] = rating,
            ["Answers[attitude]"] = "5",
            ["Answers[efficiency]"] = "4",
            ["Answers[one-visit]"] = "no",
            ["Answers[suggestion]"] = suggestion,
        };
        var posted = await browser.PostAsync(path, new FormUrlEncodedContent(fields));
        // Post/Redirect/Get: a saved response answers 302 to the thank-you page.
        return posted.StatusCode == HttpStatusCode.Redirect ? await browser.GetAsync(posted.Headers.Location) : posted;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [Fact]
    public async Task The_printed_QR_page_leads_to_the_survey_and_one_browser_answers_once_a_day()
    {
        var qrPage = await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/evaluation/qr?year=2020"), HttpStatusCode.OK);
        Assert.Contains("<svg", qrPage);
        Assert.Contains("/survey/2020/service-hall/gat", qrPage);
        Assert.DoesNotContain("/survey/2020/service-hall/jyt", qrPage);
        var svg = await _api.Anonymous.GetAsync("/survey/2020/service-hall/gat/qr.svg");
        Assert.Equal("image/svg+xml", (await ExpectAsync(svg, HttpStatusCode.OK)).Length > 0 ? svg.Content.Headers.ContentType!.MediaType : null);

        var before = (await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs?unit=gat")).Content.ReadAsStringAsync();
        var browser = Browser();
        var thanks = await ExpectAsync(await AnswerAsync(browser, "/survey/2020/service-hall/gat", "<script>alert('x')</script><b>粗体</b>"), HttpStatusCode.OK);
        Assert.Contains("感谢您的评价", thanks);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;粗体&lt;/b&gt;", thanks);
        Assert.DoesNotContain("<script>alert", thanks);
        Assert.DoesNotContain("<b>粗体", thanks);

        var again = await AnswerAsync(browser, "/survey/2020/service-hall/gat", "再来一次");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("今天已经评价过", await again.Content.ReadAsStringAsync());

        // Another unit the same day is fine; the same unit the next day too.
        await ExpectAsync(await AnswerAsync(browser, "/survey/2020/service-hall/rst", "好"), HttpStatusCode.OK);
        fixture.App.Time.Advance(TimeSpan.FromDays(1));
        await ExpectAsync(await AnswerAsync(browser, "/survey/2020/service-hall/gat", "第二天"), HttpStatusCode.OK);

        var inputs = System.Text.Json.Nodes.JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs?unit=gat"), HttpStatusCode.OK))!;
        var saved = inputs["sources"]!["service-hall"]!["responses"]!.AsArray();
        Assert.Contains(saved, r => r!["answers"]!["suggestion"]?.GetValue<string>() == "<script>alert('x')</script><b>粗体</b>");
        Assert.Contains(saved, r => r!["answers"]!["suggestion"]?.GetValue<string>() == "第二天");
        Assert.DoesNotContain(saved, r => r!["answers"]!["suggestion"]?.GetValue<string>() == "再来一次");
        _ = await before;
    }

    [Fact]
    public async Task Bad_answers_show_Chinese_messages_and_units_outside_the_hall_have_no_hall_survey()
    {
        var browser = Browser();
        var page = await AnswerAsync(browser, "/survey/2020/service-hall/mzt", "x", rating: "");
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("请选择总体评价", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/survey/2020/service-hall/jyt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/survey/2020/deputies/gat")).StatusCode);
        // Every unit has its own channel, in or out of the hall.
        var channel = await ExpectAsync(await browser.GetAsync("/survey/2020/unit-channel/jyt"), HttpStatusCode.OK);
        Assert.Contains("网上群众评议", channel);
        var handlerQr = await ExpectAsync(await _api.GetAsync(Handler("jyt"), "/staff/evaluation/qr?year=2020"), HttpStatusCode.OK);
        Assert.Contains("/survey/2020/unit-channel/jyt", handlerQr);
    }
}

public sealed class SqlitePublicSurveyTests(SqliteApp fixture) : PublicSurveyTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresPublicSurveyTests(PostgresApp fixture) : PublicSurveyTests(fixture), IClassFixture<PostgresApp>;

/// <summary>Many browsers from one address: the per-address limit refuses the flood with 429.</summary>
public sealed class SurveyFloodTests
{
    /// <summary>
    /// Review "second pass", item 4 (in part): thirty fresh browser sessions from one IPv6 /64, each at its own address,
    /// used to give thirty 不满意 for one unit. Now at most the per-network daily cap counts; the next /64 is not affected.
    /// </summary>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Thirty_fresh_sessions_from_one_64_count_at_most_the_cap(DatabaseProvider provider)
    {
        using var app = AppFactory.Create(provider, new Dictionary<string, string?>
        {
            ["RateLimits:SurveyPerAddressPerHour"] = "1000",
            ["RateLimits:SurveyPerUnitPerNetworkPerDay"] = "10",
        });
        const string Path = "/survey/2020/service-hall/scj";
        var before = await CountAsync(app);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
            browser.DefaultRequestHeaders.Add("X-Test-Peer", $"2001:db8:5:1::{i + 1:x}");
            statuses.Add((await PublicSurveyTests.AnswerAsync(browser, Path, $"刷票{i}", "dissatisfied")).StatusCode);
        }
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, await CountAsync(app) - before);

        var refused = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        refused.DefaultRequestHeaders.Add("X-Test-Peer", "2001:db8:5:1::ffff");
        Assert.Contains("已达上限", await (await PublicSurveyTests.AnswerAsync(refused, Path, "再来一次", "dissatisfied")).Content.ReadAsStringAsync());
        var neighbour = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        neighbour.DefaultRequestHeaders.Add("X-Test-Peer", "2001:db8:5:2::1");
        Assert.Equal(HttpStatusCode.OK, (await PublicSurveyTests.AnswerAsync(neighbour, Path, "另一个网络")).StatusCode);
    }

    private static async Task<int> CountAsync(AppFactory app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        return await db.EvaluationResponses.CountAsync(r => r.Source == "service-hall" && db.Units.Any(u => u.Id == r.UnitId && u.Code == "scj"));
    }

    [Fact]
    public async Task Fresh_browsers_from_one_address_are_refused_past_the_hourly_limit()
    {
        using var app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:SurveyPerAddressPerHour"] = "3" });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
            statuses.Add((await PublicSurveyTests.AnswerAsync(browser, "/survey/2020/service-hall/scj", $"第{i}位")).StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}
