using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Web;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Administration;

/// <summary>The administration API as the tests use it: units, accounts with their one-time links, sign-ins.</summary>
public sealed class AdminApi(StaffApi api)
{
    public const string StrongPassword = "Neues-Passwort-2026";

    public StaffApi Api { get; } = api;

    public static string NewCode() => "t" + Guid.NewGuid().ToString("N")[..8];

    public static JsonObject Unit(string code, string name = "测试单位", string category = "government") => new()
    {
        ["code"] = code,
        ["name"] = name,
        ["category"] = category,
        ["duties"] = "负责测试。",
        ["supervisionPhone"] = "0431-88900000",
        ["contactEmails"] = new JsonArray("office@" + code + ".example.cn"),
        ["serviceHall"] = false,
        ["evaluationChannelUrl"] = "https://" + code + ".example.cn/pingyi",
        ["active"] = true,
    };

    public async Task<HttpResponseMessage> PostAsync(string email, string path, JsonNode body) =>
        await (await Api.AsAsync(email)).PostAsync(path, Json(body));

    public async Task<HttpResponseMessage> PutAsync(string email, string path, JsonNode body) =>
        await (await Api.AsAsync(email)).PutAsync(path, Json(body));

    public async Task<JsonObject> CreateUnitAsync(string code, string name = "测试单位")
    {
        var response = await PostAsync(Admin, "/api/v1/admin/units", Unit(code, name));
        return JsonNode.Parse(await ExpectAsync(response, HttpStatusCode.Created))!.AsObject();
    }

    /// <summary>Creates an account and chooses its password through the one-time link; returns the account id.</summary>
    public async Task<string> CreateUserAsync(string email, string role, string? unitCode = null, string? source = null, string password = StrongPassword)
    {
        var body = new JsonObject { ["email"] = email, ["displayName"] = "测试 " + role, ["role"] = role, ["unitCode"] = unitCode, ["source"] = source, ["active"] = true };
        var created = JsonNode.Parse(await ExpectAsync(await PostAsync(Admin, "/api/v1/admin/users", body), HttpStatusCode.Created))!;
        var id = created["user"]!["id"]!.GetValue<string>();
        await ExpectAsync(await SetPasswordAsync(created["passwordLink"]!.GetValue<string>(), password), HttpStatusCode.NoContent);
        return id;
    }

    /// <summary>Follows a one-time link the way its page does: the id and token from the query, a new password.</summary>
    public Task<HttpResponseMessage> SetPasswordAsync(string link, string password)
    {
        var query = HttpUtility.ParseQueryString(new Uri(link).Query);
        return Api.Anonymous.PostAsync("/api/v1/account/set-password",
            Json(new JsonObject { ["id"] = query["id"], ["token"] = query["token"], ["newPassword"] = password }));
    }

    public Task<HttpResponseMessage> LoginAsync(string email, string password, bool cookies = false, HttpClient? client = null) =>
        (client ?? Api.Anonymous).PostAsync("/api/v1/auth/login" + (cookies ? "?useSessionCookies=true" : string.Empty),
            Json(new JsonObject { ["email"] = email, ["password"] = password }));

    /// <summary>A client carrying a fresh bearer token of the account.</summary>
    public async Task<HttpClient> BearerAsync(string email, string password = StrongPassword)
    {
        var body = await ExpectAsync(await LoginAsync(email, password), HttpStatusCode.OK);
        var client = Api.App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(body)!["accessToken"]!.GetValue<string>());
        return client;
    }

    /// <summary>A client carrying the sign-in cookie of the account.</summary>
    public async Task<HttpClient> CookieAsync(string email, string password = StrongPassword)
    {
        var client = Api.App.CreateClient();
        await ExpectAsync(await LoginAsync(email, password, cookies: true, client), HttpStatusCode.OK);
        return client;
    }

    public static string Email(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}@example.cn";
}
