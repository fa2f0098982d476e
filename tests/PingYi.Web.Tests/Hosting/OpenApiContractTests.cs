using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// The document matches the server: the citizen's, the unit's, the supervisor's and the admin's ordinary journeys
/// are replayed through recording clients, and every request and response is validated against the app's own
/// <c>/openapi/v1.json</c> as a contract validator in proxy mode would (<see cref="OpenApiContract"/>). Any
/// violation fails the test, listed in full. Problem details answered on the way are Chinese only.
/// </summary>
public abstract class OpenApiContractTests(AppFixture fixture)
{
    private const string Supervisor = StaffApi.Supervisor;
    private const string Admin = StaffApi.Admin;
    private static readonly string UnitHandler = StaffApi.Handler(DemoUnit);

    private readonly List<RecordedExchange> _log = [];

    private HttpClient Client() => fixture.App.CreateDefaultClient(new ContractRecorder(_log));

    private async Task<HttpClient> SignInAsync(string email)
    {
        var anonymous = Client();
        var login = await anonymous.PostAsync("/api/v1/auth/login", Json(new JsonObject { ["email"] = email, ["password"] = StaffApi.Password }));
        var body = await login.ReadObjectAsync();
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"sign-in of {email}: {body}");
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body["accessToken"]!.GetValue<string>());
        return client;
    }

    private static HttpRequestMessage WithCode(HttpMethod method, string path, string code, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Access-Code", code);
        return request;
    }

    private static MultipartFormDataContent Form(IEnumerable<(string Name, string Value)> fields, string fileField, string fileName, byte[] file, string contentType)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(part, fileField, fileName);
        return form;
    }

    private static async Task<JsonObject> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    [Fact]
    public async Task The_ordinary_journeys_of_citizen_unit_supervisor_and_admin_match_the_document()
    {
        var citizen = Client();

        // ---- the citizen lodges: the unit list, the categories, JSON with an Idempotency-Key, multipart with a photo ----
        await Expect(await citizen.GetAsync("/api/v1/units"), HttpStatusCode.OK);
        var categories = JsonNode.Parse(await (await citizen.GetAsync("/api/v1/categories")).Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(6, categories.Count);
        Assert.Contains(categories, c => c!["code"]!.GetValue<string>() == "eight-point-rules" && c["label"]!.GetValue<string>() == "违反中央八项规定精神");
        var json = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = Json(Complaint("合同审核拖了三个月")) };
        json.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var lodged = await Expect(await citizen.SendAsync(json), HttpStatusCode.Created);
        var number = lodged["trackingNumber"]!.GetValue<string>();
        var code = lodged["accessCode"]!.GetValue<string>();

        // Only the required fields, as a minimal client sends them.
        await Expect(await citizen.PostAsync("/api/v1/complaints", Json(new JsonObject
        {
            ["unitCode"] = DemoUnit, ["category"] = "bureaucratism", ["title"] = "办事窗口无人", ["description"] = "工作日上午九点窗口无人值守，等候一小时。", ["anonymous"] = true,
        })), HttpStatusCode.Created);
        var named = await Expect(await citizen.PostAsync("/api/v1/complaints", Form(
            [("unitCode", DemoUnit), ("category", "discipline"), ("title", "上班时间打游戏"), ("description", "窗口工作人员上班时间玩手机游戏，群众排队无人办理。"),
             ("occurredOn", "2026-11-20"), ("location", "政务大厅三楼"), ("anonymous", "false"),
             ("complainant.name", "王小兰"), ("complainant.phone", "13912345678"), ("complainant.email", "wxl@example.cn")],
            "attachments", "现场照片.png", Png, "image/png")), HttpStatusCode.Created);
        var namedNumber = named["trackingNumber"]!.GetValue<string>();
        var namedCode = named["accessCode"]!.GetValue<string>();

        // Refusals: a bad body, a wrong code.
        await Expect(await citizen.PostAsync("/api/v1/complaints", Json(new JsonObject { ["unitCode"] = DemoUnit, ["category"] = "nonsense" })), HttpStatusCode.BadRequest);
        await Expect(await citizen.SendAsync(WithCode(HttpMethod.Get, $"/api/v1/complaints/{number}", "WRONG-CODE-000")), HttpStatusCode.NotFound);

        // Tracking and supplements (JSON and multipart).
        var view = await Expect(await citizen.SendAsync(WithCode(HttpMethod.Get, $"/api/v1/complaints/{namedNumber}", namedCode)), HttpStatusCode.OK);
        Assert.Equal("窗口工作人员上班时间玩手机游戏，群众排队无人办理。", view["description"]!.GetValue<string>());
        Assert.NotNull(view["deadline"]);
        Assert.Equal("证据1.png", view["attachments"]!.AsArray().Single()!["fileName"]!.GetValue<string>());
        await Expect(await citizen.SendAsync(WithCode(HttpMethod.Post, $"/api/v1/complaints/{namedNumber}/supplements", namedCode,
            Json(new JsonObject { ["text"] = "补充：当天下午仍然如此。" }))), HttpStatusCode.NoContent);
        await Expect(await citizen.SendAsync(WithCode(HttpMethod.Post, $"/api/v1/complaints/{namedNumber}/supplements", namedCode,
            Form([("text", "再补充一张照片。")], "attachments", "补充.png", Png, "image/png"))), HttpStatusCode.NoContent);
        await Expect(await citizen.SendAsync(WithCode(HttpMethod.Get, $"/api/v1/complaints/{namedNumber}/reply-letter", namedCode)), HttpStatusCode.NotFound);

        // ---- the supervisor: the list, the case, its actions, reveal the complainant, assign ----
        var supervisor = await SignInAsync(Supervisor);
        await Expect(await supervisor.GetAsync("/api/v1/complaints?status=submitted&limit=20"), HttpStatusCode.OK);
        await Expect(await supervisor.GetAsync($"/api/v1/complaints/{namedNumber}"), HttpStatusCode.OK);
        await Expect(await supervisor.GetAsync($"/api/v1/complaints/{namedNumber}/actions"), HttpStatusCode.OK);
        await Expect(await supervisor.PostAsync($"/api/v1/complaints/{namedNumber}/complainant", Json(new JsonObject { ["reason"] = "核实反映人身份" })), HttpStatusCode.OK);
        var assigned = await Expect(await supervisor.PostAsync($"/api/v1/complaints/{namedNumber}/actions/assign", Json(new JsonObject { ["unitCode"] = DemoUnit })), HttpStatusCode.OK);
        await Expect(await supervisor.PostAsync($"/api/v1/complaints/{number}/actions/assign", Json(new JsonObject { ["unitCode"] = DemoUnit })), HttpStatusCode.OK);
        // An action the state no longer allows; a stale ETag.
        await Expect(await supervisor.PostAsync($"/api/v1/complaints/{number}/actions/assign", Json(new JsonObject { ["unitCode"] = DemoUnit })), HttpStatusCode.Conflict);
        var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/actions/send-back") { Content = Json(new JsonObject { ["reason"] = "x" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        Assert.True((await supervisor.SendAsync(stale)).StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict);

        // ---- the unit: its list, the case, the photo, the answer with a signed reply letter ----
        var unit = await SignInAsync(UnitHandler);
        await Expect(await unit.GetAsync("/api/v1/complaints"), HttpStatusCode.OK);
        var unitView = await Expect(await unit.GetAsync($"/api/v1/complaints/{namedNumber}"), HttpStatusCode.OK);
        var photo = unitView["attachments"]!.AsArray().First()!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await unit.GetAsync($"/api/v1/complaints/{namedNumber}/attachments/{photo}")).StatusCode);
        await Expect(await unit.GetAsync($"/api/v1/complaints/{namedNumber}/actions"), HttpStatusCode.OK);
        await Expect(await unit.PostAsync($"/api/v1/complaints/{namedNumber}/complainant", Json(new JsonObject { ["reason"] = "想知道是谁" })), HttpStatusCode.Forbidden);
        await Expect(await unit.PostAsync($"/api/v1/complaints/{namedNumber}/actions/respond", Form(
            [("findings", "经核查，反映属实。"), ("measures", "已对当事人批评教育，调整窗口排班。"), ("publicReply", "您反映的问题属实，已整改。")],
            "replyLetter", "答复函.pdf", Pdf, "application/pdf")), HttpStatusCode.OK);
        await Expect(await unit.PostAsync($"/api/v1/complaints/{number}/actions/respond", Json(new JsonObject
        {
            ["findings"] = "经核查，合同审核流程过长。", ["measures"] = "压缩审核环节。", ["publicReply"] = "已压缩审核时限。",
        })), HttpStatusCode.OK);
        await Expect(await unit.GetAsync("/api/v1/admin/units"), HttpStatusCode.Forbidden);
        await Expect(await Client().GetAsync("/api/v1/complaints"), HttpStatusCode.Unauthorized);

        // ---- the supervisor approves; the citizen reads the reply, downloads the letter and rates ----
        await Expect(await supervisor.PostAsync($"/api/v1/complaints/{namedNumber}/actions/approve", Json(new JsonObject { ["qualityRating"] = 4 })), HttpStatusCode.OK);
        await Expect(await supervisor.PostAsync($"/api/v1/complaints/{number}/actions/send-back", Json(new JsonObject { ["reason"] = "整改措施不具体，请补充时限。" })), HttpStatusCode.OK);
        var answered = await Expect(await citizen.SendAsync(WithCode(HttpMethod.Get, $"/api/v1/complaints/{namedNumber}", namedCode)), HttpStatusCode.OK);
        Assert.True(answered["canGiveFeedback"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await citizen.SendAsync(WithCode(HttpMethod.Get, $"/api/v1/complaints/{namedNumber}/reply-letter", namedCode))).StatusCode);
        await Expect(await citizen.SendAsync(WithCode(HttpMethod.Post, $"/api/v1/complaints/{namedNumber}/feedback", namedCode,
            Json(new JsonObject { ["satisfaction"] = "satisfied" }))), HttpStatusCode.OK);
        await Expect(await citizen.SendAsync(WithCode(HttpMethod.Post, $"/api/v1/complaints/{namedNumber}/feedback", namedCode,
            Json(new JsonObject { ["satisfaction"] = "satisfied" }))), HttpStatusCode.Conflict);
        await Expect(await citizen.SendAsync(WithCode(HttpMethod.Post, $"/api/v1/complaints/{namedNumber}/supplements", namedCode,
            Json(new JsonObject { ["text"] = "结束后再补充。" }))), HttpStatusCode.Conflict);
        await Expect(await citizen.SendAsync(WithCode(HttpMethod.Get, $"/api/v1/complaints/{namedNumber}", namedCode)), HttpStatusCode.OK);

        // ---- the admin: units, accounts, the audit, security settings, the rounds; the session renewed and ended ----
        var anonymous = Client();
        var login = await Expect(await anonymous.PostAsync("/api/v1/auth/login", Json(new JsonObject { ["email"] = Admin, ["password"] = StaffApi.Password })), HttpStatusCode.OK);
        await Expect(await anonymous.PostAsync("/api/v1/auth/login", Json(new JsonObject { ["email"] = Admin, ["password"] = "wrong-password" })), HttpStatusCode.Unauthorized);
        var refreshed = await Expect(await anonymous.PostAsync("/api/v1/auth/refresh", Json(new JsonObject { ["refreshToken"] = login["refreshToken"]!.GetValue<string>() })), HttpStatusCode.OK);
        var admin = Client();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", refreshed["accessToken"]!.GetValue<string>());
        await Expect(await admin.GetAsync("/api/v1/admin/units"), HttpStatusCode.OK);
        var newUnit = Administration.AdminApi.NewCode();
        await Expect(await admin.PostAsync("/api/v1/admin/units", Json(Administration.AdminApi.Unit(newUnit, "契约测试单位"))), HttpStatusCode.Created);
        await Expect(await admin.PutAsync($"/api/v1/admin/units/{newUnit}", Json(Administration.AdminApi.Unit(newUnit, "契约测试单位（改）"))), HttpStatusCode.OK);
        await Expect(await admin.GetAsync("/api/v1/admin/users"), HttpStatusCode.OK);
        var user = await Expect(await admin.PostAsync("/api/v1/admin/users", Json(new JsonObject
        {
            ["email"] = Administration.AdminApi.Email("contract"), ["displayName"] = "契约 承办人", ["role"] = "unit-handler", ["unitCode"] = newUnit, ["active"] = true,
        })), HttpStatusCode.Created);
        var userId = user["user"]!["id"]!.GetValue<string>();
        await Expect(await admin.PostAsync($"/api/v1/admin/users/{userId}/disable", null), HttpStatusCode.OK);
        await Expect(await admin.GetAsync("/api/v1/admin/audit?limit=20"), HttpStatusCode.OK);
        await Expect(await admin.GetAsync("/api/v1/admin/security"), HttpStatusCode.OK);
        await Expect(await admin.GetAsync("/api/v1/evaluations"), HttpStatusCode.OK);
        await Expect(await admin.GetAsync($"/api/v1/complaints?q={Uri.EscapeDataString("游戏")}"), HttpStatusCode.OK);
        await Expect(await admin.PostAsync("/api/v1/auth/logout", null), HttpStatusCode.NoContent);

        // ---- every exchange against the document ----
        var document = JsonNode.Parse(await fixture.App.CreateClient().GetStringAsync("/openapi/v1.json"))!.AsObject();
        // The category codes are stated where a client writes one, not only in a 400's message.
        Assert.Equal(categories.Select(c => c!["code"]!.GetValue<string>()),
            document["components"]!["schemas"]!["SubmitComplaintRequest"]!["properties"]!["category"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>()));
        var contract = new OpenApiContract(document);
        List<RecordedExchange> exchanges;
        lock (_log)
        {
            exchanges = [.. _log];
        }
        Assert.True(exchanges.Count >= 40, $"only {exchanges.Count} calls were recorded");
        var violations = exchanges.SelectMany(contract.Check).ToList();
        violations.AddRange(exchanges.Where(x => x.ResponseMediaType == "application/problem+json").SelectMany(NotChinese));
        Assert.True(violations.Count == 0,
            $"{violations.Count} violations in {exchanges.Count} calls:\n" + string.Join("\n", violations.Distinct()));
    }

    /// <summary>A problem's title, detail and messages are for people: Chinese, no English sentence mixed in.</summary>
    private static IEnumerable<string> NotChinese(RecordedExchange x)
    {
        var problem = JsonNode.Parse(x.ResponseBody)!.AsObject();
        var texts = new List<(string Where, string Text)>();
        if (problem["title"] is { } title)
        {
            texts.Add(("title", title.GetValue<string>()));
        }
        if (problem["detail"] is { } detail)
        {
            texts.Add(("detail", detail.GetValue<string>()));
        }
        foreach (var (field, messages) in problem["errors"]?.AsObject() ?? [])
        {
            texts.AddRange(messages!.AsArray().Select(m => ($"errors.{field}", m!.GetValue<string>())));
        }
        if (!texts.Any(t => t.Where == "title"))
        {
            yield return $"{x}: a problem without a title";
        }
        foreach (var (where, text) in texts)
        {
            if (!StaffApi.HasChinese(text) || EnglishSentence.IsMatch(text))
            {
                yield return $"{x}: problem {where} is not Chinese only: {text}";
            }
        }
    }

    // Three Latin words in a row: a sentence, not a name such as "X-Access-Code" or "UUID v4".
    private static readonly System.Text.RegularExpressions.Regex EnglishSentence = new("[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}");
}

public sealed class SqliteOpenApiContractTests(SqliteApp fixture) : OpenApiContractTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresOpenApiContractTests(PostgresApp fixture) : OpenApiContractTests(fixture), IClassFixture<PostgresApp>;
