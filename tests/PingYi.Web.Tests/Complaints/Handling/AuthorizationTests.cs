using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// Who reaches which staff endpoint, and that a unit's handler never learns who complained.
/// Each caller is run against every endpoint and the whole row is reported at once.
/// </summary>
public abstract class AuthorizationTests(AppFixture fixture)
{
    private static readonly string JytHandler = Handler("jyt");
    private static readonly string RstHandler = Handler("rst");

    /// <summary>Every action of the definition, with a body that would be valid for it.</summary>
    private static readonly (string Action, object Fields)[] AllActions =
    [
        ("assign", new { unitCode = "rst" }),
        ("decline", new { reason = "越权测试" }),
        ("transfer", new { unitCode = "rst", reason = "越权测试" }),
        ("request-return", new { reason = "越权测试" }),
        ("approve-return", new { }),
        ("reject-return", new { reason = "越权测试" }),
        ("request-extension", new { workingDays = 2, reason = "越权测试" }),
        ("approve-extension", new { }),
        ("reject-extension", new { reason = "越权测试" }),
        ("respond", new { findings = "f", measures = "m", publicReply = "r" }),
        ("approve", new { qualityRating = 5 }),
        ("send-back", new { reason = "越权测试" }),
        ("feedback", new { satisfaction = "satisfied" }),
        ("reopen", new { reason = "越权测试" }),
        ("close", new { }),
        ("feedback-timeout", new { }),
    ];

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private sealed record Case(string Number, string AttachmentId, Complainant Who, string Title);

    /// <summary>A named complaint with one PNG; assigned to jyt unless <paramref name="assign"/> is false.</summary>
    private async Task<Case> NamedCaseAsync(string title, bool assign = true)
    {
        var who = Complainant.Distinct();
        var (number, _) = await _api.LodgeWithPngAsync(Named(Complaint(title), who));
        if (assign)
        {
            await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        }
        var view = await _api.StaffViewAsync(Supervisor, number);
        return new Case(number, view["attachments"]!.AsArray().Single()!["id"]!.GetValue<string>(), who, title);
    }

    /// <summary>Status of every staff endpoint for one caller (null: anonymous). POSTs go last so that the GETs see the case unchanged.</summary>
    private async Task<List<(string Endpoint, HttpStatusCode Status, string Body)>> ProbeAsync(string? email, Case c)
    {
        var client = email is null ? _api.Anonymous : await _api.AsAsync(email);
        var results = new List<(string, HttpStatusCode, string)>();
        async Task Record(string name, Task<HttpResponseMessage> call)
        {
            var response = await call;
            results.Add((name, response.StatusCode, await response.Content.ReadAsStringAsync()));
        }
        await Record("GET complaint", client.GetAsync($"/api/v1/complaints/{c.Number}"));
        await Record("GET actions", client.GetAsync($"/api/v1/complaints/{c.Number}/actions"));
        await Record("GET list", client.GetAsync("/api/v1/complaints"));
        await Record("POST complainant", client.PostAsync($"/api/v1/complaints/{c.Number}/complainant", System.Net.Http.Json.JsonContent.Create(new { reason = "核实反映人身份" })));
        await Record("GET attachment", client.GetAsync($"/api/v1/complaints/{c.Number}/attachments/{c.AttachmentId}"));
        foreach (var (action, fields) in AllActions)
        {
            await Record($"POST {action}", ActAsync(client, c.Number, action, fields));
        }
        return results;
    }

    private static void AssertRow(string caller, IEnumerable<(string Endpoint, HttpStatusCode Status, string Body)> row, Func<string, HttpStatusCode[]> expected)
    {
        var wrong = row.Where(r => !expected(r.Endpoint).Contains(r.Status))
            .Select(r => $"{r.Endpoint}: got {(int)r.Status}, expected {string.Join(" or ", expected(r.Endpoint).Select(s => (int)s))} — {r.Body}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{caller}:\n" + string.Join("\n", wrong));
    }

    private async Task<int> VersionAsync(string number) => (await _api.StaffViewAsync(Supervisor, number))["version"]!.GetValue<int>();

