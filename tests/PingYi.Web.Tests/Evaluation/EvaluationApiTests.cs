using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// The evaluation inputs through the API on both databases: ratings (source binding, liaison assignments,
/// questionnaire items), inspections with photos, deductions with evidence, what the inputs endpoint shows
/// to whom, and a closed round refusing everything with 409. The demo data opens the 2020 round.
/// </summary>
public abstract class EvaluationApiTests(AppFixture fixture)
{
    public const string Deputies = "deputies@pingyi.local";
    public const string Prefectures = "prefectures@pingyi.local";
    public const string Liaison = "liaison@pingyi.local";

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private static JsonObject Rating(string source, string unit, string rating = "satisfied", string? comment = null) => new()
    {
        ["source"] = source,
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
            ["suggestion"] = "窗口服务还可以再提速。",
        },
    };

    private async Task<HttpResponseMessage> PostAsync(string email, string path, JsonNode body) =>
        await (await _api.AsAsync(email)).PostAsync(path, TestData.Json(body));

    private async Task<JsonObject> InputsAsync(string email, string unit, int year = 2020) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, $"/api/v1/evaluations/{year}/inputs?unit={unit}"), HttpStatusCode.OK))!.AsObject();

    [Fact]
    public async Task The_rounds_list_shows_the_demo_round_open()
    {
        var body = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations"), HttpStatusCode.OK))!.AsArray();
        Assert.Contains(body, r => r!["year"]!.GetValue<int>() == 2020 && r["status"]!.GetValue<string>() == "open");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Anonymous.GetAsync("/api/v1/evaluations")).StatusCode);
    }

    [Fact]
    public async Task An_evaluator_rates_a_unit_for_their_source_and_the_inputs_show_it_with_its_answers()
    {
        var before = (await InputsAsync(Supervisor, "fgw"))["sources"]!["deputies"]!["count"]!.GetValue<int>();
        var created = await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", Rating("deputies", "fgw", "basically-satisfied", "调研中发现审批环节偏多。"));
        var json = JsonNode.Parse(await ExpectAsync(created, HttpStatusCode.Created))!;
        Assert.Equal("basically-satisfied", json["rating"]!.GetValue<string>());

        var inputs = await InputsAsync(Supervisor, "fgw");
        var deputies = inputs["sources"]!["deputies"]!;
        Assert.Equal(before + 1, deputies["count"]!.GetValue<int>());
        var last = deputies["responses"]!.AsArray().Last()!;
        Assert.Equal("调研中发现审批环节偏多。", last["comment"]!.GetValue<string>());
        Assert.Equal("dissatisfied", last["answers"]!["discipline"]!.GetValue<string>());
        Assert.Equal("窗口服务还可以再提速。", last["answers"]!["suggestion"]!.GetValue<string>());
        Assert.Null(inputs["sources"]!["channel"]);
        // fgw is not in the service hall: that source does not apply to it.
        Assert.Null(inputs["sources"]!["service-hall"]);
        Assert.NotNull((await InputsAsync(Supervisor, "gat"))["sources"]!["service-hall"]);
    }

    [Fact]
    public async Task Bad_ratings_are_problem_details_with_Chinese_field_messages()
    {
        var cases = new List<(JsonObject Body, string Field)>();
        var badRating = Rating("deputies", "fgw", "great");
        cases.Add((badRating, "rating"));
        var noRating = Rating("deputies", "fgw");
        noRating.Remove("rating");
        cases.Add((noRating, "rating"));
        cases.Add((Rating("deputies", "nosuch"), "unitCode"));
        cases.Add((Rating("mayors", "fgw"), "source"));
        var missingItem = Rating("deputies", "fgw");
        missingItem["answers"]!.AsObject().Remove("formalism");
        cases.Add((missingItem, "answers.formalism"));
        var badChoice = Rating("deputies", "fgw");
        badChoice["answers"]!["discipline"] = "5";
        cases.Add((badChoice, "answers.discipline"));
        var unknownItem = Rating("deputies", "fgw");
        unknownItem["answers"]!["weather"] = "sunny";
        cases.Add((unknownItem, "answers.weather"));
        var longComment = Rating("deputies", "fgw", comment: new string('长', 1001));
        cases.Add((longComment, "comment"));
        foreach (var (body, field) in cases)
        {
            var problem = await ExpectProblemAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", body), HttpStatusCode.BadRequest);
            Assert.True(Errors(problem, field).All(HasChinese), $"{field}: {problem.ToJsonString()}");
        }
        var notJson = await (await _api.AsAsync(Deputies)).PostAsync("/api/v1/evaluations/2020/ratings", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        await ExpectProblemAsync(notJson, HttpStatusCode.BadRequest);
        // A source with no rating form is not entered here.
        await ExpectProblemAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", Rating("channel", "fgw")), HttpStatusCode.BadRequest);
        await ExpectProblemAsync(await PostAsync(Deputies, "/api/v1/evaluations/2019/ratings", Rating("deputies", "fgw")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Evaluators_rate_only_for_their_own_source_and_liaison_only_its_assigned_units()
    {
        var otherSource = await ExpectProblemAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/ratings", Rating("prefectures", "fgw")), HttpStatusCode.Forbidden);
        Assert.True(HasChinese(Errors(otherSource, "source")[0]));
        await ExpectAsync(await PostAsync(Prefectures, "/api/v1/evaluations/2020/ratings", Rating("prefectures", "fgw")), HttpStatusCode.Created);

        var liaisonAnswers = new JsonObject { ["formalism"] = "satisfied", ["discipline"] = "satisfied" };
        var own = Rating("liaison", "jyt");
        own["answers"] = liaisonAnswers.DeepClone();
        await ExpectAsync(await PostAsync(Liaison, "/api/v1/evaluations/2020/ratings", own), HttpStatusCode.Created);
        var notAssigned = Rating("liaison", "fgw");
        notAssigned["answers"] = liaisonAnswers.DeepClone();
        var refused = await ExpectProblemAsync(await PostAsync(Liaison, "/api/v1/evaluations/2020/ratings", notAssigned), HttpStatusCode.Forbidden);
        Assert.True(HasChinese(Errors(refused, "unitCode")[0]));

        foreach (var who in new[] { Supervisor, Inspector, Handler("fgw"), Evaluator })
        {
            await ExpectProblemAsync(await PostAsync(who, "/api/v1/evaluations/2020/ratings", Rating("deputies", "fgw")), HttpStatusCode.Forbidden);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Anonymous.PostAsync("/api/v1/evaluations/2020/ratings", TestData.Json(Rating("deputies", "fgw")))).StatusCode);
    }

    [Fact]
    public async Task An_inspector_records_an_inspection_with_findings_and_photos()
    {
        var body = new JsonObject
        {
            ["unitCode"] = "rst",
            ["date"] = "2020-10-14",
            ["covert"] = true,
            ["findings"] = new JsonArray(
                new JsonObject { ["description"] = "窗口工作人员上班时间玩手机", ["severity"] = "major" },
                new JsonObject { ["description"] = "一次性告知单缺失", ["severity"] = "minor" }),
            ["rating"] = "basically-satisfied",
        };
        var created = JsonNode.Parse(await ExpectAsync(await PostAsync(Inspector, "/api/v1/evaluations/2020/inspections", body), HttpStatusCode.Created))!;
        var id = created["id"]!.GetValue<long>();

        using var photos = new MultipartFormDataContent();
        var png = new ByteArrayContent(TestData.Png);
        png.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        photos.Add(png, "attachments", "现场.png");
        var client = await _api.AsAsync(Inspector);
        await ExpectAsync(await client.PostAsync($"/api/v1/evaluations/2020/inspections/{id}/photos", photos), HttpStatusCode.OK);

        using var fake = new MultipartFormDataContent();
        var text = new ByteArrayContent("<script>alert(1)</script>"u8.ToArray());
        text.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        fake.Add(text, "attachments", "假照片.png");
        await ExpectProblemAsync(await client.PostAsync($"/api/v1/evaluations/2020/inspections/{id}/photos", fake), HttpStatusCode.UnsupportedMediaType);

        var inspection = (await InputsAsync(Supervisor, "rst"))["inspections"]!.AsArray().Single(i => i!["id"]!.GetValue<long>() == id)!;
        Assert.True(inspection["covert"]!.GetValue<bool>());
        Assert.Equal("2020-10-14", inspection["date"]!.GetValue<string>());
        Assert.Equal(["major", "minor"], inspection["findings"]!.AsArray().Select(f => f!["severity"]!.GetValue<string>()));
        Assert.Equal(1, inspection["photos"]!.GetValue<int>());

        // Bad inputs, and other roles.
        var bad = new JsonObject { ["unitCode"] = "rst", ["date"] = "2020/10/14", ["findings"] = new JsonArray(new JsonObject { ["description"] = "", ["severity"] = "huge" }), ["rating"] = "ok" };
        var problem = await ExpectProblemAsync(await PostAsync(Inspector, "/api/v1/evaluations/2020/inspections", bad), HttpStatusCode.BadRequest);
        foreach (var field in new[] { "date", "covert", "rating", "findings[0].description", "findings[0].severity" })
        {
            Assert.True(HasChinese(Errors(problem, field)[0]), field);
        }
        await ExpectProblemAsync(await PostAsync(Deputies, "/api/v1/evaluations/2020/inspections", body), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/inspections", body), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_supervisor_records_deductions_with_evidence_within_the_rules()
    {
        var created = JsonNode.Parse(await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/deductions",
            await _api.CitingAsync(2020, new JsonObject { ["unitCode"] = "zjt", ["points"] = 1.5, ["reason"] = "受理群众投诉不认真，答复敷衍。", ["rule"] = "careless-handling" })),
            HttpStatusCode.Created))!;
        var id = created["id"]!.GetValue<long>();
        Assert.Equal(Supervisor, created["recordedBy"]!.GetValue<string>());

        using var evidence = new MultipartFormDataContent();
        var pdf = new ByteArrayContent(TestData.Pdf);
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        evidence.Add(pdf, "attachments", "督办记录.pdf");
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync($"/api/v1/evaluations/2020/deductions/{id}/evidence", evidence), HttpStatusCode.OK);

        var inputs = await InputsAsync(Supervisor, "zjt");
        var deduction = inputs["deductions"]!.AsArray().Single(d => d!["id"]!.GetValue<long>() == id)!;
        Assert.Equal(1, deduction["evidence"]!.GetValue<int>());
        Assert.Equal(1.5, deduction["points"]!.GetValue<double>());

        var cases = new (JsonObject Body, string Field)[]
        {
            (new JsonObject { ["unitCode"] = "zjt", ["points"] = 0, ["reason"] = "x" }, "points"),
            (new JsonObject { ["unitCode"] = "zjt", ["points"] = 4, ["reason"] = "超过单项上限", ["rule"] = "procedure" }, "points"),
            (new JsonObject { ["unitCode"] = "zjt", ["points"] = 1, ["reason"] = "  " }, "reason"),
            (new JsonObject { ["unitCode"] = "zjt", ["points"] = 1, ["reason"] = "未知事项", ["rule"] = "weather" }, "rule"),
            (new JsonObject { ["unitCode"] = "nosuch", ["points"] = 1, ["reason"] = "单位不存在" }, "unitCode"),
            (new JsonObject { ["unitCode"] = "zjt", ["points"] = 9.5, ["reason"] = "累计超过上限" }, "points"),
        };
        var citable = await _api.LedgerItemAsync(2020, "zjt");
        foreach (var (body, field) in cases)
        {
            body["cites"] = "ledger-item";
            body["citesRef"] = citable;
            var problem = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2020/deductions", body), HttpStatusCode.BadRequest);
            Assert.True(HasChinese(Errors(problem, field)[0]), field);
        }
        foreach (var who in new[] { Deputies, Inspector, Handler("zjt") })
        {
            await ExpectProblemAsync(await PostAsync(who, "/api/v1/evaluations/2020/deductions", cases[0].Body), HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task A_unit_handler_sees_only_their_own_units_inputs()
    {
        Assert.Equal("jyt", (await InputsAsync(Handler("jyt"), "jyt"))["unitCode"]!.GetValue<string>());
        await ExpectProblemAsync(await _api.GetAsync(Handler("jyt"), "/api/v1/evaluations/2020/inputs?unit=rst"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await _api.GetAsync(Deputies, "/api/v1/evaluations/2020/inputs?unit=rst"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_renamed_disabled_or_mistyped_liaison_account_in_the_round_file_is_reported_with_its_path()
    {
        async Task<IReadOnlyList<string>> FaultsAsync(params EvaluationRoundDefinition[] rounds)
        {
            using var scope = fixture.App.Services.CreateScope();
            return await LiaisonCheck.FaultsAsync(scope.ServiceProvider.GetRequiredService<PingYi.Data.PingYiDbContext>(), rounds, CancellationToken.None);
        }
        var runtime = fixture.App.Services.GetRequiredService<EvaluationRuntime>();
        // The shipped files agree with the demo accounts and units.
        Assert.Empty(await FaultsAsync([.. runtime.Rounds]));

        var admin = new PingYi.Web.Tests.Administration.AdminApi(_api);
        var id = await admin.CreateUserAsync("liaison-b@pingyi.local", "Evaluator", source: "liaison");
        var round = runtime.Find(2020)! with
        {
            Liaison = [new LiaisonGroup("第二党建联系片", ["liaison-b@pingyi.local", "liasion@pingyi.local", Inspector, Liaison], ["jyt", "nosuch"])],
        };
        var faults = await FaultsAsync(round);
        Assert.Equal(3, faults.Count);
        Assert.Contains(faults, f => f.StartsWith("2020.json: $.liaison[0].accounts[1]: no account has the e-mail 'liasion@pingyi.local'", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("2020.json: $.liaison[0].accounts[2]: the account 'inspector@pingyi.local' is not an Evaluator", StringComparison.Ordinal));
        Assert.Contains("2020.json: $.liaison[0].units[1]: no unit has the code 'nosuch'", faults);

        // Renamed by an administrator: the file's e-mail no longer names anyone.
        var renamed = new JsonObject { ["email"] = "liaison-renamed@pingyi.local", ["displayName"] = "测试 Evaluator", ["role"] = "Evaluator", ["source"] = "liaison", ["active"] = true };
        await ExpectAsync(await (await _api.AsAsync(Admin)).PutAsync($"/api/v1/admin/users/{id}", TestData.Json(renamed)), HttpStatusCode.OK);
        Assert.Contains(await FaultsAsync(round), f => f.StartsWith("2020.json: $.liaison[0].accounts[0]: no account has the e-mail 'liaison-b@pingyi.local'", StringComparison.Ordinal));
        renamed["email"] = "liaison-b@pingyi.local";
        await ExpectAsync(await (await _api.AsAsync(Admin)).PutAsync($"/api/v1/admin/users/{id}", TestData.Json(renamed)), HttpStatusCode.OK);
        Assert.Equal(3, (await FaultsAsync(round)).Count);

        // Disabled: reported as such.
        await ExpectAsync(await (await _api.AsAsync(Admin)).PostAsync($"/api/v1/admin/users/{id}/disable", null), HttpStatusCode.OK);
        Assert.Contains(await FaultsAsync(round), f => f.StartsWith("2020.json: $.liaison[0].accounts[0]: the account 'liaison-b@pingyi.local' is disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_closed_round_refuses_every_input_with_409_and_only_a_closed_round_is_approved()
    {
        // 2026 is defined by its file but not open in the demo data; this test owns it.
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject()), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await PostAsync(Deputies, "/api/v1/evaluations/2026/open", new JsonObject()), HttpStatusCode.Forbidden);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/open", new JsonObject()), HttpStatusCode.OK);
        await ExpectAsync(await PostAsync(Deputies, "/api/v1/evaluations/2026/ratings", Rating("deputies", "jyt")), HttpStatusCode.Created);
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject()), HttpStatusCode.Conflict);
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/close", new JsonObject()), HttpStatusCode.OK);

        await ExpectProblemAsync(await PostAsync(Deputies, "/api/v1/evaluations/2026/ratings", Rating("deputies", "jyt")), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await PostAsync(Inspector, "/api/v1/evaluations/2026/inspections",
            new JsonObject { ["unitCode"] = "jyt", ["date"] = "2026-10-01", ["covert"] = false, ["findings"] = new JsonArray(), ["rating"] = "satisfied" }), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/deductions",
            new JsonObject { ["unitCode"] = "jyt", ["points"] = 1, ["reason"] = "截止后不能扣分", ["cites"] = "ledger-item", ["citesRef"] = "1" }), HttpStatusCode.Conflict);
        using var doc = new MultipartFormDataContent { { new ByteArrayContent(TestData.Pdf), "file", "方案.pdf" } };
        await ExpectProblemAsync(await (await _api.AsAsync(Handler("jyt"))).PostAsync("/api/v1/evaluations/2026/documents/implementation-plan", doc), HttpStatusCode.Conflict);

        // Most units have no input in 2026: approval lists them and waits for the approver's confirmation.
        var unconfirmed = await ExpectProblemAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject()), HttpStatusCode.Conflict);
        Assert.Contains(Errors(unconfirmed, "confirmCoverage"), m => m.Contains("缺少", StringComparison.Ordinal));
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject { ["confirmCoverage"] = true }), HttpStatusCode.OK);
        var rounds = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations"), HttpStatusCode.OK))!.AsArray();
        Assert.Equal("approved", rounds.Single(r => r!["year"]!.GetValue<int>() == 2026)!["status"]!.GetValue<string>());
        Assert.Equal(1, (await InputsAsync(Supervisor, "jyt", 2026))["sources"]!["deputies"]!["count"]!.GetValue<int>());
    }
}

public sealed class SqliteEvaluationApiTests(SqliteApp fixture) : EvaluationApiTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresEvaluationApiTests(PostgresApp fixture) : EvaluationApiTests(fixture), IClassFixture<PostgresApp>;
