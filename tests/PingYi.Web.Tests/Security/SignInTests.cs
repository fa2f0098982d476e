using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Tests.Administration;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Findings 6 and 12 through HTTP: one answer for every failed sign-in, lockout, TOTP enrolment and two-step
/// sign-in on the page and in the API, 15-minute access and 8-hour refresh tokens, and sign-out revoking them.
/// Each test makes its own accounts, so the demo accounts other tests sign in with are never locked or signed out.
/// </summary>
public abstract class SignInTests(AppFixture fixture)
{
    private readonly AdminApi _admin = new(StaffApi.For(fixture.App));

    private AppFactory App => fixture.App;

    private HttpClient Anonymous => _admin.Api.Anonymous;

    [Fact]
    public async Task Successful_sign_ins_on_the_page_and_the_api_are_on_the_audit_log_as_their_own_kind_and_failures_are_not()
    {
        var email = AdminApi.Email("audited-sign-in");
        await _admin.CreateUserAsync(email, "supervisor");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInApi.LoginAsync(Anonymous, email, "Wrong-Password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await new PageBrowser(App).SignInAsync(email, AdminApi.StrongPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword)).StatusCode);

        var audit = JsonNode.Parse(await ExpectAsync(await (await _admin.Api.AsAsync(Admin)).GetAsync($"/api/v1/admin/audit?kind=user.signed-in&actor={Uri.EscapeDataString(email)}"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, r => Assert.Equal(email, r!["target"]!.GetValue<string>()));
        var text = audit.ToJsonString();
        Assert.Contains("page", text);
        Assert.Contains("api", text);
    }

    [Fact]
    public async Task A_wrong_password_an_unknown_a_disabled_and_a_locked_account_get_the_same_answer()
    {
        var active = AdminApi.Email("same-active");
        var disabled = AdminApi.Email("same-disabled");
        var locked = AdminApi.Email("same-locked");
        await _admin.CreateUserAsync(active, "supervisor");
        var disabledId = await _admin.CreateUserAsync(disabled, "supervisor");
        await _admin.CreateUserAsync(locked, "supervisor");
        await ExpectAsync(await (await _admin.Api.AsAsync(Admin)).PostAsync($"/api/v1/admin/users/{disabledId}/disable", null), HttpStatusCode.OK);
        for (var i = 0; i < 5; i++)
        {
            await SignInApi.LoginAsync(Anonymous, locked, "Wrong-Password-1");
        }

        // The disabled and the locked account are given their right password; the answer must not tell.
        var answers = new List<(string Kind, HttpResponseMessage Response)>
        {
            ("wrong password", await SignInApi.LoginAsync(Anonymous, active, "Wrong-Password-1")),
            ("unknown account", await SignInApi.LoginAsync(Anonymous, AdminApi.Email("nobody"), AdminApi.StrongPassword)),
            ("disabled account", await SignInApi.LoginAsync(Anonymous, disabled, AdminApi.StrongPassword)),
            ("locked account", await SignInApi.LoginAsync(Anonymous, locked, AdminApi.StrongPassword)),
        };
        var first = await SignInApi.ComparableAsync(answers[0].Response);
        foreach (var (kind, response) in answers)
        {
            Assert.Equal("sign-in-failed", await SignInApi.ProblemCodeAsync(response, HttpStatusCode.Unauthorized));
            Assert.True(first == await SignInApi.ComparableAsync(response), $"{kind} answered differently: {await SignInApi.ComparableAsync(response)} vs {first}");
            Assert.DoesNotContain("Locked", first, StringComparison.OrdinalIgnoreCase);
        }

        // The page: the same status and the same Chinese text for all four.
        var texts = new List<string>();
        foreach (var (email, password) in new[] { (active, "Wrong-Password-1"), (AdminApi.Email("nobody"), AdminApi.StrongPassword), (disabled, AdminApi.StrongPassword), (locked, AdminApi.StrongPassword) })
        {
            var page = await new PageBrowser(App).SignInAsync(email, password);
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
            texts.Add(PageBrowser.Alert(await page.Content.ReadAsStringAsync()));
        }
        Assert.Single(texts.Distinct());
        Assert.True(HasChinese(texts[0]), texts[0]);
    }

    [Fact]
    public async Task An_unknown_account_costs_a_password_hash_like_a_known_one()
    {
        var known = AdminApi.Email("timing");
        await _admin.CreateUserAsync(known, "supervisor");
        await SignInApi.LoginAsync(Anonymous, AdminApi.Email("warm-up"), "Wrong-Password-1");

        // Three wrong passwords stay under the lockout; medians resist a stray slow request on a busy machine.
        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            knownTimes.Add(await TimeAsync(() => SignInApi.LoginAsync(Anonymous, known, "Wrong-Password-" + i)));
            unknownTimes.Add(await TimeAsync(() => SignInApi.LoginAsync(Anonymous, AdminApi.Email("ghost"), "Wrong-Password-" + i)));
        }
        var knownMedian = knownTimes.Order().ElementAt(1);
        var unknownMedian = unknownTimes.Order().ElementAt(1);
        // Without a dummy hash an unknown account answers in a fraction of the time of the ~100 000-round PBKDF2 check.
        Assert.True(unknownMedian >= knownMedian * 0.4, $"unknown account {unknownMedian:F1} ms vs known {knownMedian:F1} ms: the time tells which accounts exist");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_right_one_is_refused_until_the_lockout_ends()
    {
        var email = AdminApi.Email("lockout");
        await _admin.CreateUserAsync(email, "supervisor");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("sign-in-failed", await SignInApi.ProblemCodeAsync(await SignInApi.LoginAsync(Anonymous, email, "Wrong-Password-1"), HttpStatusCode.Unauthorized));
        }
        Assert.Equal("sign-in-failed", await SignInApi.ProblemCodeAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword), HttpStatusCode.Unauthorized));
        var page = await new PageBrowser(App).SignInAsync(email, AdminApi.StrongPassword);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
    }

