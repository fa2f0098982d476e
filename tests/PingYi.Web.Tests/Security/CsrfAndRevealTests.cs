using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Finding 7 and PIPL: an unsafe API call authenticated by the cookie needs JSON and the antiforgery header
/// (bearer clients are unchanged); the complainant's identity is a POST with a reason, logged with it, and
/// supervisors otherwise see it masked.
/// </summary>
public abstract class CsrfAndRevealTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    /// <summary>
    /// A browser signed in by cookie. The cookies are carried by hand: the app's clock is fake (days behind the
    /// real one), so a cookie container would drop the auth cookie as already expired.
    /// </summary>
    private sealed class Browser(HttpClient client)
    {
        private readonly Dictionary<string, string> _cookies = new();

        public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }
            var response = await client.SendAsync(request);
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = header.Split(';')[0].Split('=', 2);
                _cookies[pair[0]] = pair[1];
            }
            return response;
        }

        public Task<HttpResponseMessage> PostAsync(string url, HttpContent? content) => SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = content });

        public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));
    }

    private async Task<Browser> CookieClientAsync(string email)
    {
        var browser = new Browser(fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false }));
        await ExpectAsync(await browser.PostAsync("/api/v1/auth/login?useCookies=true", TestData.Json(new JsonObject { ["email"] = email, ["password"] = Password })), HttpStatusCode.OK);
        await ExpectAsync(await browser.GetAsync("/api/v1/complaints?limit=1"), HttpStatusCode.OK);
        return browser;
    }

    [Fact]
    public async Task A_form_post_with_the_supervisors_cookie_cannot_act_on_a_case()
    {
        var (number, _) = await _api.LodgeAsync(Token("跨站请求"));
        var browser = await CookieClientAsync(Supervisor);

        // What a hostile same-site page can make the browser send: a form, the cookie attached.
        var form = await browser.PostAsync($"/api/v1/complaints/{number}/actions/decline",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "伪造请求" }));
        var empty = await browser.PostAsync($"/api/v1/complaints/{number}/actions/decline", null);
        var jsonWithoutToken = await browser.PostAsync($"/api/v1/complaints/{number}/actions/decline", JsonContent.Create(new { reason = "伪造请求" }));

        await ExpectProblemAsync(form, HttpStatusCode.UnsupportedMediaType);
        await ExpectProblemAsync(empty, HttpStatusCode.UnsupportedMediaType);
        await ExpectProblemAsync(jsonWithoutToken, HttpStatusCode.BadRequest);
        Assert.Equal("submitted", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());

        // The supervisor's own browser code fetches the token and sends it.
        var token = JsonNode.Parse(await ExpectAsync(await browser.GetAsync("/api/v1/auth/antiforgery"), HttpStatusCode.OK))!;
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/actions/decline") { Content = JsonContent.Create(new { reason = "不属于受理范围" }) };
        request.Headers.Add(token["headerName"]!.GetValue<string>(), token["token"]!.GetValue<string>());
        await ExpectAsync(await browser.SendAsync(request), HttpStatusCode.OK);
        Assert.Equal("declined", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_identity_is_a_post_with_a_reason_logged_with_it_and_masked_otherwise()
    {
        var who = Complainant.Distinct();
        var (number, _) = await _api.LodgeAsync(Named(Complaint(Token("查看理由")), who));
        var supervisor = await _api.AsAsync(Supervisor);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await supervisor.GetAsync($"/api/v1/complaints/{number}/complainant")).StatusCode);
        var noReason = await ExpectProblemAsync(await supervisor.PostAsync($"/api/v1/complaints/{number}/complainant", JsonContent.Create(new { reason = " " })), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(noReason, "reason").Single()));

        // Before any reveal: masked in the case view, nothing logged.
        var view = await _api.StaffViewAsync(Supervisor, number);
        var masked = view["maskedComplainant"]!;
        Assert.Equal("欧**禾", masked["name"]!.GetValue<string>());
        Assert.Equal(who.Phone[..3] + "****" + who.Phone[^4..], masked["phone"]!.GetValue<string>());
        who.AssertAbsentFrom(view.ToJsonString(), "the supervisor's case view");
        Assert.DoesNotContain(view["timeline"]!.AsArray(), t => t!["action"]!.GetValue<string>() == "view-contact");

        var full = await ExpectAsync(await _api.RevealAsync(Supervisor, number, "核实是否为同一反映人重复反映"), HttpStatusCode.OK);
        who.AssertPresentIn(full);
        var logged = (await _api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray().Single(t => t!["action"]!.GetValue<string>() == "view-contact")!;
        Assert.Contains("核实是否为同一反映人重复反映", Readable(logged));
    }
}

public sealed class SqliteCsrfAndRevealTests(SqliteApp fixture) : CsrfAndRevealTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresCsrfAndRevealTests(PostgresApp fixture) : CsrfAndRevealTests(fixture), IClassFixture<PostgresApp>;
