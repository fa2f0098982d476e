using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Administration;

/// <summary>
/// A real deployment: fresh PostgreSQL, no demo data, the first administrator from the Bootstrap settings.
/// Units and accounts come only through the API, and a complaint then goes from intake to closed.
/// </summary>
public sealed class FreshDeploymentTests
{
    private const string ChiefEmail = "chief@jw.example.cn";
    private const string ChiefPassword = "Bootstrap-Secret-42";

    [Fact]
    public async Task A_deployment_without_demo_data_is_set_up_through_the_API_and_handles_a_complaint_end_to_end()
    {
        using var app = AppFactory.Create(DatabaseProvider.Postgres, new Dictionary<string, string?>
        {
            ["Demo:Seed"] = "false",
            ["Bootstrap:AdminEmail"] = ChiefEmail,
            ["Bootstrap:AdminPassword"] = ChiefPassword,
        });
        var anonymous = app.CreateClient();
        Assert.Equal("[]", await anonymous.GetStringAsync("/api/v1/units"));

        var admin = await BearerAsync(app, ChiefEmail, ChiefPassword);
        await ExpectAsync(await admin.PostAsync("/api/v1/admin/units", Json(AdminApi.Unit("gxt", "省工业和信息化厅"))), HttpStatusCode.Created);
        var units = JsonNode.Parse(await ExpectAsync(await admin.GetAsync("/api/v1/admin/units"), HttpStatusCode.OK))!.AsArray();
        Assert.False(Assert.Single(units)!["hasActiveHandler"]!.GetValue<bool>());

        var supervisor = await CreateAccountAsync(app, admin, "duban@jw.example.cn", "supervisor", null);
        var handler = await CreateAccountAsync(app, admin, "chengban@gxt.example.cn", "unit-handler", "gxt");
        units = JsonNode.Parse(await ExpectAsync(await admin.GetAsync("/api/v1/admin/units"), HttpStatusCode.OK))!.AsArray();
        Assert.True(units[0]!["hasActiveHandler"]!.GetValue<bool>());

        var complaint = Complaint("审批窗口要求重复提交材料");
        complaint["unitCode"] = "gxt";
        var (number, code) = await LodgeAsync(anonymous, complaint);
        await ExpectAsync(await StaffApi.ActAsync(supervisor, number, "assign", new { unitCode = "gxt" }), HttpStatusCode.OK);
        await ExpectAsync(await StaffApi.ActAsync(handler, number, "respond",
            new { findings = "情况属实。", measures = "已取消重复提交要求。", publicReply = "已整改，感谢监督。" }), HttpStatusCode.OK);
        await ExpectAsync(await StaffApi.ActAsync(supervisor, number, "approve", new { qualityRating = 5 }), HttpStatusCode.OK);
        var feedback = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/feedback") { Content = Json(new JsonObject { ["satisfaction"] = "satisfied" }) };
        feedback.Headers.Add("X-Access-Code", code);
        await ExpectAsync(await anonymous.SendAsync(feedback), HttpStatusCode.OK);

        var view = JsonNode.Parse(await ExpectAsync(await supervisor.GetAsync($"/api/v1/complaints/{number}"), HttpStatusCode.OK))!;
        Assert.Equal("closed", view["status"]!.GetValue<string>());
        var kinds = JsonNode.Parse(await ExpectAsync(await admin.GetAsync("/api/v1/admin/audit?limit=200"), HttpStatusCode.OK))!["items"]!.AsArray()
            .Select(i => i!["kind"]!.GetValue<string>()).ToList();
        Assert.Equal(["user.created", "user.created", "unit.created"], kinds.Where(k => k is "unit.created" or "user.created"));
    }

    private static async Task<HttpClient> CreateAccountAsync(AppFactory app, HttpClient admin, string email, string role, string? unitCode)
    {
        var body = new JsonObject { ["email"] = email, ["displayName"] = email, ["role"] = role, ["unitCode"] = unitCode, ["active"] = true };
        var created = JsonNode.Parse(await ExpectAsync(await admin.PostAsync("/api/v1/admin/users", Json(body)), HttpStatusCode.Created))!;
        var link = new Uri(created["passwordLink"]!.GetValue<string>());
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        await ExpectAsync(await app.CreateClient().PostAsync("/api/v1/account/set-password",
            Json(new JsonObject { ["id"] = query["id"], ["token"] = query["token"], ["newPassword"] = AdminApi.StrongPassword })), HttpStatusCode.NoContent);
        return await BearerAsync(app, email, AdminApi.StrongPassword);
    }

    private static async Task<HttpClient> BearerAsync(AppFactory app, string email, string password)
    {
        var login = await app.CreateClient().PostAsync("/api/v1/auth/login", Json(new JsonObject { ["email"] = email, ["password"] = password }));
        var token = JsonNode.Parse(await ExpectAsync(login, HttpStatusCode.OK))!["accessToken"]!.GetValue<string>();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