    [Fact]
    public async Task Concurrent_sign_ins_that_upgrade_a_cheaper_stored_hash_all_succeed()
    {
        // An account whose hash was made at a lower cost (an earlier release's) is re-hashed at its next sign-in; when
        // several sign-ins of it arrive at once, each upgrades it and all but one lose the save to the others.
        var email = AdminApi.Email("upgrade-race");
        await _admin.CreateUserAsync(email, "supervisor");
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var user = await db.Users.SingleAsync(u => u.Email == email);
            user.PasswordHash = new PasswordHasher<StaffUser>(Microsoft.Extensions.Options.Options.Create(new PasswordHasherOptions { IterationCount = 1_000 }))
                .HashPassword(user, AdminApi.StrongPassword);
            await db.SaveChangesAsync();
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, peer: $"192.0.2.{60 + i}")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, peer: "192.0.2.70")).StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_sent_at_once_each_count_towards_the_lockout()
    {
        var email = AdminApi.Email("parallel-guess");
        await _admin.CreateUserAsync(email, "supervisor");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            SignInApi.LoginAsync(Anonymous, email, $"Wrong-Password-{i}", peer: $"192.0.2.{80 + i}")));

        // Five wrong attempts lock the account however they were sent: the right password is refused now.
        Assert.Equal("sign-in-failed", await SignInApi.ProblemCodeAsync(
            await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, peer: "192.0.2.90"), HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task A_staff_member_enrols_an_authenticator_and_then_signs_in_with_a_code_on_the_page_and_in_the_api()
    {
        var email = AdminApi.Email("totp");
        await _admin.CreateUserAsync(email, "supervisor");
        var browser = new PageBrowser(App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email, AdminApi.StrongPassword)).StatusCode);

        // The enrolment page: the key as text and as a QR code; a wrong code is refused, the right one enables it.
        var enrol = await (await browser.GetAsync("/staff/two-factor")).Content.ReadAsStringAsync();
        var key = Totp.KeyFromPage(enrol);
        Assert.Matches("^[a-z2-7 ]{32,}$", key);
        Assert.Contains("src=\"data:image/png;base64,", enrol);
        var token = PageBrowser.Token(enrol);
        // Codes are counted on the app's clock; each is good once, so every step below uses a later time step.
        var now = App.Time.GetUtcNow();
        var wrong = await browser.PostFormAsync("/staff/two-factor", new Dictionary<string, string> { ["Code"] = Totp.Wrong(key, now) }, token);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var enrolled = await browser.PostFormAsync("/staff/two-factor", new Dictionary<string, string> { ["Code"] = Totp.Code(key, now.AddSeconds(-30)) }, token);
        Assert.Equal(HttpStatusCode.Redirect, enrolled.StatusCode);
        var enrolledHtml = await ExpectAsync(await browser.GetAsync(enrolled.Headers.Location!.OriginalString), HttpStatusCode.OK);
        var recovery = Totp.RecoveryCodesFromPage(enrolledHtml);
        Assert.Equal(10, recovery.Count);
        // Shown once: the page does not show them again.
        var again = await (await browser.GetAsync("/staff/two-factor")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(recovery[0], again);
        Assert.Contains("id=\"two-factor-status\"", again);

        // The API: the password alone answers 401 "code required"; a wrong code 401; the right code a token.
        Assert.Equal("two-factor-required", await SignInApi.ProblemCodeAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword), HttpStatusCode.Unauthorized));
        Assert.Equal("two-factor-code-invalid", await SignInApi.ProblemCodeAsync(
            await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, Totp.Wrong(key, now)), HttpStatusCode.Unauthorized));
        // A wrong password with any code is the ordinary failure: the code step is never reached.
        Assert.Equal("sign-in-failed", await SignInApi.ProblemCodeAsync(
            await SignInApi.LoginAsync(Anonymous, email, "Wrong-Password-1", Totp.Code(key, now)), HttpStatusCode.Unauthorized));
        var ok = JsonNode.Parse(await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, Totp.Code(key, now)), HttpStatusCode.OK))!;
        await ExpectAsync(await SignInApi.Bearer(App, ok["accessToken"]!.GetValue<string>()).GetAsync("/api/v1/complaints?limit=1"), HttpStatusCode.OK);
        // A recovery code works once.
        await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, recoveryCode: recovery[0]), HttpStatusCode.OK);
        Assert.Equal("two-factor-code-invalid", await SignInApi.ProblemCodeAsync(
            await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, recoveryCode: recovery[0]), HttpStatusCode.Unauthorized));

        // The page: the password step asks for the code; the code signs in.
        var page = new PageBrowser(App);
        var step1 = await page.SignInAsync(email, AdminApi.StrongPassword);
        var step1Html = await ExpectAsync(step1, HttpStatusCode.OK);
        Assert.Contains("id=\"code-form\"", step1Html);
        Assert.Equal(HttpStatusCode.Redirect, (await page.GetAsync("/staff")).StatusCode);
        var badCode = await page.PostFormAsync("/account/login?handler=code", new Dictionary<string, string> { ["Code"] = Totp.Wrong(key, now) }, PageBrowser.Token(step1Html));
        var badHtml = await ExpectAsync(badCode, HttpStatusCode.BadRequest);
        Assert.Contains("动态验证码不正确", PageBrowser.Alert(badHtml));
        var step2 = await page.PostFormAsync("/account/login?handler=code", new Dictionary<string, string> { ["Code"] = Totp.Code(key, now.AddSeconds(30)) }, PageBrowser.Token(badHtml));
        Assert.Equal(HttpStatusCode.Redirect, step2.StatusCode);
        Assert.Equal("/staff", step2.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task An_authenticator_code_is_good_once_a_replay_or_an_earlier_step_is_refused()
    {
        var email = AdminApi.Email("totp-replay");
        await _admin.CreateUserAsync(email, "supervisor");
        var browser = new PageBrowser(App);
        await browser.SignInAsync(email, AdminApi.StrongPassword);
        var enrol = await (await browser.GetAsync("/staff/two-factor")).Content.ReadAsStringAsync();
        var key = Totp.KeyFromPage(enrol);
        var now = App.Time.GetUtcNow();
        await ExpectAsync(await browser.PostFormAsync("/staff/two-factor", new Dictionary<string, string> { ["Code"] = Totp.Code(key, now.AddSeconds(-60)) }, PageBrowser.Token(enrol)), HttpStatusCode.Redirect);

        var code = Totp.Code(key, now);
        await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, code), HttpStatusCode.OK);
        // The same code again, within its window: refused like a wrong code.
        Assert.Equal("two-factor-code-invalid", await SignInApi.ProblemCodeAsync(
            await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, code), HttpStatusCode.Unauthorized));
        // So is an earlier step that was never used (still inside the clock-drift window).
        Assert.Equal("two-factor-code-invalid", await SignInApi.ProblemCodeAsync(
            await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, Totp.Code(key, now.AddSeconds(-30))), HttpStatusCode.Unauthorized));
        // On the page too: the used code is refused with the ordinary message.
        var page = new PageBrowser(App);
        var step1Html = await ExpectAsync(await page.SignInAsync(email, AdminApi.StrongPassword), HttpStatusCode.OK);
        var replay = await page.PostFormAsync("/account/login?handler=code", new Dictionary<string, string> { ["Code"] = code }, PageBrowser.Token(step1Html));
        Assert.Contains("动态验证码不正确", PageBrowser.Alert(await ExpectAsync(replay, HttpStatusCode.BadRequest)));
        // The next step's code works once.
        App.Time.Advance(TimeSpan.FromSeconds(30));
        await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, Totp.Code(key, App.Time.GetUtcNow())), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_admin_resets_a_lost_authenticator_which_ends_the_sessions_and_is_audited()
    {
        var email = AdminApi.Email("totp-lost");
        var id = await _admin.CreateUserAsync(email, "supervisor");
        var browser = new PageBrowser(App);
        await browser.SignInAsync(email, AdminApi.StrongPassword);
        var enrol = await (await browser.GetAsync("/staff/two-factor")).Content.ReadAsStringAsync();
        var key = Totp.KeyFromPage(enrol);
        var now = App.Time.GetUtcNow();
        await ExpectAsync(await browser.PostFormAsync("/staff/two-factor", new Dictionary<string, string> { ["Code"] = Totp.Code(key, now.AddSeconds(-30)) }, PageBrowser.Token(enrol)), HttpStatusCode.Redirect);
        var session = JsonNode.Parse(await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword, Totp.Code(key, now)), HttpStatusCode.OK))!;
        var bearer = SignInApi.Bearer(App, session["accessToken"]!.GetValue<string>());
        await ExpectAsync(await bearer.GetAsync("/api/v1/complaints?limit=1"), HttpStatusCode.OK);

        // Only an administrator may, and not on their own account.
        var supervisor = await _admin.Api.AsAsync(Supervisor);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsync($"/api/v1/admin/users/{id}/reset-two-factor", null)).StatusCode);
        var admin = await _admin.Api.AsAsync(Admin);
        var reset = JsonNode.Parse(await ExpectAsync(await admin.PostAsync($"/api/v1/admin/users/{id}/reset-two-factor", null), HttpStatusCode.OK))!;
        Assert.False(reset["twoFactorEnabled"]!.GetValue<bool>());
        var adminId = JsonNode.Parse(await ExpectAsync(await admin.GetAsync("/api/v1/admin/users"), HttpStatusCode.OK))!.AsArray()
            .Single(u => u!["email"]!.GetValue<string>() == Admin)!["id"]!.GetValue<string>();
        await ExpectProblemAsync(await admin.PostAsync($"/api/v1/admin/users/{adminId}/reset-two-factor", null), HttpStatusCode.BadRequest);

        // The old session is over; the password alone signs in again, and the page offers a new key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/v1/complaints?limit=1")).StatusCode);
        await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword), HttpStatusCode.OK);
        var again = new PageBrowser(App);
        await again.SignInAsync(email, AdminApi.StrongPassword);
        var newKey = Totp.KeyFromPage(await (await again.GetAsync("/staff/two-factor")).Content.ReadAsStringAsync());
        Assert.NotEqual(key, newKey);

        var audit = JsonNode.Parse(await ExpectAsync(await admin.GetAsync("/api/v1/admin/audit?kind=user.two-factor-reset"), HttpStatusCode.OK))!["items"]!.AsArray();
        var record = Assert.Single(audit, r => r!["target"]!.GetValue<string>() == email)!;
        Assert.Equal(Admin, record["actor"]!.GetValue<string>());
    }

    [Fact]
    public async Task Access_tokens_last_15_minutes_and_refresh_tokens_8_hours()
    {
        var email = AdminApi.Email("tokens");
        await _admin.CreateUserAsync(email, "supervisor");
        var login = JsonNode.Parse(await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword), HttpStatusCode.OK))!;
        Assert.Equal(900, login["expiresIn"]!.GetValue<int>());
        var client = SignInApi.Bearer(App, login["accessToken"]!.GetValue<string>());
        var refresh = login["refreshToken"]!.GetValue<string>();

        App.Time.Advance(TimeSpan.FromMinutes(14));
        await ExpectAsync(await client.GetAsync("/api/v1/complaints?limit=1"), HttpStatusCode.OK);
        App.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/complaints?limit=1")).StatusCode);

        // The refresh token still works after the access token has expired…
        var renewed = JsonNode.Parse(await ExpectAsync(await RefreshAsync(refresh), HttpStatusCode.OK))!;
        await ExpectAsync(await SignInApi.Bearer(App, renewed["accessToken"]!.GetValue<string>()).GetAsync("/api/v1/complaints?limit=1"), HttpStatusCode.OK);
        // …until 8 hours after the sign-in.
        App.Time.Advance(TimeSpan.FromHours(7).Add(TimeSpan.FromMinutes(40)));
        await ExpectAsync(await RefreshAsync(refresh), HttpStatusCode.OK);
        App.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("refresh-token-invalid", await SignInApi.ProblemCodeAsync(await RefreshAsync(refresh), HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Signing_out_in_the_api_revokes_the_refresh_and_access_tokens()
    {
        var email = AdminApi.Email("logout-api");
        await _admin.CreateUserAsync(email, "supervisor");
        var first = JsonNode.Parse(await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword), HttpStatusCode.OK))!;
        var client = SignInApi.Bearer(App, first["accessToken"]!.GetValue<string>());
        await ExpectAsync(await RefreshAsync(first["refreshToken"]!.GetValue<string>()), HttpStatusCode.OK);

        await ExpectAsync(await client.PostAsync("/api/v1/auth/logout", null), HttpStatusCode.NoContent);

        Assert.Equal("refresh-token-invalid", await SignInApi.ProblemCodeAsync(await RefreshAsync(first["refreshToken"]!.GetValue<string>()), HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/complaints?limit=1")).StatusCode);
        // Signing in again works.
        await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Signing_out_on_the_page_revokes_the_refresh_tokens_too()
    {
        var email = AdminApi.Email("logout-page");
        await _admin.CreateUserAsync(email, "supervisor");
        var api = JsonNode.Parse(await ExpectAsync(await SignInApi.LoginAsync(Anonymous, email, AdminApi.StrongPassword), HttpStatusCode.OK))!;
        var browser = new PageBrowser(App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email, AdminApi.StrongPassword)).StatusCode);
        var staff = await ExpectAsync(await browser.GetAsync("/staff"), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/account/logout", new Dictionary<string, string>(), PageBrowser.Token(staff))).StatusCode);

        Assert.Equal("refresh-token-invalid", await SignInApi.ProblemCodeAsync(await RefreshAsync(api["refreshToken"]!.GetValue<string>()), HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/staff")).StatusCode);
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        Anonymous.PostAsync("/api/v1/auth/refresh", Json(new JsonObject { ["refreshToken"] = refreshToken }));

    private static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> call)
    {
        var watch = Stopwatch.StartNew();
        var response = await call();
        watch.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }
}

public sealed class SqliteSignInTests(SqliteRealHashingApp fixture) : SignInTests(fixture), IClassFixture<SqliteRealHashingApp>;

public sealed class PostgresSignInTests(PostgresRealHashingApp fixture) : SignInTests(fixture), IClassFixture<PostgresRealHashingApp>;

/// <summary>Finding 6: sign-in attempts are limited per address (page and API share the bucket) and for all addresses together.</summary>
public abstract class SignInLimitTests(DatabaseProvider provider) : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(provider, new Dictionary<string, string?>
    {
        ["RateLimits:LoginPerMinute"] = "3",
        ["RateLimits:LoginGlobalPerMinute"] = "8",
    });

    [Fact]
    public async Task One_address_gets_three_attempts_a_minute_on_the_page_and_the_api_together()
    {
        var client = _app.CreateClient();
        const string Peer = "203.0.113.20";
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInApi.LoginAsync(client, Supervisor, "Wrong-Password-1", peer: Peer)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await new PageBrowser(_app, Peer).SignInAsync(Supervisor, "Wrong-Password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInApi.LoginAsync(client, Supervisor, "Wrong-Password-1", peer: Peer)).StatusCode);

        // The fourth: refused before the password is looked at, the right one included.
        var api = await SignInApi.LoginAsync(client, Supervisor, Password, peer: Peer);
        var problem = await ExpectProblemAsync(api, HttpStatusCode.TooManyRequests);
        Assert.True(HasChinese(problem["title"]!.GetValue<string>()));
        Assert.True(api.Headers.RetryAfter is not null);
        var page = await new PageBrowser(_app, Peer).SignInAsync(Supervisor, Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Contains("请求过于频繁", await page.Content.ReadAsStringAsync());

        // Another address (and the same /64 rule as the lookups) is not affected; viewing the form is free.
        await ExpectAsync(await SignInApi.LoginAsync(client, Supervisor, Password, peer: "203.0.113.21"), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await new PageBrowser(_app, Peer).GetAsync("/account/login")).StatusCode);
    }

    [Fact]
    public async Task Many_addresses_together_reach_the_global_limit()
    {
        var client = _app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 9; i++)
        {
            // Each address stays far below its own limit of three.
            statuses.Add((await SignInApi.LoginAsync(client, AdminApi.Email("spray"), "Wrong-Password-1", peer: $"198.51.100.{i + 1}")).StatusCode);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 8).Append(HttpStatusCode.TooManyRequests), statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInApi.LoginAsync(client, Supervisor, Password, peer: "198.51.100.200")).StatusCode);
    }

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteSignInLimitTests() : SignInLimitTests(DatabaseProvider.Sqlite);

public sealed class PostgresSignInLimitTests() : SignInLimitTests(DatabaseProvider.Postgres);

/// <summary>
/// An administrator requires two-factor for Supervisors and Admins (a setting in the database, audited): those not
/// enrolled can then only enrol, in running sessions too; after enrolling they sign in with a code. Others are unaffected.
/// </summary>
public abstract class TwoFactorRequirementTests(DatabaseProvider provider) : IDisposable
{
    private readonly AppFactory _app = AppFactory.Create(provider);

    [Fact]
    public async Task Required_two_factor_confines_unenrolled_supervisors_to_enrolment_until_they_enrol()
    {
        var api = StaffApi.For(_app);
        var supervisorSession = await api.NewSessionAsync(Supervisor);
        var adminSession = await api.NewSessionAsync(Admin);

        // Only an administrator may change it; a body without the field is refused in Chinese.
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisorSession.PutAsync("/api/v1/admin/security", Json(new JsonObject { ["requireTwoFactorForSupervisors"] = true }))).StatusCode);
        var invalid = await ExpectProblemAsync(await adminSession.PutAsync("/api/v1/admin/security", Json(new JsonObject())), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(invalid, "requireTwoFactorForSupervisors")[0]));
        Assert.False(JsonNode.Parse(await ExpectAsync(await adminSession.GetAsync("/api/v1/admin/security"), HttpStatusCode.OK))!["requireTwoFactorForSupervisors"]!.GetValue<bool>());
        var set = await adminSession.PutAsync("/api/v1/admin/security", Json(new JsonObject { ["requireTwoFactorForSupervisors"] = true }));
        Assert.True(JsonNode.Parse(await ExpectAsync(set, HttpStatusCode.OK))!["requireTwoFactorForSupervisors"]!.GetValue<bool>());

        // Running sessions of Supervisors and Admins without an authenticator lose everything but enrolment.
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisorSession.GetAsync("/api/v1/complaints?limit=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await adminSession.GetAsync("/api/v1/admin/audit")).StatusCode);
        // A unit handler is not concerned.
        await ExpectAsync(await SignInApi.LoginAsync(api.Anonymous, Handler("jyt"), Password), HttpStatusCode.OK);
        // The API sign-in says enrolment comes first.
        Assert.Equal("two-factor-enrolment-required", await SignInApi.ProblemCodeAsync(await SignInApi.LoginAsync(api.Anonymous, Supervisor, Password), HttpStatusCode.Forbidden));

        // The page: after the password, enrolment; every staff page leads back to it.
        var browser = new PageBrowser(_app);
        var signedIn = await browser.SignInAsync(Supervisor, Password);
        Assert.Equal("/staff/two-factor", signedIn.Headers.Location?.OriginalString);
        var home = await browser.GetAsync("/staff");
        Assert.Equal("/staff/two-factor", home.Headers.Location?.OriginalString);
        var enrol = await ExpectAsync(await browser.GetAsync("/staff/two-factor"), HttpStatusCode.OK);
        Assert.Contains("id=\"two-factor-required\"", enrol);
        var key = Totp.KeyFromPage(enrol);
        await ExpectAsync(await browser.PostFormAsync("/staff/two-factor", new Dictionary<string, string> { ["Code"] = Totp.Code(key, _app.Time.GetUtcNow().AddSeconds(-30)) }, PageBrowser.Token(enrol)), HttpStatusCode.Redirect);
        await ExpectAsync(await browser.GetAsync("/staff"), HttpStatusCode.OK);

        // Enrolled: the API wants the code, and with it the supervisor works again.
        Assert.Equal("two-factor-required", await SignInApi.ProblemCodeAsync(await SignInApi.LoginAsync(api.Anonymous, Supervisor, Password), HttpStatusCode.Unauthorized));
        var token = JsonNode.Parse(await ExpectAsync(await SignInApi.LoginAsync(api.Anonymous, Supervisor, Password, Totp.Code(key, _app.Time.GetUtcNow())), HttpStatusCode.OK))!;
        await ExpectAsync(await SignInApi.Bearer(_app, token["accessToken"]!.GetValue<string>()).GetAsync("/api/v1/complaints?limit=1"), HttpStatusCode.OK);

        // The change is on the audit log; reading it needs an administrator, who must enrol first as well.
        var adminBrowser = new PageBrowser(_app);
        await adminBrowser.SignInAsync(Admin, Password);
        var adminEnrol = await ExpectAsync(await adminBrowser.GetAsync("/staff/two-factor"), HttpStatusCode.OK);
        var adminKey = Totp.KeyFromPage(adminEnrol);
        await ExpectAsync(await adminBrowser.PostFormAsync("/staff/two-factor", new Dictionary<string, string> { ["Code"] = Totp.Code(adminKey, _app.Time.GetUtcNow().AddSeconds(-30)) }, PageBrowser.Token(adminEnrol)), HttpStatusCode.Redirect);
        var adminToken = JsonNode.Parse(await ExpectAsync(await SignInApi.LoginAsync(api.Anonymous, Admin, Password, Totp.Code(adminKey, _app.Time.GetUtcNow())), HttpStatusCode.OK))!;
        var audit = JsonNode.Parse(await ExpectAsync(await SignInApi.Bearer(_app, adminToken["accessToken"]!.GetValue<string>()).GetAsync("/api/v1/admin/audit?kind=security.policy-changed"), HttpStatusCode.OK))!["items"]!.AsArray();
        var record = Assert.Single(audit)!;
        Assert.Equal(Admin, record["actor"]!.GetValue<string>());
        Assert.Contains("true", record["after"]!.ToJsonString());
    }

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteTwoFactorRequirementTests() : TwoFactorRequirementTests(DatabaseProvider.Sqlite);

public sealed class PostgresTwoFactorRequirementTests() : TwoFactorRequirementTests(DatabaseProvider.Postgres);
