using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Issue 8, items 9–11, on the app as a deployment runs it (Production environment, https): no demo data, no
/// access code in any log, <c>__Host-</c>/Secure cookies, HSTS and HTTPS redirection, the API documentation only
/// for Admins, security headers on every response, Data Protection keys sealed with the certificate.
/// </summary>
public abstract partial class ProductionDefaultsTests(ProductionAppFixture fixture)
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<input[^>]*name=\"FormToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    /// <summary>
    /// An environment that is neither Development nor Production (today's "Testing" trap): Demo:Seed=true creates
    /// nothing, and a citizen's whole round trip (lodge, look up, the /track page, a supplement, a wrong code)
    /// leaves no access code in any log entry at any level.
    /// </summary>
    [Fact]
    public async Task Outside_Development_there_is_no_demo_data_and_no_access_code_in_any_log()
    {
        using var app = AppFactory.Create(fixture.Provider, new Dictionary<string, string?>
            {
                ["Demo:Seed"] = "true",
                ["DataProtection:AllowUnprotectedKeys"] = "true",
                ["Https:BehindTlsProxy"] = "true",
                ["Bootstrap:AdminEmail"] = ProductionAppFixture.AdminEmail,
                ["Bootstrap:AdminPassword"] = ProductionAppFixture.AdminPassword,
            })
            .InEnvironment("Staging")
            .WithLogCapture();
        app.ClientOptions.BaseAddress = AppFactory.ProductionAddress;
        var client = app.CreateClient();
        Assert.Equal("[]", await client.GetStringAsync("/api/v1/units"));
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            Assert.Empty(await users.Users.Where(u => u.NormalizedEmail!.EndsWith("@PINGYI.LOCAL")).Select(u => u.Email).ToListAsync());
        }
        Assert.Contains(app.Logs.Entries, e => e.Contains("Demo:Seed is ignored in the Staging environment", StringComparison.Ordinal));

        // A unit and a complaint through the real intake, then everything a complainant does with the code.
        var admin = await ProductionAppFixture.BearerAsync(app, ProductionAppFixture.AdminEmail, ProductionAppFixture.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/admin/units", Json(PingYi.Web.Tests.Administration.AdminApi.Unit(DemoUnit, "省教育厅")))).StatusCode);
        var (number, code) = await LodgeAsync(client, Complaint("日志不得记录查询码"));
        var lookup = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{number}");
        lookup.Headers.Add("X-Access-Code", code);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(lookup)).StatusCode);
        var wrong = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{number}");
        wrong.Headers.Add("X-Access-Code", "2222-3333-4444");
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(wrong)).StatusCode);
        var supplement = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements")
        {
            Content = Json(new JsonObject { ["text"] = "补充：日志检查" }),
        };
        supplement.Headers.Add("X-Access-Code", code);
        Assert.True((await client.SendAsync(supplement)).IsSuccessStatusCode);
        var token = AntiforgeryToken().Match(await client.GetStringAsync("/track")).Groups[1].Value;
        var page = await client.PostAsync("/track", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TrackingNumber"] = number,
            ["Code"] = code,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.True(page.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"{(int)page.StatusCode}");

        var bare = code.Replace("-", string.Empty, StringComparison.Ordinal);
        var leaks = app.Logs.Entries.Where(e => e.Contains(code, StringComparison.OrdinalIgnoreCase) || e.Contains(bare, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(leaks.Count == 0, "the access code is in the log:\n" + string.Join("\n", leaks));
        // Nor any code at all, the demo samples' included ("access code XXXX-XXXX-XXXX").
        Assert.DoesNotContain(app.Logs.Entries, e => AnyAccessCode().IsMatch(e));
        Assert.True(app.Logs.Entries.Count > 20, "the capture saw too little to mean anything");
    }

    [GeneratedRegex("access code [2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", RegexOptions.IgnoreCase)]
    private static partial Regex AnyAccessCode();

    [Fact]
    public async Task Every_cookie_the_app_sets_is_Host_prefixed_Secure_and_for_the_whole_site()
    {
        var recorder = new CookieRecorder();
        var browser = fixture.App.CreateDefaultClient(AppFactory.ProductionAddress, recorder);

        // The intake form (antiforgery, then TempData carrying the result to /complaints/lodged).
        var form = await browser.GetStringAsync("/complaints/new");
        var lodged = await browser.PostAsync("/complaints/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
            ["FormToken"] = FormToken().Match(form).Groups[1].Value,
            ["Input.UnitCode"] = DemoUnit,
            ["Input.Category"] = "formalism",
            ["Input.Title"] = "Cookie 检查",
            ["Input.Description"] = "区教育局要求学校在一周内提交同一检查的三套纸质材料。",
            ["Input.Anonymous"] = "true",
        }));
        Assert.True(lodged.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"{(int)lodged.StatusCode}: {await lodged.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(lodged.Headers.Location)).StatusCode);

        // The /track page remembers the opened case in its own cookie.
        var (number, code) = await LodgeAsync(fixture.App.CreateClient(), Complaint("Cookie 检查 2"));
        var track = await browser.PostAsync("/track", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TrackingNumber"] = number,
            ["Code"] = code,
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(await browser.GetStringAsync("/track")).Groups[1].Value,
        }));
        Assert.True(track.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"{(int)track.StatusCode}");

        // Sign-in cookie.
        var login = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(await browser.GetStringAsync("/account/login")).Groups[1].Value,
            ["Email"] = ProductionAppFixture.AdminEmail,
            ["Password"] = ProductionAppFixture.AdminPassword,
            ["ReturnUrl"] = "/staff",
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff")).StatusCode);

        var names = recorder.SetCookies.Select(c => c.Split('=', 2)[0]).Distinct().ToList();
        Assert.Contains("__Host-pingyi.auth", names);
        Assert.Contains("__Host-pingyi.af", names);
        Assert.Contains("__Host-pingyi.tempdata", names);
        Assert.Contains("__Host-pingyi.track", names);
        foreach (var cookie in recorder.SetCookies)
        {
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.True(cookie.StartsWith("__Host-", StringComparison.Ordinal), cookie);
            Assert.True(attributes.Contains("secure"), cookie);
            Assert.True(attributes.Contains("path=/"), cookie);
            Assert.False(attributes.Any(a => a.StartsWith("domain=", StringComparison.Ordinal)), cookie);
        }
    }

    /// <summary>
    /// AllowedHosts comes from the settings outside Development: a request naming another host is refused, and the
    /// links the app hands out (here the set-password link) carry Mail:BaseUrl, not the request's host.
    /// </summary>
    [Fact]
    public async Task A_request_for_another_host_is_refused_and_links_carry_Mail_BaseUrl()
    {
        var stranger = fixture.App.CreateClient(new() { BaseAddress = new Uri("https://evil.example.cn"), AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.BadRequest, (await stranger.GetAsync("/units")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.App.CreateClient().GetAsync("/units")).StatusCode);

        var body = new JsonObject { ["email"] = $"base-{Guid.NewGuid().ToString("N")[..8]}@jw.example.cn", ["displayName"] = "链接", ["role"] = "supervisor", ["active"] = true };
        var created = JsonNode.Parse(await (await fixture.Admin.PostAsync("/api/v1/admin/users", Json(body))).Content.ReadAsStringAsync())!;
        Assert.StartsWith("https://pingyi.example.cn/account/set-password?", created["passwordLink"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_https_and_https_answers_carry_HSTS()
    {
        var client = fixture.App.CreateClient(new() { BaseAddress = new Uri("http://pingyi.example.cn"), AllowAutoRedirect = false });
        var plain = await client.GetAsync("/units");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.Equal("https://pingyi.example.cn/units", plain.Headers.Location!.ToString());
        Assert.Equal("nosniff", plain.Headers.GetValues("X-Content-Type-Options").Single());

        var secure = await fixture.App.CreateClient().GetAsync("/units");
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Contains("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task Behind_a_TLS_proxy_the_app_neither_redirects_nor_sends_HSTS_but_cookies_stay_Secure()
    {
        using var app = AppFactory.CreateProduction(fixture.Provider, new Dictionary<string, string?> { ["Https:BehindTlsProxy"] = "true" });
        var client = app.CreateClient(new() { BaseAddress = new Uri("http://pingyi.example.cn"), AllowAutoRedirect = false });
        var plain = await client.GetAsync("/track");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        var cookie = plain.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-pingyi.af=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_API_documentation_is_hidden_from_the_public_forbidden_to_staff_and_open_to_Admins()
    {
        var anonymous = fixture.App.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/scalar")).StatusCode);

        var supervisor = await CreateStaffAsync("supervisor");
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.GetAsync("/scalar")).StatusCode);

        var document = await fixture.Admin.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.NotNull(JsonNode.Parse(await document.Content.ReadAsStringAsync())!["paths"]);
        // "/scalar" redirects to "/scalar/", and a client drops its Authorization header on a redirect: ask for the page itself.
        var reference = await fixture.Admin.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("评议 PingYi API", await reference.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Security_headers_are_on_every_response_including_scalar_error_pages_redirects_and_429()
    {
        var anonymous = fixture.App.CreateClient(new() { BaseAddress = AppFactory.ProductionAddress, AllowAutoRedirect = false });
        var responses = new List<(string What, HttpResponseMessage Response)>
        {
            ("scalar (Admin)", await fixture.Admin.GetAsync("/scalar/")),
            ("scalar (anonymous, 404 page)", await anonymous.GetAsync("/scalar")),
            ("error page", await anonymous.GetAsync("/no-such-page")),
            ("api 404", await anonymous.GetAsync("/api/v1/no-such-route")),
            ("sign-in redirect", await anonymous.GetAsync("/staff")),
            ("static file", await anonymous.GetAsync("/css/site.css")),
        };

        // A client past its 3 free wrong codes answers 429 until its wait is over; the throttle's handler rewrites the response.
        var (number, _) = await LodgeAsync(anonymous, Complaint("安全响应头 429"));
        HttpResponseMessage last = null!;
        for (var i = 0; i < 5; i++)
        {
            var guess = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{number}");
            guess.Headers.Add("X-Access-Code", $"2222-3333-{4440 + i}");
            // An address of its own, so the other tests' client is not kept waiting.
            guess.Headers.Add("X-Test-Peer", "192.0.2.250");
            last = await anonymous.SendAsync(guess);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        responses.Add(("access-code throttle 429", last));

        foreach (var (what, response) in responses)
        {
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", $"{what} ({(int)response.StatusCode}): no X-Content-Type-Options");
            Assert.True(response.Headers.Contains("X-Frame-Options"), $"{what}: no X-Frame-Options");
            Assert.True(response.Headers.Contains("Referrer-Policy"), $"{what}: no Referrer-Policy");
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp) && csp.Single().Contains("frame-ancestors 'none'", StringComparison.Ordinal),
                $"{what} ({(int)response.StatusCode}): no CSP with frame-ancestors");
        }
    }

    [Fact]
    public async Task Data_Protection_keys_are_stored_encrypted_with_the_certificate()
    {
        // Any antiforgery token makes sure a key exists.
        Assert.Equal(HttpStatusCode.OK, (await fixture.App.CreateClient().GetAsync("/track")).StatusCode);
        using var scope = fixture.App.Services.CreateScope();
        var keys = await scope.ServiceProvider.GetRequiredService<PingYiDbContext>().DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("EncryptedData", xml!);
            Assert.DoesNotContain("<value>", xml!);
        });
    }

    private async Task<HttpClient> CreateStaffAsync(string role)
    {
        var email = $"{role}-{Guid.NewGuid().ToString("N")[..8]}@jw.example.cn";
        var body = new JsonObject { ["email"] = email, ["displayName"] = email, ["role"] = role, ["unitCode"] = null, ["active"] = true };
        var created = await fixture.Admin.PostAsync("/api/v1/admin/users", Json(body));
        var json = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.StatusCode == HttpStatusCode.Created, json.ToJsonString());
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(json["passwordLink"]!.GetValue<string>()).Query);
        var set = await fixture.App.CreateClient().PostAsync("/api/v1/account/set-password",
            Json(new JsonObject { ["id"] = query["id"], ["token"] = query["token"], ["newPassword"] = "Neues-Passwort-2026" }));
        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        return await ProductionAppFixture.BearerAsync(fixture.App, email, "Neues-Passwort-2026");
    }

    /// <summary>Keeps cookies like a browser and records every Set-Cookie header as sent.</summary>
    private sealed class CookieRecorder : DelegatingHandler
    {
        private readonly CookieContainer _jar = new();

        public List<string> SetCookies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var header = _jar.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var value in values)
                {
                    SetCookies.Add(value);
                    _jar.SetCookies(request.RequestUri!, value);
                }
            }
            return response;
        }
    }
}

public sealed class SqliteProductionDefaultsTests(SqliteProductionApp fixture) : ProductionDefaultsTests(fixture), IClassFixture<SqliteProductionApp>;

public sealed class PostgresProductionDefaultsTests(PostgresProductionApp fixture) : ProductionDefaultsTests(fixture), IClassFixture<PostgresProductionApp>;
