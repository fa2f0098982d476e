using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// Review "second pass", item 4: one-time evaluation codes (一事一评). A unit's handler prints a batch; each code
/// answers once, for its unit and round, until it expires; the batch page shows the codes once. Uncoded answers
/// through the static QR that come in a burst wait for a Supervisor before they move the unit's score.
/// Each test runs on its own app (fresh database) so that other tests' answers do not count into its window.
/// </summary>
public abstract partial class SurveyCodeTests(DatabaseProvider provider)
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("<code>([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})</code>")]
    private static partial Regex PrintedCode();

    [GeneratedRegex("name=\"Nonce\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex Nonce();

    private AppFactory NewApp() => AppFactory.Create(provider, new Dictionary<string, string?> { ["RateLimits:SurveyPerAddressPerHour"] = "100000" });

    /// <summary>Makes a batch on the page as <paramref name="email"/>; returns the page and the form posted (to post it again).</summary>
    private static async Task<(HttpResponseMessage Page, Dictionary<string, string> Form)> MakeBatchAsync(StaffApi api, string email, string unit, int count)
    {
        var client = await api.AsAsync(email);
        var form = await ExpectAsync(await client.GetAsync("/staff/evaluation/codes?year=2020"), HttpStatusCode.OK);
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
            ["Nonce"] = Nonce().Match(form).Groups[1].Value,
            ["Unit"] = unit,
            ["Count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return (await client.PostAsync("/staff/evaluation/codes?year=2020", new FormUrlEncodedContent(fields)), fields);
    }

    private static async Task<List<string>> CodesAsync(StaffApi api, string email, string unit, int count)
    {
        var (page, _) = await MakeBatchAsync(api, email, unit, count);
        var html = await ExpectAsync(page, HttpStatusCode.OK);
        return PrintedCode().Matches(html).Select(m => m.Groups[1].Value).ToList();
    }

    private static HttpClient Browser(AppFactory app) => app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    private static Task<HttpResponseMessage> AnswerWithCodeAsync(AppFactory app, string unit, string? code, string rating = "satisfied") =>
        Browser(app).PostAsync($"/api/v1/survey/2020/service-hall/{unit}", TestData.Json(new JsonObject
        {
            ["code"] = code,
            ["rating"] = rating,
            ["answers"] = new JsonObject { ["attitude"] = "5", ["efficiency"] = "4", ["one-visit"] = "yes", ["suggestion"] = "办得快" },
        }));

    private static async Task<double?> HallScoreAsync(StaffApi api, string unit)
    {
        var rankings = JsonNode.Parse(await ExpectAsync(await api.GetAsync(Supervisor, "/api/v1/evaluations/2020/rankings"), HttpStatusCode.OK))!;
        var row = rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Single(u => u!["unitCode"]!.GetValue<string>() == unit)!;
        return row["sources"]!["service-hall"]?.GetValue<double>();
    }

    [Fact]
    public async Task A_code_answers_once_for_its_own_unit_and_the_page_shows_the_batch_once()
    {
        using var app = NewApp();
        var api = StaffApi.For(app);
        var (page, form) = await MakeBatchAsync(api, Handler("gat"), "gat", 3);
        var html = await ExpectAsync(page, HttpStatusCode.OK);
        var codes = PrintedCode().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, codes.Distinct().Count());
        Assert.Contains("<svg", html);
        Assert.Contains($"/survey/2020/service-hall/gat?code={codes[0].Replace("-", "", StringComparison.Ordinal)}", html);
        Assert.Contains("no-store", page.Headers.CacheControl!.ToString());

        // Only hashes are stored; neither the list nor the same form posted again shows a code.
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var hashes = await db.SurveyCodes.Select(c => c.Hash).ToListAsync();
            Assert.Equal(3, hashes.Count);
            Assert.All(codes, c => Assert.DoesNotContain(c.Replace("-", "", StringComparison.Ordinal), hashes));
            Assert.Contains(SurveyCodeFormat.Hash(codes[0].Replace("-", "", StringComparison.Ordinal)), hashes);
        }
        var client = await api.AsAsync(Handler("gat"));
        var list = await ExpectAsync(await client.GetAsync("/staff/evaluation/codes?year=2020"), HttpStatusCode.OK);
        Assert.Contains("code-batches", list);
        Assert.Empty(PrintedCode().Matches(list));
        var again = await client.PostAsync("/staff/evaluation/codes?year=2020", new FormUrlEncodedContent(form));
        var againHtml = await again.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("已经生成并显示过一次", againHtml);
        Assert.Empty(PrintedCode().Matches(againHtml));
        using (var scope = app.Services.CreateScope())
        {
            // The reload made no second batch either.
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<PingYiDbContext>().SurveyCodeBatches.CountAsync());
        }

        // A handler cannot make codes for another unit.
        var (foreign, _) = await MakeBatchAsync(api, Handler("gat"), "rst", 1);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);

        // The code answers once (typed in lower case with its dashes, as people do) …
        await ExpectAsync(await AnswerWithCodeAsync(app, "gat", codes[0].ToLowerInvariant()), HttpStatusCode.OK);
        var twice = await ExpectProblemAsync(await AnswerWithCodeAsync(app, "gat", codes[0]), HttpStatusCode.Conflict);
        Assert.Contains("已经评价过", twice.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        // … and on the page too: the printed QR's link says so before anyone fills in the form.
        var spent = await Browser(app).GetAsync($"/survey/2020/service-hall/gat?code={codes[0]}");
        Assert.Equal(HttpStatusCode.Conflict, spent.StatusCode);
        Assert.Contains("已经评价过", await spent.Content.ReadAsStringAsync());

        // Another unit's code is refused, on the API and on the page.
        var other = await ExpectProblemAsync(await AnswerWithCodeAsync(app, "rst", codes[1]), HttpStatusCode.Forbidden);
        Assert.Contains("不是", other["errors"]!["code"]![0]!.GetValue<string>());
        var otherPage = await Browser(app).GetAsync($"/survey/2020/service-hall/rst?code={codes[1]}");
        Assert.Equal(HttpStatusCode.Forbidden, otherPage.StatusCode);
        Assert.Contains("请扫描办事窗口提供的评价码", await otherPage.Content.ReadAsStringAsync());
        // A made-up code is refused as unknown.
        Assert.Equal(HttpStatusCode.BadRequest, (await AnswerWithCodeAsync(app, "gat", "ABCD-EFGH-JKMN")).StatusCode);

        // Through the page form with the code: counted as a coded answer, the browser's daily answer untouched.
        var browser = Browser(app);
        var path = $"/survey/2020/service-hall/gat?code={codes[1]}";
        var formPage = await ExpectAsync(await browser.GetAsync(path), HttpStatusCode.OK);
        var posted = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(formPage).Groups[1].Value,
            ["Code"] = codes[1], ["Rating"] = "dissatisfied", ["Answers[attitude]"] = "2", ["Answers[efficiency]"] = "2",
            ["Answers[one-visit]"] = "no", ["Answers[suggestion]"] = "排队太久",
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var coded = await db.EvaluationResponses.Where(r => r.Coded).ToListAsync();
            Assert.Equal(2, coded.Count);
            Assert.All(coded, r => Assert.False(r.AwaitingConfirmation));
            Assert.Equal(2, await db.SurveyCodes.CountAsync(c => c.UsedAtUtc != null && c.ResponseId != null));
        }
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        using var app = NewApp();
        var api = StaffApi.For(app);
        var codes = await CodesAsync(api, Supervisor, "rst", 2);
        Assert.Equal(2, codes.Count);
        // 2020's file keeps the default: 30 days.
        app.Time.Advance(TimeSpan.FromDays(29));
        await ExpectAsync(await AnswerWithCodeAsync(app, "rst", codes[0]), HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var expired = await ExpectProblemAsync(await AnswerWithCodeAsync(app, "rst", codes[1]), HttpStatusCode.Gone);
        Assert.Contains("过期", expired["errors"]!["code"]![0]!.GetValue<string>());
        var page = await Browser(app).GetAsync($"/survey/2020/service-hall/rst?code={codes[1]}");
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("已于", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_batch_is_bounded()
    {
        using var app = NewApp();
        var (page, _) = await MakeBatchAsync(StaffApi.For(app), Supervisor, "gat", SurveyCodeBatch.MaxCount + 1);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("每批可生成 1 至 500 个评价码", await page.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Thirty uncoded answers from one network within minutes (distinct texts, so that only the burst gives them away):
    /// none moves the unit's score until a Supervisor confirms them through ConfirmRating; then they count.
    /// </summary>
    [Fact]
    public async Task Thirty_uncoded_answers_from_one_network_do_not_move_the_score_until_confirmed()
    {
        using var app = NewApp();
        var api = StaffApi.For(app);
        // One coded 满意 gives the unit a service-hall score to move.
        var codes = await CodesAsync(api, Supervisor, "scj", 1);
        await ExpectAsync(await AnswerWithCodeAsync(app, "scj", codes[0]), HttpStatusCode.OK);
        var before = await HallScoreAsync(api, "scj");
        Assert.Equal(100, before);

        for (var i = 0; i < 30; i++)
        {
            var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
            browser.DefaultRequestHeaders.Add("X-Test-Peer", $"2001:db8:7:1::{i + 1:x}");
            var answered = await PublicSurveyTests.AnswerAsync(browser, "/survey/2020/service-hall/scj", $"刷票第{i}条", "dissatisfied");
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            app.Time.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(before, await HallScoreAsync(api, "scj"));

        // The supervisor's inputs view shows each held answer and why.
        var inputs = JsonNode.Parse(await ExpectAsync(await api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs?unit=scj"), HttpStatusCode.OK))!;
        var held = inputs["sources"]!["service-hall"]!["responses"]!.AsArray()
            .Where(r => r!["awaitingConfirmation"]!.GetValue<bool>()).ToList();
        Assert.Equal(30, held.Count);
        Assert.All(held, r => Assert.Equal("burst", r!["reviewFlag"]!.GetValue<string>()));
        Assert.All(held, r => Assert.False(r!["coded"]!.GetValue<bool>()));

        // A unit's handler cannot confirm; a Supervisor can, and then they count (2020: as much as a coded answer).
        Assert.Equal(HttpStatusCode.Forbidden, (await (await api.AsAsync(Handler("scj"))).PostAsync($"/api/v1/evaluations/2020/ratings/{held[0]!["id"]}/confirm", null)).StatusCode);
        var supervisor = await api.AsAsync(Supervisor);
        foreach (var r in held)
        {
            await ExpectAsync(await supervisor.PostAsync($"/api/v1/evaluations/2020/ratings/{r!["id"]}/confirm", null), HttpStatusCode.OK);
        }
        var after = await HallScoreAsync(api, "scj");
        Assert.Equal(Math.Round(100.0 / 31, 2), after!.Value, 2);
    }

    /// <summary>The same rating, choices and text as an earlier uncoded answer, hours apart: both wait for review.</summary>
    [Fact]
    public async Task Identical_uncoded_answers_are_held_for_review()
    {
        using var app = NewApp();
        var api = StaffApi.For(app);
        var first = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        Assert.Equal(HttpStatusCode.OK, (await PublicSurveyTests.AnswerAsync(first, "/survey/2020/service-hall/rst", "服务态度差", "dissatisfied")).StatusCode);
        Assert.Equal(0, await HallScoreAsync(api, "rst"));
        app.Time.Advance(TimeSpan.FromHours(3));
        var second = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        second.DefaultRequestHeaders.Add("X-Test-Peer", "198.51.100.7");
        Assert.Equal(HttpStatusCode.OK, (await PublicSurveyTests.AnswerAsync(second, "/survey/2020/service-hall/rst", "服务态度差", "dissatisfied")).StatusCode);
        // Both held: the unit has no counted hall answer now.
        Assert.Null(await HallScoreAsync(api, "rst"));
        var inputs = JsonNode.Parse(await ExpectAsync(await api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs?unit=rst"), HttpStatusCode.OK))!;
        Assert.All(inputs["sources"]!["service-hall"]!["responses"]!.AsArray(), r => Assert.Equal("identical", r!["reviewFlag"]!.GetValue<string>()));
    }
}

public sealed class SqliteSurveyCodeTests() : SurveyCodeTests(DatabaseProvider.Sqlite);

public sealed class PostgresSurveyCodeTests() : SurveyCodeTests(DatabaseProvider.Postgres);