    [Fact]
    public async Task Anonymous_callers_get_401_and_the_case_view_without_a_code_is_the_plain_404()
    {
        var c = await NamedCaseAsync("权限矩阵-匿名");
        var version = await VersionAsync(c.Number);

        var row = await ProbeAsync(null, c);

        AssertRow("anonymous", row, e => e == "GET complaint" ? [HttpStatusCode.NotFound] : [HttpStatusCode.Unauthorized]);
        // Without a code the anonymous caller gets exactly the wrong-code answer: nothing tells that the case exists.
        var view = JsonNode.Parse(row.Single(r => r.Endpoint == "GET complaint").Body)!.AsObject();
        var wrongCode = JsonNode.Parse(await (await _api.PublicGetAsync(c.Number, "ABCD-EFGH-JKMN")).Content.ReadAsStringAsync())!.AsObject();
        view.Remove("traceId");
        wrongCode.Remove("traceId");
        Assert.Equal(wrongCode.ToJsonString(), view.ToJsonString());
        Assert.DoesNotContain(c.Title, Readable(view));
        Assert.All(row, r => Assert.DoesNotContain(c.Number, r.Body));
        Assert.Equal(version, await VersionAsync(c.Number));
    }

    [Theory]
    [InlineData("rst@pingyi.local")]
    [InlineData("evaluator@pingyi.local")]
    [InlineData("inspector@pingyi.local")]
    public async Task Another_units_handler_and_the_evaluation_roles_learn_nothing_about_the_case(string email)
    {
        var c = await NamedCaseAsync($"权限矩阵-{email}");
        var version = await VersionAsync(c.Number);

        var row = await ProbeAsync(email, c);

        var listStatus = email == RstHandler ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
        AssertRow(email, row, e => e == "GET list" ? [listStatus] : [HttpStatusCode.NotFound]);
        foreach (var (endpoint, _, body) in row)
        {
            Assert.DoesNotContain(c.Title, Readable(body));
            Assert.DoesNotContain(c.Number, body);
            c.Who.AssertAbsentFrom(body, $"{endpoint} for {email}");
        }
        if (email == RstHandler)
        {
            Assert.DoesNotContain(c.Number, await _api.ListNumbersAsync(RstHandler, $"?q={c.Number}"));
        }
        Assert.Equal(version, await VersionAsync(c.Number));
    }

