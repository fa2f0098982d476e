using System.Net;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

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
        ["formReference"] = Token("表"),
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

        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject { ["confirmCoverage"] = true }), HttpStatusCode.OK);
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

    private async Task<int> BreakdownRatingsAsync(string unit) =>
        (await BreakdownAsync(Supervisor, unit, 2020))["ratings"]!.AsArray().Single(r => r!["source"]!.GetValue<string>() == "deputies")!["total"]!.GetValue<int>();

    [Fact]
    public async Task A_form_reference_is_entered_once_per_unit_and_ratings_beyond_the_cap_count_only_after_a_supervisor_confirms()
    {
        var missing = Rating("fgw", "satisfied", "意见", "建议");
        missing.Remove("formReference");
        var problem = await ExpectProblemAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", missing), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(problem, "formReference")[0]));

        var first = Rating("fgw", "satisfied", "意见", "建议");
        var reference = first["formReference"]!.GetValue<string>();
        var created = JsonNode.Parse(await ExpectAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", first), HttpStatusCode.Created))!;
        Assert.Equal(reference, created["formReference"]!.GetValue<string>());
        Assert.False(created["awaitingConfirmation"]!.GetValue<bool>());
        var again = Rating("fgw", "dissatisfied", "再录一次", "建议");
        again["formReference"] = reference;
        var conflict = await ExpectProblemAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", again), HttpStatusCode.Conflict);
        Assert.True(HasChinese(Errors(conflict, "formReference")[0]));
        // The same serial on another unit's form is another form.
        var otherUnit = Rating("rst", "satisfied", "意见", "建议");
        otherUnit["formReference"] = reference;
        await ExpectAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", otherUnit), HttpStatusCode.Created);

        // The round file's cap (10 per account and unit): the 11th waits for a supervisor.
        for (var i = 1; i < 10; i++)
        {
            await ExpectAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", Rating("fgw", "satisfied", "意见", "建议")), HttpStatusCode.Created);
        }
        Assert.Equal(10, await BreakdownRatingsAsync("fgw"));
        var over = JsonNode.Parse(await ExpectAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings",
            Rating("fgw", "dissatisfied", "第十一份", "建议")), HttpStatusCode.Created))!;
        Assert.True(over["awaitingConfirmation"]!.GetValue<bool>());
        var id = over["id"]!.GetValue<long>();
        Assert.Equal(10, await BreakdownRatingsAsync("fgw"));
        Assert.Equal(10, (await InputsAsync(Handler("fgw"), "fgw", 2020))["sources"]!["deputies"]!["count"]!.GetValue<int>());

        var inputs = (await InputsAsync(Supervisor, "fgw", 2020))["sources"]!["deputies"]!;
        Assert.Equal(10, inputs["count"]!.GetValue<int>());
        Assert.Equal(1, inputs["awaitingConfirmation"]!.GetValue<int>());
        var account = inputs["accounts"]!.AsArray().Single(a => a!["evaluator"]!.GetValue<string>() == Deputies)!;
        Assert.Equal(11, account["count"]!.GetValue<int>());
        Assert.Equal(1, account["awaitingConfirmation"]!.GetValue<int>());
        Assert.Empty((await InputsAsync(Handler("fgw"), "fgw", 2020))["sources"]!["deputies"]!["accounts"]!.AsArray());

        await ExpectProblemAsync(await PostAsync(Deputies, $"/api/v1/evaluations/2020/ratings/{id}/confirm", new JsonObject()), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await PostAsync(Handler("fgw"), $"/api/v1/evaluations/2020/ratings/{id}/confirm", new JsonObject()), HttpStatusCode.Forbidden);
        await ExpectAsync(await PostAsync(Supervisor, $"/api/v1/evaluations/2020/ratings/{id}/confirm", new JsonObject()), HttpStatusCode.OK);
        await ExpectProblemAsync(await PostAsync(Supervisor, $"/api/v1/evaluations/2020/ratings/{id}/confirm", new JsonObject()), HttpStatusCode.Conflict);
        Assert.Equal(11, await BreakdownRatingsAsync("fgw"));
        Assert.Contains(await AuditAsync("evaluation.rating-confirmed"), a => a!["target"]!.GetValue<string>() == $"rating:{id}");
    }

    [Fact]
    public async Task The_spreadsheet_has_a_form_reference_column_and_a_form_imported_twice_answers_409()
    {
        var template = await _api.GetAsync(Deputies, "/api/v1/evaluations/2020/ratings/template");
        using var templateStream = new MemoryStream(await template.Content.ReadAsByteArrayAsync());
        var rows = templateStream.Query(useHeaderRow: true).Select(r => ((IDictionary<string, object?>)r).ToDictionary(kv => kv.Key, kv => kv.Value)).ToList();
        var row = rows.Single(r => (string?)r["单位代码"] == "wjw");
        Assert.True(row.ContainsKey("评议表编号"));
        row["评议表编号"] = Token("纸表");
        row["总体评价"] = "满意";
        row["形式主义、官僚主义问题整治情况"] = "满意";
        row["贯彻落实中央八项规定精神和省委具体规定情况"] = "满意";
        row["新冠肺炎疫情防控中担当作为情况"] = "满意";
        row["机关纪律作风建设情况"] = "满意";
        async Task<HttpResponseMessage> ImportAsync(IEnumerable<Dictionary<string, object?>> sheet)
        {
            using var stream = new MemoryStream();
            stream.SaveAs(sheet.ToList());
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(stream.ToArray());
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            form.Add(file, "file", "评议表.xlsx");
            return await (await _api.AsAsync(Deputies)).PostAsync("/api/v1/evaluations/2020/ratings/import", form);
        }
        await ExpectAsync(await ImportAsync([row]), HttpStatusCode.OK);
        var problem = await ExpectProblemAsync(await ImportAsync([row]), HttpStatusCode.Conflict);
        Assert.Contains("评议表编号", Errors(problem, "rows[2]")[0], StringComparison.Ordinal);
        // Twice in one file: refused as well, nothing imported.
        var copy = new Dictionary<string, object?>(row) { ["评议表编号"] = Token("纸表") };
        problem = await ExpectProblemAsync(await ImportAsync([copy, new Dictionary<string, object?>(copy)]), HttpStatusCode.Conflict);
        Assert.Contains("评议表编号", Errors(problem, "rows[3]")[0], StringComparison.Ordinal);
        await ExpectAsync(await ImportAsync([copy]), HttpStatusCode.OK);
    }
}

public sealed class SqliteEvaluationPrivacyTests(SqliteApp fixture) : EvaluationPrivacyTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresEvaluationPrivacyTests(PostgresApp fixture) : EvaluationPrivacyTests(fixture), IClassFixture<PostgresApp>;
