using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Administration;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// The bounds /openapi/v1.json states for the request fields of the newer endpoints (docs/api.md, "Spectral") are the
/// server's: a value one past the documented maxLength or maxItems — made so by padding or repeating, which the server
/// once trimmed or dropped and accepted — is a 400 with a Chinese message under that field. The limits are read from
/// the document, so the test follows it if a number changes.
/// </summary>
public abstract class DocumentedBoundsTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<JsonNode> SchemasAsync() =>
        JsonNode.Parse(await _api.Anonymous.GetStringAsync("/openapi/v1.json"))!["components"]!["schemas"]!;

    private static int Max(JsonNode schemas, string schema, string property, string bound = "maxLength") =>
        schemas[schema]!["properties"]![property]![bound]!.GetValue<int>();

    private static void AssertChinese(JsonObject problem, string field) => Assert.True(HasChinese(Errors(problem, field)[0]), field);

    [Fact]
    public async Task An_access_code_recovery_contact_padded_past_its_maxLength_is_refused()
    {
        var max = Max(await SchemasAsync(), "RequestBody", "contact");
        var client = fixture.App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Test-Peer", "198.51.100.61");

        // At the limit, padding and all, the request is taken (the same 202 whether or not the contact matched).
        var atLimit = await client.PostAsync("/api/v1/complaints/ZTC-2026-000001/recovery", TestData.Json(new JsonObject { ["contact"] = "13800000000".PadLeft(max) }));
        Assert.Equal(HttpStatusCode.Accepted, atLimit.StatusCode);

        var tooLong = await ExpectProblemAsync(await client.PostAsync("/api/v1/complaints/ZTC-2026-000001/recovery",
            TestData.Json(new JsonObject { ["contact"] = "13800000000".PadLeft(max + 1) })), HttpStatusCode.BadRequest);
        AssertChinese(tooLong, "contact");
    }

    [Fact]
    public async Task A_bulk_actions_tracking_numbers_are_counted_and_measured_as_sent_and_an_inbox_tab_past_its_length_is_refused()
    {
        var schemas = await SchemasAsync();
        var maxItems = Max(schemas, "BulkActionRequest", "trackingNumbers", "maxItems");
        var itemMax = schemas["BulkActionRequest"]!["properties"]!["trackingNumbers"]!["items"]!["maxLength"]!.GetValue<int>();
        var supervisor = await _api.AsAsync(Supervisor);
        var note = new JsonObject { ["note"] = "请尽快办理" };

        // One number repeated past the count: repeats are dropped when run, but the request is refused as sent.
        var repeated = new JsonObject { ["trackingNumbers"] = new JsonArray(Enumerable.Repeat("ZTC-2026-000001", maxItems + 1).Select(n => (JsonNode?)n).ToArray()), ["fields"] = note.DeepClone() };
        AssertChinese(await ExpectProblemAsync(await supervisor.PostAsync("/api/v1/complaints/bulk-actions/urge", TestData.Json(repeated)), HttpStatusCode.BadRequest), "trackingNumbers");
        var padded = new JsonObject { ["trackingNumbers"] = new JsonArray("ZTC-2026-000001".PadLeft(itemMax + 1)), ["fields"] = note.DeepClone() };
        AssertChinese(await ExpectProblemAsync(await supervisor.PostAsync("/api/v1/complaints/bulk-actions/urge", TestData.Json(padded)), HttpStatusCode.BadRequest), "trackingNumbers");

        var paths = JsonNode.Parse(await _api.Anonymous.GetStringAsync("/openapi/v1.json"))!["paths"]!;
        var deskMax = paths["/api/v1/inbox"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "desk")!["schema"]!["maxLength"]!.GetValue<int>();
        var handler = await _api.AsAsync(Handler("jyt"));
        Assert.Equal(HttpStatusCode.OK, (await handler.GetAsync("/api/v1/inbox?desk=mine")).StatusCode);
        AssertChinese(await ExpectProblemAsync(await handler.GetAsync($"/api/v1/inbox?desk={Uri.EscapeDataString("mine".PadRight(deskMax + 1))}"), HttpStatusCode.BadRequest), "desk");
    }

    [Fact]
    public async Task A_units_short_names_are_counted_and_measured_as_sent()
    {
        var schemas = await SchemasAsync();
        var maxItems = Max(schemas, "UnitBody", "shortNames", "maxItems");
        var itemMax = schemas["UnitBody"]!["properties"]!["shortNames"]!["items"]!["maxLength"]!.GetValue<int>();
        var admin = new AdminApi(_api);

        // Repeated names are dropped when stored, but an array longer than documented is refused all the same.
        var repeated = AdminApi.Unit(AdminApi.NewCode());
        repeated["shortNames"] = new JsonArray(Enumerable.Repeat("简称", maxItems + 1).Select(n => (JsonNode?)n).ToArray());
        AssertChinese(await ExpectProblemAsync(await admin.PostAsync(Admin, "/api/v1/admin/units", repeated), HttpStatusCode.BadRequest), "shortNames");

        var padded = AdminApi.Unit(AdminApi.NewCode());
        padded["shortNames"] = new JsonArray("简称".PadRight(itemMax + 1));
        AssertChinese(await ExpectProblemAsync(await admin.PostAsync(Admin, "/api/v1/admin/units", padded), HttpStatusCode.BadRequest), "shortNames");

        var atLimit = AdminApi.Unit(AdminApi.NewCode());
        atLimit["shortNames"] = new JsonArray(Enumerable.Range(0, maxItems).Select(i => (JsonNode?)$"简称{i}".PadRight(itemMax)).ToArray());
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync(Admin, "/api/v1/admin/units", atLimit)).StatusCode);
    }

    [Fact]
    public async Task A_publication_scope_a_statistics_grouping_and_a_registration_time_past_their_maxLength_are_refused()
    {
        var schemas = await SchemasAsync();
        var supervisor = await _api.AsAsync(Supervisor);

        var scopeMax = Max(schemas, "SetPublicationRequest", "scope");
        var scope = await ExpectProblemAsync(await supervisor.PostAsync("/api/v1/evaluations/2020/publication",
            TestData.Json(new JsonObject { ["scope"] = "public".PadRight(scopeMax + 1) })), HttpStatusCode.BadRequest);
        AssertChinese(scope, "scope");

        var document = JsonNode.Parse(await _api.Anonymous.GetStringAsync("/openapi/v1.json"))!;
        var groupByMax = document["paths"]!["/api/v1/statistics"]!["get"]!["parameters"]!.AsArray()
            .Single(p => p!["name"]!.GetValue<string>() == "groupBy")!["schema"]!["maxLength"]!.GetValue<int>();
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync("/api/v1/statistics?groupBy=" + Uri.EscapeDataString("unit".PadRight(groupByMax)))).StatusCode);
        var groupBy = await ExpectProblemAsync(await supervisor.GetAsync("/api/v1/statistics?groupBy=" + Uri.EscapeDataString("unit".PadRight(groupByMax + 1))),
            HttpStatusCode.BadRequest);
        AssertChinese(groupBy, "groupBy");

        var receivedMax = Max(schemas, "SubmitComplaintRequest", "receivedAt");
        var registered = StaffApi.Complaint(Token("来电登记"));
        registered["channel"] = "phone";
        registered["receivedAt"] = fixture.App.Time.GetUtcNow().AddHours(-2).ToOffset(TimeSpan.FromHours(8))
            .ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture).PadRight(receivedMax + 1);
        var received = await ExpectProblemAsync(await supervisor.PostAsync("/api/v1/complaints", TestData.Json(registered)), HttpStatusCode.BadRequest);
        AssertChinese(received, "receivedAt");
    }

    [Fact]
    public async Task A_questionnaire_answer_padded_past_its_documented_maxLength_is_refused()
    {
        var max = (await SchemasAsync())["CodedAnswer"]!["properties"]!["answers"]!["additionalProperties"]!["maxLength"]!.GetValue<int>();
        var browser = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        browser.DefaultRequestHeaders.Add("X-Test-Peer", "198.51.100.62");

        // Short once trimmed, but longer than any questionnaire takes as sent: the same page answers 400, not the thanks.
        var page = await Evaluation.PublicSurveyTests.AnswerAsync(browser, "/survey/2020/service-hall/mzt", "多设几个窗口".PadRight(max + 1));
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("不能超过", await page.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteDocumentedBoundsTests(SqliteApp fixture) : DocumentedBoundsTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresDocumentedBoundsTests(PostgresApp fixture) : DocumentedBoundsTests(fixture), IClassFixture<PostgresApp>;