    [Fact]
    public async Task The_units_own_handler_learns_nothing_before_the_case_is_assigned()
    {
        var c = await NamedCaseAsync("权限矩阵-未交办", assign: false);
        var version = await VersionAsync(c.Number);

        var row = await ProbeAsync(JytHandler, c);

        AssertRow("jyt handler before assignment", row, e => e == "GET list" ? [HttpStatusCode.OK] : [HttpStatusCode.NotFound]);
        Assert.DoesNotContain(c.Number, await _api.ListNumbersAsync(JytHandler, $"?q={c.Number}"));
        Assert.DoesNotContain(c.Number, await _api.ListNumbersAsync(JytHandler, "?status=submitted&limit=100"));
        Assert.Equal(version, await VersionAsync(c.Number));
        Assert.Equal("submitted", (await _api.StaffViewAsync(Supervisor, c.Number))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_supervisor_reaches_every_endpoint()
    {
        var c = await NamedCaseAsync("权限矩阵-督办员", assign: false);

        var row = await ProbeAsync(Supervisor, c);

        // The supervisor's actions are applied or refused by the workflow (409 for the wrong state, 403 for another role's action), never hidden.
        string[] others = ["POST request-return", "POST request-extension", "POST respond", "POST feedback", "POST feedback-timeout"];
        AssertRow("supervisor", row, e =>
            e.StartsWith("GET", StringComparison.Ordinal) ? [HttpStatusCode.OK]
            : others.Contains(e) ? [HttpStatusCode.Forbidden]
            : [HttpStatusCode.OK, HttpStatusCode.Conflict]);
        // assign ran first and won; decline then found the case assigned.
        Assert.Equal(HttpStatusCode.OK, row.Single(r => r.Endpoint == "POST assign").Status);
        Assert.Equal(HttpStatusCode.Conflict, row.Single(r => r.Endpoint == "POST decline").Status);
        // The stored file is the re-encoded one (metadata stripped at intake): the same picture, not the same bytes.
        var stored = await (await (await _api.AsAsync(Supervisor)).GetAsync($"/api/v1/complaints/{c.Number}/attachments/{c.AttachmentId}")).Content.ReadAsByteArrayAsync();
        using var original = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(TestData.Png);
        using var served = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(stored);
        Assert.Equal(original[0, 0], served[0, 0]);
    }

    [Fact]
    public async Task The_units_handler_reaches_the_assigned_case_but_never_the_complainant()
    {
        var c = await NamedCaseAsync("权限矩阵-本单位承办人");

        var row = await ProbeAsync(JytHandler, c);

        string[] own = ["POST request-return", "POST request-extension", "POST respond"];
        AssertRow("jyt handler", row, e =>
            e == "POST complainant" ? [HttpStatusCode.Forbidden]
            : e.StartsWith("GET", StringComparison.Ordinal) ? [HttpStatusCode.OK]
            : own.Contains(e) ? [HttpStatusCode.OK, HttpStatusCode.Conflict]
            : [HttpStatusCode.Forbidden]);
        Assert.Contains(c.Number, await _api.ListNumbersAsync(JytHandler, $"?q={c.Number}"));
        var complainant = await ExpectProblemAsync(await (await _api.AsAsync(JytHandler)).PostAsync($"/api/v1/complaints/{c.Number}/complainant", System.Net.Http.Json.JsonContent.Create(new { reason = "核实反映人身份" })), HttpStatusCode.Forbidden);
        Assert.True(HasChinese(Errors(complainant, "trackingNumber").Single()));
    }

    [Fact]
    public async Task No_response_a_handler_can_get_carries_the_complainants_name_phone_or_email()
    {
        var c = await NamedCaseAsync("隐私-承办人视角");
        var handler = await _api.AsAsync(JytHandler);
        // A supervisor has looked at the identity: the log of that look must not carry it either.
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync($"/api/v1/complaints/{c.Number}/complainant", System.Net.Http.Json.JsonContent.Create(new { reason = "核实反映人身份" })), HttpStatusCode.OK);

        var bodies = new List<(string Where, HttpResponseMessage Response)>
        {
            ("GET complaint", await handler.GetAsync($"/api/v1/complaints/{c.Number}")),
            ("GET actions", await handler.GetAsync($"/api/v1/complaints/{c.Number}/actions")),
            ("GET list", await handler.GetAsync("/api/v1/complaints?limit=100")),
            ("GET list q", await handler.GetAsync($"/api/v1/complaints?q={c.Number}")),
            ("POST complainant", await handler.PostAsync($"/api/v1/complaints/{c.Number}/complainant", System.Net.Http.Json.JsonContent.Create(new { reason = "核实反映人身份" }))),
            ("GET attachment", await handler.GetAsync($"/api/v1/complaints/{c.Number}/attachments/{c.AttachmentId}")),
            ("POST request-extension", await ActAsync(handler, c.Number, "request-extension", new { workingDays = 3, reason = "需要走访" })),
            ("POST request-return (409)", await ActAsync(handler, c.Number, "request-return", new { reason = "不是本单位" })),
            ("POST approve (403)", await ActAsync(handler, c.Number, "approve", new { qualityRating = 5 })),
            ("POST respond", await ActAsync(handler, c.Number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" })),
            ("GET complaint after respond", await handler.GetAsync($"/api/v1/complaints/{c.Number}")),
        };

        foreach (var (where, response) in bodies)
        {
            c.Who.AssertAbsentFrom(await response.Content.ReadAsStringAsync(), $"{where} for the handler");
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                c.Who.AssertAbsentFrom(string.Join(";", header.Value), $"{where} header {header.Key}");
            }
        }
        Assert.Equal(HttpStatusCode.OK, bodies.Single(b => b.Where == "POST respond").Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bodies.Single(b => b.Where == "POST complainant").Response.StatusCode);
        // Nor does the complaint's own view for the supervisor: the identity is only behind /complainant.
        c.Who.AssertAbsentFrom(await (await _api.GetAsync(Supervisor, $"/api/v1/complaints/{c.Number}")).Content.ReadAsStringAsync(), "the supervisor's case view");
    }

    [Fact]
    public async Task Each_supervisor_view_of_the_complainant_is_logged_and_the_handlers_refused_attempt_is_not_a_view()
    {
        var c = await NamedCaseAsync("隐私-查看留痕");
        await ExpectAsync(await _api.RevealAsync(JytHandler, c.Number), HttpStatusCode.Forbidden);
        Assert.Empty(await ViewContactEventsAsync(c.Number));

        var first = await (await _api.AsAsync(Supervisor)).PostAsync($"/api/v1/complaints/{c.Number}/complainant", System.Net.Http.Json.JsonContent.Create(new { reason = "核实反映人身份" }));
        var body = await ExpectAsync(first, HttpStatusCode.OK);
        await ExpectAsync(await _api.RevealAsync(Admin, c.Number), HttpStatusCode.OK);

        c.Who.AssertPresentIn(body);
        var contact = JsonNode.Parse(body)!;
        Assert.False(contact["anonymous"]!.GetValue<bool>());
        Assert.Equal(c.Who.Name, contact["name"]!.GetValue<string>());
        Assert.Equal(c.Who.Phone, contact["phone"]!.GetValue<string>());
        Assert.Equal(c.Who.Email, contact["email"]!.GetValue<string>());
        Assert.Contains("no-store", first.Headers.CacheControl?.ToString());
        var views = await ViewContactEventsAsync(c.Number);
        Assert.Equal(2, views.Count);
        Assert.Equal(["纪检监察工委 督办员", "系统管理员"], views.Select(v => v["actorName"]!.GetValue<string>()));
        Assert.All(views, v =>
        {
            Assert.Equal("supervisor", v["actorRole"]!.GetValue<string>());
            Assert.Equal("查看了反映人身份信息", v["internalNote"]!.GetValue<string>());
            Assert.Null(v["note"]);
        });
        // The handler sees that someone looked, not what they saw.
        var handlerView = await (await _api.GetAsync(JytHandler, $"/api/v1/complaints/{c.Number}")).Content.ReadAsStringAsync();
        c.Who.AssertAbsentFrom(handlerView, "the handler's view after two supervisor looks");
    }

    [Fact]
    public async Task The_complainant_of_an_anonymous_case_is_simply_anonymous()
    {
        var (number, _) = await _api.LodgeAsync("隐私-匿名反映");

        var contact = JsonNode.Parse(await ExpectAsync(await _api.RevealAsync(Supervisor, number), HttpStatusCode.OK))!;

        Assert.True(contact["anonymous"]!.GetValue<bool>());
        Assert.Null(contact["name"]);
        Assert.Null(contact["phone"]);
        Assert.Null(contact["email"]);
    }

    [Fact]
    public async Task An_attachment_of_another_complaint_is_404_even_for_the_supervisor()
    {
        var a = await NamedCaseAsync("附件-甲");
        var b = await NamedCaseAsync("附件-乙");

        await ExpectProblemAsync(await _api.GetAsync(Supervisor, $"/api/v1/complaints/{a.Number}/attachments/{b.AttachmentId}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await _api.GetAsync(JytHandler, $"/api/v1/complaints/{a.Number}/attachments/{b.AttachmentId}"), HttpStatusCode.NotFound);
        var own = await _api.GetAsync(JytHandler, $"/api/v1/complaints/{a.Number}/attachments/{a.AttachmentId}");
        await ExpectAsync(own, HttpStatusCode.OK);
        Assert.Equal("image/png", own.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", own.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task An_unknown_or_malformed_tracking_number_is_404_for_staff()
    {
        foreach (var number in new[] { "ZTC-2026-999999", "not-a-number", "ZTC-2026-00000%27" })
        {
            await ExpectProblemAsync(await _api.GetAsync(Supervisor, $"/api/v1/complaints/{number}"), HttpStatusCode.NotFound);
            await ExpectProblemAsync(await _api.GetAsync(Supervisor, $"/api/v1/complaints/{number}/actions"), HttpStatusCode.NotFound);
            await ExpectProblemAsync(await _api.RevealAsync(Supervisor, number), HttpStatusCode.NotFound);
            await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "assign", new { unitCode = "jyt" }), HttpStatusCode.NotFound);
        }
    }

    private async Task<List<JsonObject>> ViewContactEventsAsync(string number) =>
        (await _api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray()
        .Select(t => t!.AsObject()).Where(t => t["action"]!.GetValue<string>() == "view-contact").ToList();
}

public sealed class SqliteAuthorizationTests(SqliteApp fixture) : AuthorizationTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresAuthorizationTests(PostgresApp fixture) : AuthorizationTests(fixture), IClassFixture<PostgresApp>;
