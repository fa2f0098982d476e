using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// 评议覆盖情况 through the API on both databases: every unit × source with what was received, the units a source is
/// missing for with the scheme's rule, the liaison and inspection gaps of the open round, units whose sources
/// disagree sharply; approval lists the missing sources and waits for the approver's confirmation.
/// The demo's 2020 round is open and empty at the start; this class owns its own app. The 2026 round is the appeals
/// scenario's (CoverageApiTests.Appeals.cs): 公示 and 申诉 end in the approval, so they share this class's app.
/// </summary>
public abstract partial class CoverageApiTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private static JsonObject Rating(string source, string unit, string rating) => new()
    {
        ["source"] = source,
        ["unitCode"] = unit,
        ["rating"] = rating,
        ["formReference"] = Token("覆盖"),
        ["answers"] = new JsonObject { ["formalism"] = rating, ["eight-point-rules"] = rating, ["epidemic-response"] = rating, ["discipline"] = rating },
    };

    private async Task<JsonObject> CoverageAsync(int year = 2020) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, $"/api/v1/evaluations/{year}/coverage"), HttpStatusCode.OK))!.AsObject();

    private static JsonObject Unit(JsonObject coverage, string code) =>
        coverage["units"]!.AsArray().Single(u => u!["unitCode"]!.GetValue<string>() == code)!.AsObject();

    private static bool Lists(JsonObject coverage, string list, string unit) =>
        coverage[list]!.AsArray().Any(f => f!["unitCode"]!.GetValue<string>() == unit);

    [Fact]
    public async Task Every_unit_and_source_shows_what_was_received_and_a_missing_source_names_the_schemes_rule()
    {
        var before = Unit(await CoverageAsync(), "tsw");
        Assert.Equal(0, before["sources"]!["deputies"]!["count"]!.GetValue<int>());
        Assert.True(before["sources"]!["deputies"]!["missing"]!.GetValue<bool>());
        await ExpectAsync(await (await _api.AsAsync(EvaluationApiTests.Deputies)).PostAsync("/api/v1/evaluations/2020/ratings",
            TestData.Json(Rating("deputies", "tsw", "satisfied"))), HttpStatusCode.Created);

        var coverage = await CoverageAsync();
        Assert.Equal("open", coverage["status"]!.GetValue<string>());
        Assert.True(coverage["flagsActive"]!.GetValue<bool>());
        var tsw = Unit(coverage, "tsw");
        Assert.Equal(1, tsw["sources"]!["deputies"]!["count"]!.GetValue<int>());
        Assert.False(tsw["sources"]!["deputies"]!["missing"]!.GetValue<bool>());
        Assert.Equal(100, tsw["sources"]!["deputies"]!["score"]!.GetValue<double>());
        // The service hall does not apply to a unit outside it, and is never a missing source for it.
        Assert.False(Unit(coverage, "fgw")["sources"]!["service-hall"]!["applies"]!.GetValue<bool>());
        var missing = coverage["missing"]!.AsArray();
        Assert.DoesNotContain(missing, m => m!["unitCode"]!.GetValue<string>() == "fgw" && m["source"]!.GetValue<string>() == "service-hall");
        Assert.DoesNotContain(missing, m => m!["unitCode"]!.GetValue<string>() == "tsw" && m["source"]!.GetValue<string>() == "deputies");
        var prefectures = missing.First(m => m!["unitCode"]!.GetValue<string>() == "tsw" && m["source"]!.GetValue<string>() == "prefectures")!;
        Assert.Contains("重新分配", prefectures["rule"]!.GetValue<string>());
        Assert.Equal(["implementation-plan", "self-evaluation-report"], tsw["milestones"]!.AsArray().Select(m => m!["code"]!.GetValue<string>()));
        Assert.All(tsw["milestones"]!.AsArray(), m => Assert.False(m!["filed"]!.GetValue<bool>()));

        await ExpectProblemAsync(await _api.GetAsync(EvaluationApiTests.Deputies, "/api/v1/evaluations/2020/coverage"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await _api.GetAsync(Handler("tsw"), "/api/v1/evaluations/2020/coverage"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Anonymous.GetAsync("/api/v1/evaluations/2020/coverage")).StatusCode);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2019/coverage"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Units_without_a_liaison_rater_or_an_inspection_are_flagged_until_they_have_one()
    {
        var coverage = await CoverageAsync();
        // fgw is in no liaison group of the 2020 file; jyt is in the first group, rated through liaison@.
        Assert.True(Lists(coverage, "noLiaisonRater", "fgw"));
        Assert.False(Lists(coverage, "noLiaisonRater", "jyt"));
        Assert.True(Lists(coverage, "notInspected", "xcb"));
        await ExpectAsync(await (await _api.AsAsync(Inspector)).PostAsync("/api/v1/evaluations/2020/inspections", TestData.Json(new JsonObject
        {
            ["unitCode"] = "xcb", ["date"] = "2020-10-01", ["covert"] = true, ["findings"] = new JsonArray(), ["rating"] = "satisfied",
        })), HttpStatusCode.Created);
        var after = await CoverageAsync();
        Assert.False(Lists(after, "notInspected", "xcb"));
        Assert.Equal(1, Unit(after, "xcb")["sources"]!["inspectors"]!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_inspection_an_upheld_appeal_took_out_no_longer_covers_the_unit()
    {
        var id = JsonNode.Parse(await ExpectAsync(await (await _api.AsAsync(Inspector)).PostAsync("/api/v1/evaluations/2020/inspections", TestData.Json(new JsonObject
        {
            ["unitCode"] = "czt", ["date"] = "2020-10-02", ["covert"] = true, ["findings"] = new JsonArray(), ["rating"] = "satisfied",
        })), HttpStatusCode.Created))!["id"]!.GetValue<long>();
        Assert.False(Lists(await CoverageAsync(), "notInspected", "czt"));
        // The appeal's decision as the appeal handler stores it (the appeal flow itself is tested on the 2026 round).
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYi.Data.PingYiDbContext>();
            var now = fixture.App.Time.GetUtcNow().UtcDateTime;
            var round = await db.EvaluationRounds.SingleAsync(r => r.Year == 2020);
            var unit = await db.Units.SingleAsync(u => u.Code == "czt");
            var (filer, decider) = (await db.Users.SingleAsync(u => u.Email == Handler("czt")), await db.Users.SingleAsync(u => u.Email == Supervisor));
            var appeal = new PingYi.Domain.Evaluation.Appeal(round.Id, unit.Id, PingYi.Domain.Evaluation.AppealKind.Inspection, id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                id, null, "暗访当日系统故障。", filer.Id, now);
            appeal.Decide(true, "经核实，该次暗访不计。", decider.Id, now);
            db.Appeals.Add(appeal);
            await db.SaveChangesAsync();
            db.EvaluationExclusions.Add(new PingYi.Domain.Evaluation.EvaluationExclusion(2020, unit.Id, PingYi.Domain.Evaluation.AppealKind.Inspection, id, appeal.Id, now));
            await db.SaveChangesAsync();
        }
        var after = await CoverageAsync();
        Assert.True(Lists(after, "notInspected", "czt"));
        Assert.Equal(0, Unit(after, "czt")["sources"]!["inspectors"]!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_desk_flags_the_open_rounds_units_without_a_liaison_rater_or_an_inspection_with_a_link_to_the_coverage()
    {
        static string Section(string desk, string id)
        {
            var start = desk.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
            Assert.True(start >= 0, $"the 督办台 has no #{id}");
            return desk[start..desk.IndexOf("</details>", start, StringComparison.Ordinal)];
        }
        var desk = await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/oversight"), HttpStatusCode.OK);
        Assert.Contains("href=\"/staff/evaluation/coverage?year=2020\"", desk);
        // The desk lists what the coverage computes: fgw is in no liaison group of 2020, jyt is rated through liaison@.
        var coverage = await CoverageAsync();
        var noLiaison = Section(desk, "desk-no-liaison-2020");
        Assert.Contains("data-unit=\"fgw\"", noLiaison);
        Assert.DoesNotContain("data-unit=\"jyt\"", noLiaison);
        Assert.Equal(coverage["noLiaisonRater"]!.AsArray().Count, noLiaison.Split("<li ").Length - 1);
        Assert.Contains("data-unit=\"tjj\"", Section(desk, "desk-not-inspected-2020"));

        await ExpectAsync(await (await _api.AsAsync(Inspector)).PostAsync("/api/v1/evaluations/2020/inspections", TestData.Json(new JsonObject
        {
            ["unitCode"] = "tjj", ["date"] = "2020-10-02", ["covert"] = false, ["findings"] = new JsonArray(), ["rating"] = "satisfied",
        })), HttpStatusCode.Created);
        desk = await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/oversight"), HttpStatusCode.OK);
        Assert.DoesNotContain("data-unit=\"tjj\"", Section(desk, "desk-not-inspected-2020"));
        Assert.Equal(coverage["notInspected"]!.AsArray().Count - 1, Section(desk, "desk-not-inspected-2020").Split("<li ").Length - 1);
    }

    [Fact]
    public async Task A_unit_whose_sources_disagree_sharply_is_a_candidate_for_an_inspection_with_the_figures()
    {
        await ExpectAsync(await (await _api.AsAsync(EvaluationApiTests.Deputies)).PostAsync("/api/v1/evaluations/2020/ratings",
            TestData.Json(Rating("deputies", "nky", "satisfied"))), HttpStatusCode.Created);
        Assert.False(Lists(await CoverageAsync(), "disagreements", "nky"));
        await ExpectAsync(await (await _api.AsAsync(EvaluationApiTests.Prefectures)).PostAsync("/api/v1/evaluations/2020/ratings",
            TestData.Json(Rating("prefectures", "nky", "dissatisfied"))), HttpStatusCode.Created);
        var coverage = await CoverageAsync();
        var flagged = coverage["disagreements"]!.AsArray().Single(d => d!["unitCode"]!.GetValue<string>() == "nky")!;
        Assert.Equal("deputies", flagged["highSource"]!.GetValue<string>());
        Assert.Equal(100, flagged["highScore"]!.GetValue<double>());
        Assert.Equal("prefectures", flagged["lowSource"]!.GetValue<string>());
        Assert.Equal(0, flagged["lowScore"]!.GetValue<double>());
        Assert.Equal(100, flagged["gap"]!.GetValue<double>());
        Assert.Equal(30, coverage["disagreementPoints"]!.GetValue<double>());
    }
}

public sealed class SqliteCoverageApiTests(SqliteApp fixture) : CoverageApiTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresCoverageApiTests(PostgresApp fixture) : CoverageApiTests(fixture), IClassFixture<PostgresApp>;
