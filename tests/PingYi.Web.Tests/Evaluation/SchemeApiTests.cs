using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// 评议方案 versions through the API on both databases: the shipped file is version 1 with the provenance of its
/// figures; a draft is validated by the loader (Chinese problem details), approved only by a second account, and only
/// an approved scheme opens a round; a change after opening needs a reason, moves the round to the new version and is
/// audited with what changed; next year's draft is copied from the previous year; a closed round reopens with a reason.
/// Years 2031–2034 have no file: this class owns them.
/// </summary>
public abstract class SchemeApiTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private static JsonObject FileOf(int year)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", "evaluation", "2026.json"));
        var copy = JsonNode.Parse(text.Replace("2026-", $"{year}-", StringComparison.Ordinal))!.AsObject();
        copy["year"] = year;
        copy.Remove("$schema");
        return copy;
    }

    private async Task<HttpResponseMessage> PostAsync(string email, string path, JsonNode body) =>
        await (await _api.AsAsync(email)).PostAsync(path, TestData.Json(body));

    private async Task<JsonObject> SchemeAsync(int year, string email = Supervisor) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, $"/api/v1/evaluations/{year}/scheme"), HttpStatusCode.OK))!.AsObject();

    private static JsonObject Figure(JsonObject scheme, string key) =>
        scheme["figures"]!.AsArray().Single(f => f!["key"]!.GetValue<string>() == key)!.AsObject();

    [Fact]
    public async Task The_shipped_file_is_version_1_approved_and_each_figure_names_where_it_comes_from()
    {
        var scheme = await SchemeAsync(2026, Admin);
        Assert.Equal(1, scheme["currentVersion"]!.GetValue<int>());
        var v1 = scheme["versions"]!.AsArray().Single()!;
        Assert.Equal("file", v1["origin"]!.GetValue<string>());
        Assert.Equal("approved", v1["status"]!.GetValue<string>());
        var channel = Figure(scheme, "source:channel");
        Assert.Equal("权重 0.25", channel["value"]!.GetValue<string>());
        Assert.True(channel["proposal"]!.GetValue<bool>());
        Assert.Equal(1, channel["setInVersion"]!.GetValue<int>());
        Assert.Contains("建议值，通知未作规定", channel["provenance"]!.GetValue<string>());
        Assert.Contains("依据通知", Figure(scheme, "milestone:implementation-plan")["provenance"]!.GetValue<string>());
        Assert.False(Figure(scheme, "milestone:implementation-plan")["proposal"]!.GetValue<bool>());
        Assert.Contains(scheme["figures"]!.AsArray(), f => f!["key"]!.GetValue<string>() == "deductions:max");
        Assert.Contains(scheme["figures"]!.AsArray(), f => f!["key"]!.GetValue<string>().StartsWith("liaison:", StringComparison.Ordinal));

        var file = await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/scheme/versions/1"), HttpStatusCode.OK);
        Assert.Equal(2026, JsonNode.Parse(file)!["year"]!.GetValue<int>());
        await ExpectProblemAsync(await _api.GetAsync(EvaluationApiTests.Deputies, "/api/v1/evaluations/2026/scheme"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Anonymous.GetAsync("/api/v1/evaluations/2026/scheme")).StatusCode);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2039/scheme"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_draft_is_refused_with_Chinese_problem_details_naming_the_place_in_the_file()
    {
        var badWeight = FileOf(2033);
        badWeight["sources"]![0]!["weight"] = 0.9;
        var problem = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2033/scheme", new JsonObject { ["scheme"] = badWeight }), HttpStatusCode.BadRequest);
        var messages = problem["errors"]!.AsObject().SelectMany(e => e.Value!.AsArray().Select(m => m!.GetValue<string>())).ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.True(HasChinese(m), m));

        var unknown = FileOf(2033);
        unknown["weather"] = "sunny";
        var unknownProblem = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2033/scheme", new JsonObject { ["scheme"] = unknown }), HttpStatusCode.BadRequest);
        Assert.Contains("不认识的字段", Errors(unknownProblem, "scheme.weather")[0]);

        var wrongYear = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2033/scheme", new JsonObject { ["scheme"] = FileOf(2034) }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(wrongYear, "scheme.year")[0]));
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2033/scheme", new JsonObject { ["reason"] = "无方案" }), HttpStatusCode.BadRequest);
        await ExpectProblemAsync(await PostAsync(EvaluationApiTests.Deputies, "/api/v1/evaluations/2033/scheme", new JsonObject { ["scheme"] = FileOf(2033) }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2033/scheme"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_version_approved_under_an_earlier_release_stays_in_force_and_a_new_upload_meets_todays_rules()
    {
        // Approved before deductions.findingPunishedBy existed: the stored file names no rule, its severities carry points.
        var old = FileOf(2034);
        old["deductions"]!.AsObject().Remove("findingPunishedBy");
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var admin = await db.Users.Where(u => u.Email == Admin).Select(u => u.Id).SingleAsync();
            var approver = await db.Users.Where(u => u.Email == Supervisor).Select(u => u.Id).SingleAsync();
            var stored = new PingYi.Domain.Evaluation.EvaluationScheme(2034, 1, old.ToJsonString(), "2025 年审定", admin, fixture.App.Time.GetUtcNow().UtcDateTime);
            stored.Approve(approver, fixture.App.Time.GetUtcNow().UtcDateTime);
            db.EvaluationSchemes.Add(stored);
            await db.SaveChangesAsync();
            await PingYi.Web.Features.Evaluation.Schemes.SchemeVersions.ApplyStoredAsync(db,
                scope.ServiceProvider.GetRequiredService<PingYi.Web.Features.Evaluation.EvaluationRuntime>(), CancellationToken.None);
        }
        var scheme = await SchemeAsync(2034);
        Assert.Equal(1, scheme["currentVersion"]!.GetValue<int>());
        Assert.Equal("approved", scheme["versions"]!.AsArray().Single()!["status"]!.GetValue<string>());

        var problem = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2034/scheme", new JsonObject { ["scheme"] = old }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(problem, "scheme.deductions.findingPunishedBy")[0]));
    }

    [Fact]
    public async Task Only_a_scheme_approved_by_a_second_account_opens_a_round_and_a_later_change_is_a_reasoned_audited_version()
    {
        var created = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2031/scheme", new JsonObject { ["scheme"] = FileOf(2031) }), HttpStatusCode.Created))!;
        Assert.Equal(1, created["version"]!.GetValue<int>());
        Assert.Equal("draft", created["status"]!.GetValue<string>());
        var notApproved = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2031/open", new JsonObject()), HttpStatusCode.Conflict);
        Assert.True(HasChinese(Errors(notApproved, "year")[0]));
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2031/scheme/versions/1/approve", new JsonObject()), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await PostAsync(EvaluationApiTests.Deputies, "/api/v1/evaluations/2031/scheme/versions/1/approve", new JsonObject()), HttpStatusCode.Forbidden);
        await ExpectAsync(await PostAsync(Admin, "/api/v1/evaluations/2031/scheme/versions/1/approve", new JsonObject()), HttpStatusCode.OK);
        await ExpectProblemAsync(await PostAsync(Admin, "/api/v1/evaluations/2031/scheme/versions/1/approve", new JsonObject()), HttpStatusCode.Conflict);

        var opened = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2031/open", new JsonObject()), HttpStatusCode.OK))!;
        Assert.Equal(1, opened["schemeVersion"]!.GetValue<int>());

        var changed = FileOf(2031);
        changed["deductions"]!["maxTotalPoints"] = 8;
        var noReason = await ExpectProblemAsync(await PostAsync(Admin, "/api/v1/evaluations/2031/scheme", new JsonObject { ["scheme"] = changed.DeepClone() }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(noReason, "reason")[0]));
        await ExpectAsync(await PostAsync(Admin, "/api/v1/evaluations/2031/scheme", new JsonObject { ["scheme"] = changed.DeepClone(), ["reason"] = "委员会会议决定扣分上限改为 8 分" }), HttpStatusCode.Created);
        // The open round keeps version 1 until version 2 is approved.
        Assert.Equal(1, (await SchemeAsync(2031))["roundSchemeVersion"]!.GetValue<int>());
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2031/scheme/versions/2/approve", new JsonObject()), HttpStatusCode.OK);

        var scheme = await SchemeAsync(2031);
        Assert.Equal(2, scheme["currentVersion"]!.GetValue<int>());
        Assert.Equal(2, scheme["roundSchemeVersion"]!.GetValue<int>());
        Assert.Equal("8 分", Figure(scheme, "deductions:max")["value"]!.GetValue<string>());
        Assert.Equal(2, Figure(scheme, "deductions:max")["setInVersion"]!.GetValue<int>());
        Assert.Equal(1, Figure(scheme, "source:channel")["setInVersion"]!.GetValue<int>());
        Assert.Contains("委员会会议决定扣分上限改为 8 分", Figure(scheme, "deductions:max")["provenance"]!.GetValue<string>());
        Assert.Equal(["superseded", "approved"], scheme["versions"]!.AsArray().Select(v => v!["status"]!.GetValue<string>()));
        var rounds = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations"), HttpStatusCode.OK))!.AsArray();
        Assert.Equal(2, rounds.Single(r => r!["year"]!.GetValue<int>() == 2031)!["schemeVersion"]!.GetValue<int>());

        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var approval = await db.AuditRecords.AsNoTracking().Where(a => a.Kind == "evaluation.scheme-approved" && a.Target == "evaluation:2031:scheme")
            .OrderByDescending(a => a.Id).FirstAsync();
        Assert.Contains("委员会会议决定扣分上限改为 8 分", approval.After);
        Assert.Contains("deductions:max", approval.After);
        Assert.Contains("\"before\":\"10 分\"", approval.After);
    }

    [Fact]
    public async Task Next_years_draft_is_copied_from_the_previous_years_scheme_with_its_dates_moved()
    {
        var copied = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2032/scheme/copy", new JsonObject { ["fromYear"] = 2026 }), HttpStatusCode.Created))!;
        Assert.Equal(1, copied["version"]!.GetValue<int>());
        Assert.Contains("2026", copied["reason"]!.GetValue<string>());
        var scheme = await SchemeAsync(2032);
        Assert.Null(scheme["currentVersion"]);
        Assert.Equal("2032-08-17 至 2032-12-10", Figure(scheme, "period")["value"]!.GetValue<string>());
        Assert.Equal("2032-09-01", Figure(scheme, "milestone:implementation-plan")["value"]!.GetValue<string>());
        // Carried over unchanged: the figure traces back to the year it was copied from, a proposal still.
        Assert.StartsWith("沿用 2026 年度方案第 1 版；建议值", Figure(scheme, "source:channel")["provenance"]!.GetValue<string>());
        var file = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2032/scheme/versions/1"), HttpStatusCode.OK))!;
        Assert.Equal(2032, file["year"]!.GetValue<int>());
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2000/scheme/copy", new JsonObject()), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_closed_round_reopens_only_with_a_reason_and_the_reopening_is_audited()
    {
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/open", new JsonObject()), HttpStatusCode.OK);
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/reopen", new JsonObject { ["reason"] = "还开着" }), HttpStatusCode.Conflict);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/close", new JsonObject()), HttpStatusCode.OK);
        var noReason = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/reopen", new JsonObject()), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(noReason, "reason")[0]));
        await ExpectProblemAsync(await PostAsync(EvaluationApiTests.Deputies, "/api/v1/evaluations/2026/reopen", new JsonObject { ["reason"] = "x" }), HttpStatusCode.Forbidden);
        var reopened = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/reopen",
            new JsonObject { ["reason"] = "省政务大厅纸质评议表补录" }), HttpStatusCode.OK))!;
        Assert.Equal("open", reopened["status"]!.GetValue<string>());
        await ExpectAsync(await PostAsync(EvaluationApiTests.Deputies, "/api/v1/evaluations/2026/ratings", new JsonObject
        {
            ["source"] = "deputies", ["unitCode"] = "jyt", ["rating"] = "satisfied", ["formReference"] = Token("表"),
            ["answers"] = new JsonObject { ["formalism"] = "satisfied", ["eight-point-rules"] = "satisfied", ["epidemic-response"] = "satisfied", ["discipline"] = "satisfied" },
        }), HttpStatusCode.Created);

        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Kind == "evaluation.round-reopened" && a.Target == "evaluation:2026" && a.After!.Contains("省政务大厅纸质评议表补录")));
    }

    [Fact]
    public async Task A_units_breakdown_names_the_scheme_version_it_was_scored_with()
    {
        var breakdown = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/units/jyt/breakdown"), HttpStatusCode.OK))!;
        Assert.Equal(1, breakdown["schemeVersion"]!.GetValue<int>());
    }
}

public sealed class SqliteSchemeApiTests(SqliteApp fixture) : SchemeApiTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSchemeApiTests(PostgresApp fixture) : SchemeApiTests(fixture), IClassFixture<PostgresApp>;
