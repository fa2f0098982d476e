using System.Net;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using PingYi.Web.Tests.Handling;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Handling.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// What a unit learns of the evaluation about it (docs/security.md, "Evaluation inputs and results"), on both
/// databases: aggregates of the responses only, free texts only after the round closes and without times, no rank
/// or list flags before publication, and the round's open / close / approve on the audit log. This class owns 2026.
/// </summary>
public abstract class EvaluationPrivacyTests(AppFixture fixture)
{
    private const string Deputies = EvaluationApiTests.Deputies;

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<HttpResponseMessage> PostAsync(string email, string path, JsonNode body) =>
        await (await _api.AsAsync(email)).PostAsync(path, TestData.Json(body));

    private static JsonObject Rating(string unit, string rating, string comment, string suggestion) => new()
    {
        ["source"] = "deputies",
        ["unitCode"] = unit,
        ["rating"] = rating,
        ["comment"] = comment,
        ["answers"] = new JsonObject
        {
            ["formalism"] = "satisfied",
            ["eight-point-rules"] = "basically-satisfied",
            ["epidemic-response"] = "satisfied",
            ["discipline"] = "dissatisfied",
            ["suggestion"] = suggestion,
        },
    };

    private async Task<JsonObject> InputsAsync(string email, string unit, int year) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, $"/api/v1/evaluations/{year}/inputs?unit={unit}"), HttpStatusCode.OK))!.AsObject();

    private async Task<JsonObject> BreakdownAsync(string email, string unit, int year) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, $"/api/v1/evaluations/{year}/units/{unit}/breakdown"), HttpStatusCode.OK))!.AsObject();

    private async Task<JsonArray> AuditAsync(string kind) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, $"/api/v1/admin/audit?kind={kind}&limit=100"), HttpStatusCode.OK))!["items"]!.AsArray();

    [Fact]
    public async Task A_unit_sees_rating_counts_but_no_single_response_time_or_text_while_the_round_is_open()
    {
        var comment = Token("会议通知多次临时变更");
        var suggestion = Token("窗口排队时间过长");
        await ExpectAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", Rating("jyt", "basically-satisfied", comment, suggestion)), HttpStatusCode.Created);

        var unit = await InputsAsync(Handler("jyt"), "jyt", 2020);
        var text = Readable(unit);
        var deputies = unit["sources"]!["deputies"]!;
        Assert.False(unit["detailed"]!.GetValue<bool>());
        Assert.False(unit["textsReleased"]!.GetValue<bool>());
        Assert.Empty(deputies["responses"]!.AsArray());
        Assert.Empty(deputies["texts"]!.AsArray());
        Assert.DoesNotContain(comment, text, StringComparison.Ordinal);
        Assert.DoesNotContain(suggestion, text, StringComparison.Ordinal);
        Assert.DoesNotContain("createdAt", text, StringComparison.Ordinal);
        Assert.True(deputies["ratings"]!["basically-satisfied"]!.GetValue<int>() >= 1);
        Assert.True(deputies["items"]!["discipline"]!["dissatisfied"]!.GetValue<int>() >= 1);

        // The supervisor keeps the rows, their times and the texts.
        var supervisor = await InputsAsync(Supervisor, "jyt", 2020);
        Assert.True(supervisor["detailed"]!.GetValue<bool>());
        var row = supervisor["sources"]!["deputies"]!["responses"]!.AsArray().Single(r => r!["comment"]?.GetValue<string>() == comment)!;
        Assert.NotNull(row["createdAt"]);
        Assert.Contains(suggestion, supervisor["sources"]!["deputies"]!["texts"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task A_unit_sees_no_rank_category_size_or_list_flags_before_publication_on_the_api_the_page_and_the_export()
    {
        var unit = await BreakdownAsync(Handler("jyt"), "jyt", 2020);
        Assert.False(unit["rankShown"]!.GetValue<bool>());
        Assert.Null(unit["categorySize"]);
        foreach (var field in new[] { "rank", "bottomTwo", "previousBottomTwo", "trackingList", "publicNotice" })
        {
            Assert.Null(unit["result"]![field]);
        }
        Assert.NotNull(unit["result"]!["score"]);

        var supervisor = await BreakdownAsync(Supervisor, "jyt", 2020);
        Assert.True(supervisor["rankShown"]!.GetValue<bool>());
        Assert.True(supervisor["categorySize"]!.GetValue<int>() > 0);
        Assert.True(supervisor["result"]!["rank"]!.GetValue<int>() > 0);
        Assert.NotNull(supervisor["result"]!["trackingList"]);

        var page = await ExpectAsync(await _api.GetAsync(Handler("jyt"), "/staff/scoring/2020/units/jyt"), HttpStatusCode.OK);
        Assert.DoesNotContain("id=\"unit-rank\"", page, StringComparison.Ordinal);
        Assert.Contains("评议结果公布后显示", page, StringComparison.Ordinal);
        Assert.Contains("id=\"unit-rank\"", await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/scoring/2020/units/jyt"), HttpStatusCode.OK), StringComparison.Ordinal);

        var xlsx = await _api.GetAsync(Handler("jyt"), "/api/v1/evaluations/2020/units/jyt/breakdown.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using var sheet = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var total = sheet.Query(useHeaderRow: true, sheetName: "得分").Cast<IDictionary<string, object?>>().Single(r => (string?)r["来源"] == "综合得分");
        Assert.DoesNotContain("个单位", (string?)total["说明"] ?? "", StringComparison.Ordinal);
        Assert.Contains("公布后", (string?)total["说明"] ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_closing_and_approving_a_round_are_audited_texts_reach_the_unit_after_closing_and_the_rank_after_publication()
    {
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/open", new JsonObject()), HttpStatusCode.OK);
        var opened = Assert.Single(await AuditAsync("evaluation.round-opened"));
        Assert.Equal("evaluation:2026", opened!["target"]!.GetValue<string>());
        Assert.Equal("open", opened["after"]!["status"]!.GetValue<string>());
        Assert.NotEqual("system", opened["actorId"]!.GetValue<string>());

        var texts = new[] { Token("第一条意见"), Token("第二条意见"), Token("第三条意见") };
        foreach (var t in texts)
        {
            await ExpectAsync(await PostAsync(Deputies, "/api/v1/evaluations/2026/ratings", Rating("jyt", "satisfied", t, t + "建议")), HttpStatusCode.Created);
        }
        var open = await InputsAsync(Handler("jyt"), "jyt", 2026);
        Assert.Equal(3, open["sources"]!["deputies"]!["count"]!.GetValue<int>());
        Assert.Empty(open["sources"]!["deputies"]!["texts"]!.AsArray());

        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/close", new JsonObject()), HttpStatusCode.OK);
        var closed = Assert.Single(await AuditAsync("evaluation.round-closed"));
        Assert.Equal("open", closed!["before"]!["status"]!.GetValue<string>());
        Assert.Equal("closed", closed["after"]!["status"]!.GetValue<string>());

        var released = await InputsAsync(Handler("jyt"), "jyt", 2026);
        Assert.True(released["textsReleased"]!.GetValue<bool>());
        var deputies = released["sources"]!["deputies"]!;
        Assert.Empty(deputies["responses"]!.AsArray());
        Assert.Equal(texts.Concat(texts.Select(t => t + "建议")).Order(StringComparer.Ordinal),
            deputies["texts"]!.AsArray().Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("createdAt", Readable(released), StringComparison.Ordinal);

        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject()), HttpStatusCode.OK);
        var approved = Assert.Single(await AuditAsync("evaluation.round-approved"));
        Assert.Equal("approved", approved!["after"]!["status"]!.GetValue<string>());
        // A refused move (approving twice) leaves no record.
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject()), HttpStatusCode.Conflict);
        Assert.Single(await AuditAsync("evaluation.round-approved"));

        // Approved but not published: still no rank for the unit.
        Assert.Null((await BreakdownAsync(Handler("jyt"), "jyt", 2026))["result"]!["rank"]);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/publication", new JsonObject { ["published"] = true }), HttpStatusCode.OK);
        var published = await BreakdownAsync(Handler("jyt"), "jyt", 2026);
        Assert.True(published["rankShown"]!.GetValue<bool>());
        Assert.True(published["result"]!["rank"]!.GetValue<int>() > 0);
        Assert.NotNull(published["result"]!["trackingList"]);
    }
}

public sealed class SqliteEvaluationPrivacyTests(SqliteApp fixture) : EvaluationPrivacyTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresEvaluationPrivacyTests(PostgresApp fixture) : EvaluationPrivacyTests(fixture), IClassFixture<PostgresApp>;
