using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Administration;

/// <summary>Units, staff accounts and the audit log through /api/v1/admin, with every refusal.</summary>
public abstract class AdminApiTests(AppFixture fixture)
{
    private readonly AdminApi _admin = new(StaffApi.For(fixture.App));

    private StaffApi Api => _admin.Api;

    public static readonly TheoryData<string, string> AdminRoutes = new()
    {
        { "GET", "/api/v1/admin/units" },
        { "POST", "/api/v1/admin/units" },
        { "PUT", "/api/v1/admin/units/jyt" },
        { "GET", "/api/v1/admin/units/template" },
        { "GET", "/api/v1/admin/units/export" },
        { "POST", "/api/v1/admin/units/import" },
        { "GET", "/api/v1/admin/users" },
        { "POST", "/api/v1/admin/users" },
        { "PUT", "/api/v1/admin/users/x" },
        { "POST", "/api/v1/admin/users/x/disable" },
        { "POST", "/api/v1/admin/users/x/enable" },
        { "POST", "/api/v1/admin/users/x/reset-password" },
        { "GET", "/api/v1/admin/audit" },
        { "GET", "/api/v1/admin/audit/export" },
    };

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Only_an_administrator_may_use_an_admin_route(string method, string path)
    {
        foreach (var email in new[] { Supervisor, Handler("jyt"), Evaluator, Inspector })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : Json(new JsonObject()) };
            var response = await (await Api.AsAsync(email)).SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{email} {method} {path}: {(int)response.StatusCode}");
        }
        var anonymous = await Api.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : Json(new JsonObject()) });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_unit_is_created_changed_and_retired_and_its_code_is_never_reused()
    {
        var code = AdminApi.NewCode();
        var created = await _admin.CreateUnitAsync(code, "省测试厅");
        Assert.Equal("government", created["category"]!.GetValue<string>());
        Assert.False(created["hasActiveHandler"]!.GetValue<bool>());
        Assert.Contains(code, await PublicUnitCodesAsync());

        var duplicate = await ExpectProblemAsync(await _admin.PostAsync(Admin, "/api/v1/admin/units", AdminApi.Unit(code)), HttpStatusCode.Conflict);
        Assert.True(HasChinese(Errors(duplicate, "code")[0]));

        var changed = AdminApi.Unit(code, "省测试厅（更名）", "central");
        changed["serviceHall"] = true;
        changed["contactEmails"] = new JsonArray("a@example.cn", "b@example.cn");
        var put = JsonNode.Parse(await ExpectAsync(await _admin.PutAsync(Admin, $"/api/v1/admin/units/{code}", changed), HttpStatusCode.OK))!;
        Assert.Equal("省测试厅（更名）", put["name"]!.GetValue<string>());
        Assert.Equal("central", put["category"]!.GetValue<string>());
        Assert.True(put["serviceHall"]!.GetValue<bool>());
        Assert.Equal(["a@example.cn", "b@example.cn"], put["contactEmails"]!.AsArray().Select(e => e!.GetValue<string>()));

        var renamed = AdminApi.Unit(AdminApi.NewCode());
        var codeChange = await ExpectProblemAsync(await _admin.PutAsync(Admin, $"/api/v1/admin/units/{code}", renamed), HttpStatusCode.BadRequest);
        Assert.Contains("不可修改", Errors(codeChange, "code")[0]);
        await ExpectProblemAsync(await _admin.PutAsync(Admin, $"/api/v1/admin/units/{AdminApi.NewCode()}", AdminApi.Unit("zz")), HttpStatusCode.NotFound);

        // A complaint lodged before retirement stays; a new one is refused in Chinese; the code stays taken.
        var (before, _) = await Api.LodgeAsync(StaffApi.Complaint("撤销前的反映", code));
        changed["active"] = false;
        await ExpectAsync(await _admin.PutAsync(Admin, $"/api/v1/admin/units/{code}", changed), HttpStatusCode.OK);
        var refused = await ExpectProblemAsync(await Api.Anonymous.PostAsync("/api/v1/complaints", Json(StaffApi.Complaint("撤销后的反映", code))), HttpStatusCode.BadRequest);
        Assert.Contains("已撤销", Errors(refused, "unitCode")[0]);
        Assert.DoesNotContain(code, await PublicUnitCodesAsync());
        Assert.Equal(code, (await Api.StaffViewAsync(Supervisor, before))["unit"]!["code"]!.GetValue<string>());
        var assign = await ExpectProblemAsync(await Api.ActAsync(Supervisor, before, "assign", new { unitCode = code }), HttpStatusCode.BadRequest);
        Assert.Contains("已撤销", Errors(assign, "unitCode")[0]);
        await ExpectProblemAsync(await _admin.PostAsync(Admin, "/api/v1/admin/units", AdminApi.Unit(code)), HttpStatusCode.Conflict);

        var audit = await AuditAsync($"?kind=unit.updated&actor={Admin}");
        var record = audit.First(r => r!["target"]!.GetValue<string>() == code)!;
        Assert.False(record["after"]!["active"]!.GetValue<bool>());
        Assert.True(record["before"]!["active"]!.GetValue<bool>());
        Assert.Equal(Admin, record["actor"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_unit_input_is_refused_field_by_field_in_Chinese()
    {
        var body = new JsonObject
        {
            ["code"] = "Bad Code!", ["name"] = "", ["category"] = "ministry", ["supervisionPhone"] = "call me",
            ["contactEmails"] = new JsonArray("not-an-address"), ["evaluationChannelUrl"] = "ftp://x",
        };
        var problem = await ExpectProblemAsync(await _admin.PostAsync(Admin, "/api/v1/admin/units", body), HttpStatusCode.BadRequest);
        foreach (var field in new[] { "code", "name", "category", "supervisionPhone", "contactEmails", "evaluationChannelUrl" })
        {
            Assert.True(HasChinese(Errors(problem, field)[0]), field);
        }
        var notJson = await (await Api.AsAsync(Admin)).PostAsync("/api/v1/admin/units", Json(JsonValue.Create("x")!));
        await ExpectProblemAsync(notJson, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Accounts_are_created_listed_per_unit_and_refused_when_wrong()
    {
        var code = AdminApi.NewCode();
        await _admin.CreateUnitAsync(code);
        var email = AdminApi.Email("handler");
        var id = await _admin.CreateUserAsync(email, "unit-handler", code);

        var units = JsonNode.Parse(await ExpectAsync(await Api.GetAsync(Admin, "/api/v1/admin/units"), HttpStatusCode.OK))!.AsArray();
        var unit = units.Single(u => u!["code"]!.GetValue<string>() == code)!;
        Assert.True(unit["hasActiveHandler"]!.GetValue<bool>());
        Assert.Equal(email, unit["handlers"]![0]!["email"]!.GetValue<string>());
        var listed = JsonNode.Parse(await ExpectAsync(await Api.GetAsync(Admin, $"/api/v1/admin/users?unit={code}"), HttpStatusCode.OK))!.AsArray();
        var user = Assert.Single(listed)!;
        Assert.Equal(id, user["id"]!.GetValue<string>());
        Assert.Equal("unit-handler", user["role"]!.GetValue<string>());
        Assert.Equal(code, user["unitCode"]!.GetValue<string>());
        Assert.True(user["active"]!.GetValue<bool>());
        Assert.False(user["mustChangePassword"]!.GetValue<bool>());

        var duplicate = new JsonObject { ["email"] = email.ToUpperInvariant(), ["displayName"] = "重复", ["role"] = "supervisor" };
        await ExpectProblemAsync(await _admin.PostAsync(Admin, "/api/v1/admin/users", duplicate), HttpStatusCode.Conflict);

        var bad = new JsonObject { ["email"] = "nobody", ["displayName"] = "", ["role"] = "king" };
        var problem = await ExpectProblemAsync(await _admin.PostAsync(Admin, "/api/v1/admin/users", bad), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(problem, "email")[0]));
        Assert.True(HasChinese(Errors(problem, "displayName")[0]));
        Assert.True(HasChinese(Errors(problem, "role")[0]));
        var noUnit = new JsonObject { ["email"] = AdminApi.Email("h"), ["displayName"] = "无单位", ["role"] = "unit-handler" };
        Assert.True(HasChinese(Errors(await ExpectProblemAsync(await _admin.PostAsync(Admin, "/api/v1/admin/users", noUnit), HttpStatusCode.BadRequest), "unitCode")[0]));
        var noSource = new JsonObject { ["email"] = AdminApi.Email("e"), ["displayName"] = "评议", ["role"] = "evaluator", ["source"] = "tv" };
        Assert.True(HasChinese(Errors(await ExpectProblemAsync(await _admin.PostAsync(Admin, "/api/v1/admin/users", noSource), HttpStatusCode.BadRequest), "source")[0]));
        var evaluator = await _admin.CreateUserAsync(AdminApi.Email("eval"), "evaluator", source: "service-hall");
        var all = JsonNode.Parse(await ExpectAsync(await Api.GetAsync(Admin, "/api/v1/admin/users"), HttpStatusCode.OK))!.AsArray();
        Assert.Equal("service-hall", all.Single(u => u!["id"]!.GetValue<string>() == evaluator)!["source"]!.GetValue<string>());
        await ExpectProblemAsync(await _admin.PutAsync(Admin, "/api/v1/admin/users/nope", bad), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_disabled_account_is_refused_at_once_with_its_cookie_and_its_token()
    {
        var email = AdminApi.Email("sup");
        var id = await _admin.CreateUserAsync(email, "supervisor");
        var bearer = await _admin.BearerAsync(email);
        var cookie = await _admin.CookieAsync(email);
        await ExpectAsync(await bearer.GetAsync("/api/v1/complaints"), HttpStatusCode.OK);
        await ExpectAsync(await cookie.GetAsync("/api/v1/complaints"), HttpStatusCode.OK);

        await ExpectAsync(await (await Api.AsAsync(Admin)).PostAsync($"/api/v1/admin/users/{id}/disable", null), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/v1/complaints")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await cookie.GetAsync("/api/v1/complaints")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await _admin.LoginAsync(email, AdminApi.StrongPassword)).StatusCode);
        var disabled = JsonNode.Parse(await ExpectAsync(await Api.GetAsync(Admin, "/api/v1/admin/users"), HttpStatusCode.OK))!.AsArray().Single(u => u!["id"]!.GetValue<string>() == id)!;
        Assert.False(disabled["active"]!.GetValue<bool>());

        await ExpectAsync(await (await Api.AsAsync(Admin)).PostAsync($"/api/v1/admin/users/{id}/enable", null), HttpStatusCode.OK);
        await ExpectAsync(await (await _admin.BearerAsync(email)).GetAsync("/api/v1/complaints"), HttpStatusCode.OK);
        Assert.Contains(await AuditAsync("?kind=user.disabled"), r => r!["target"]!.GetValue<string>() == email);
    }

    [Fact]
    public async Task A_handler_moved_to_another_unit_sees_that_units_cases_on_the_next_request()
    {
        var (a, b) = (AdminApi.NewCode(), AdminApi.NewCode());
        await _admin.CreateUnitAsync(a, "甲单位");
        await _admin.CreateUnitAsync(b, "乙单位");
        var email = AdminApi.Email("mover");
        var id = await _admin.CreateUserAsync(email, "unit-handler", a);
        // Not signed for: the new units have no handler of the test's own to sign with.
        var inA = await Api.AssignedAsync("甲单位的反映", a, sign: false);
        var inB = await Api.AssignedAsync("乙单位的反映", b, sign: false);
        var client = await _admin.BearerAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/complaints/{inA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/complaints/{inB}")).StatusCode);

        var move = new JsonObject { ["id"] = id, ["email"] = email, ["displayName"] = "调岗人员", ["role"] = "unit-handler", ["unitCode"] = b, ["active"] = true };
        await ExpectAsync(await _admin.PutAsync(Admin, $"/api/v1/admin/users/{id}", move), HttpStatusCode.OK);

        // The same token, on its next request: the new unit's cases, no longer the old unit's.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/complaints/{inA}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/complaints/{inB}")).StatusCode);
        var list = JsonNode.Parse(await ExpectAsync(await client.GetAsync("/api/v1/complaints?q=单位的反映&limit=100"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.Contains(list, i => i!["trackingNumber"]!.GetValue<string>() == inB);
        Assert.DoesNotContain(list, i => i!["trackingNumber"]!.GetValue<string>() == inA);
        var action = await StaffApi.ActAsync(client, inA, "respond", new { response = "不应成功" });
        Assert.NotEqual(HttpStatusCode.OK, action.StatusCode);

        // A role change reaches the same session too: made a supervisor, it sees both units' cases.
        var promote = new JsonObject { ["email"] = email, ["displayName"] = "调岗人员", ["role"] = "supervisor", ["active"] = true };
        await ExpectAsync(await _admin.PutAsync(Admin, $"/api/v1/admin/users/{id}", promote), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/complaints/{inA}")).StatusCode);
        var record = (await AuditAsync("?kind=user.updated")).First(r => r!["target"]!.GetValue<string>() == email)!;
        Assert.Equal("unit-handler", record["before"]!["role"]!.GetValue<string>());
        Assert.Equal("supervisor", record["after"]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_password_policy_holds_and_a_reset_forces_a_change()
    {
        var email = AdminApi.Email("policy");
        var created = JsonNode.Parse(await ExpectAsync(await _admin.PostAsync(Admin, "/api/v1/admin/users",
            new JsonObject { ["email"] = email, ["displayName"] = "密码测试", ["role"] = "supervisor" }), HttpStatusCode.Created))!;
        var id = created["user"]!["id"]!.GetValue<string>();
        var link = created["passwordLink"]!.GetValue<string>();

        foreach (var weak in new[] { "Short-1a", "alllowercaseletters", "lowercase-only-and-dashes", email.ToUpperInvariant() + "-A1" })
        {
            var problem = await ExpectProblemAsync(await _admin.SetPasswordAsync(link, weak), HttpStatusCode.BadRequest);
            Assert.True(HasChinese(Errors(problem, "newPassword")[0]), weak);
        }
        await ExpectAsync(await _admin.SetPasswordAsync(link, "Erstes-Passwort-1"), HttpStatusCode.NoContent);
        // The link works once.
        await ExpectProblemAsync(await _admin.SetPasswordAsync(link, "Zweites-Passwort-2"), HttpStatusCode.BadRequest);

        var client = await _admin.BearerAsync(email, "Erstes-Passwort-1");
        var passwords = new[] { "Zweites-Passwort-2", "Drittes-Passwort-3", "Viertes-Passwort-4", "Fuenftes-Passwort-5" };
        var current = "Erstes-Passwort-1";
        foreach (var next in passwords)
        {
            await ExpectAsync(await ChangeAsync(client, current, next), HttpStatusCode.NoContent);
            current = next;
            client = await _admin.BearerAsync(email, current);
        }
        // The first password is one of the last five: refused. A wrong current password is refused too.
        var reused = await ExpectProblemAsync(await ChangeAsync(client, current, "Erstes-Passwort-1"), HttpStatusCode.BadRequest);
        Assert.Contains("最近 5 次", Errors(reused, "newPassword")[0]);
        Assert.True(HasChinese(Errors(await ExpectProblemAsync(await ChangeAsync(client, "wrong-Password-9", "Sechstes-Passwort-6"), HttpStatusCode.BadRequest), "currentPassword")[0]));

        // A reset ends the session; the old password still signs in, but only to change it.
        var reset = JsonNode.Parse(await ExpectAsync(await (await Api.AsAsync(Admin)).PostAsync($"/api/v1/admin/users/{id}/reset-password", null), HttpStatusCode.OK))!;
        Assert.StartsWith("http", reset["passwordLink"]!.GetValue<string>());
        // No mail server in this app: the link is only shown to the administrator.
        Assert.False(reset["emailed"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/complaints")).StatusCode);
        var forced = await _admin.BearerAsync(email, current);
        Assert.Equal(HttpStatusCode.Forbidden, (await forced.GetAsync("/api/v1/complaints")).StatusCode);
        await ExpectAsync(await ChangeAsync(forced, current, "Sechstes-Passwort-6"), HttpStatusCode.NoContent);
        await ExpectAsync(await (await _admin.BearerAsync(email, "Sechstes-Passwort-6")).GetAsync("/api/v1/complaints"), HttpStatusCode.OK);

        var audit = await AuditAsync("?kind=user.password-reset");
        var record = audit.First(r => r!["target"]!.GetValue<string>() == email)!;
        Assert.DoesNotContain("Passwort", record.ToJsonString());
        Assert.DoesNotContain("AQAAAA", (await AuditAsync($"?actor={email}")).ToJsonString());
    }

    [Fact]
    public async Task The_audit_log_filters_pages_newest_first_and_exports()
    {
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            codes.Add(AdminApi.NewCode());
            await _admin.CreateUnitAsync(codes[^1]);
            Api.App.Time.Advance(TimeSpan.FromSeconds(1));
        }
        var first = JsonNode.Parse(await ExpectAsync(await Api.GetAsync(Admin, "/api/v1/admin/audit?kind=unit.created&limit=2"), HttpStatusCode.OK))!;
        var items = first["items"]!.AsArray();
        Assert.Equal([codes[2], codes[1]], items.Select(i => i!["target"]!.GetValue<string>()));
        Assert.Equal("新增单位", items[0]!["kindLabel"]!.GetValue<string>());
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = JsonNode.Parse(await ExpectAsync(await Api.GetAsync(Admin, $"/api/v1/admin/audit?kind=unit.created&limit=2&cursor={cursor}"), HttpStatusCode.OK))!;
        Assert.Equal(codes[0], second["items"]![0]!["target"]!.GetValue<string>());

        var today = PingYi.Domain.Common.ChinaTime.Today(Api.App.Time).ToString("yyyy-MM-dd");
        Assert.NotEmpty(await AuditAsync($"?from={today}&to={today}&actor={Admin}"));
        Assert.Empty(await AuditAsync("?from=2001-01-01&to=2001-01-02"));
        Assert.Empty(await AuditAsync("?actor=nobody@example.cn"));

        var problem = await ExpectProblemAsync(await Api.GetAsync(Admin, "/api/v1/admin/audit?from=yesterday&kind=x&limit=0&cursor=@@"), HttpStatusCode.BadRequest);
        foreach (var field in new[] { "from", "kind", "limit", "cursor" })
        {
            Assert.True(HasChinese(Errors(problem, field)[0]), field);
        }

        var export = await Api.GetAsync(Admin, "/api/v1/admin/audit/export?kind=unit.created");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        await using var stream = await export.Content.ReadAsStreamAsync();
        var rows = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Contains(rows, r => (string)r["对象"] == codes[0]);
        Assert.All(rows, r => Assert.Equal("unit.created", r["类型代码"]));
        // A date cell, not text: a spreadsheet can sort and filter it as a time.
        var now = PingYi.Domain.Common.ChinaTime.Now(Api.App.Time).DateTime;
        Assert.All(rows, r => Assert.InRange(Assert.IsType<DateTime>(r["时间（北京时间）"]), now.AddDays(-1), now.AddMinutes(1)));
    }

    [Fact]
    public async Task An_idle_sign_in_cookie_ends_after_thirty_minutes_and_a_used_one_slides()
    {
        var email = AdminApi.Email("idle");
        await _admin.CreateUserAsync(email, "supervisor");
        var cookie = await _admin.CookieAsync(email);
        Api.App.Time.Advance(TimeSpan.FromMinutes(20));
        await ExpectAsync(await cookie.GetAsync("/api/v1/complaints?limit=1"), HttpStatusCode.OK);
        Api.App.Time.Advance(TimeSpan.FromMinutes(20));
        await ExpectAsync(await cookie.GetAsync("/api/v1/complaints?limit=1"), HttpStatusCode.OK);
        Api.App.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await cookie.GetAsync("/api/v1/complaints?limit=1")).StatusCode);
    }

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient client, string current, string next) =>
        client.PostAsync("/api/v1/account/password", Json(new JsonObject { ["currentPassword"] = current, ["newPassword"] = next }));

    [Fact]
    public async Task A_job_run_by_hand_is_on_the_audit_log()
    {
        await ExpectAsync(await (await Api.AsAsync(Admin)).PostAsync("/api/v1/admin/jobs/outbox/run", null), HttpStatusCode.OK);
        var record = (await AuditAsync("?kind=job.run")).First(r => r!["target"]!.GetValue<string>() == "job:outbox")!;
        Assert.Equal(Admin, record["actor"]!.GetValue<string>());
    }

    private async Task<JsonArray> AuditAsync(string query) =>
        JsonNode.Parse(await ExpectAsync(await Api.GetAsync(Admin, "/api/v1/admin/audit" + query), HttpStatusCode.OK))!["items"]!.AsArray();

    private async Task<List<string>> PublicUnitCodesAsync() =>
        JsonNode.Parse(await Api.Anonymous.GetStringAsync("/api/v1/units"))!.AsArray().Select(u => u!["code"]!.GetValue<string>()).ToList();
}

public sealed class SqliteAdminApiTests(SqliteApp fixture) : AdminApiTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresAdminApiTests(PostgresApp fixture) : AdminApiTests(fixture), IClassFixture<PostgresApp>;
