using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Infrastructure;

/// <summary>
/// The staff API as the handling tests use it: signed-in clients per demo account, complaints lodged
/// through the public API, actions, the staff and the public views. Time is the app's FakeTimeProvider.
/// </summary>
public sealed class StaffApi(AppFactory app)
{
    public const string Password = "PingYi-Demo-2020";
    public const string Supervisor = "supervisor@pingyi.local";

    /// <summary>admin@ holds the Supervisor role too: a second supervisor for the races.</summary>
    public const string Admin = "admin@pingyi.local";

    public const string Evaluator = "evaluator@pingyi.local";
    public const string Inspector = "inspector@pingyi.local";

    public static string Handler(string unitCode) => $"{unitCode}@pingyi.local";

    // Bearer tokens live 15 minutes of the app's (fake) time; sign in again once the clock has moved on.
    private static readonly TimeSpan TokenReuse = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, (HttpClient Client, DateTimeOffset IssuedAt)> _clients = new();
    private readonly SemaphoreSlim _signIn = new(1, 1);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AppFactory, StaffApi> Shared = new();

    /// <summary>One per app, so that the tests of a class share their sign-ins.</summary>
    public static StaffApi For(AppFactory app) => Shared.GetValue(app, a => new StaffApi(a));

    public AppFactory App { get; } = app;

    public HttpClient Anonymous { get; } = app.CreateClient();

    public DateTime Now => App.Time.GetUtcNow().UtcDateTime;

    public async Task<HttpClient> AsAsync(string email)
    {
        var now = App.Time.GetUtcNow();
        if (_clients.TryGetValue(email, out var cached) && now - cached.IssuedAt < TokenReuse && now >= cached.IssuedAt)
        {
            return cached.Client;
        }
        await _signIn.WaitAsync();
        try
        {
            if (_clients.TryGetValue(email, out cached) && now - cached.IssuedAt < TokenReuse && now >= cached.IssuedAt)
            {
                return cached.Client;
            }
            var response = await Anonymous.PostAsync("/api/v1/auth/login", Json(new JsonObject { ["email"] = email, ["password"] = Password }));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in of {email}: {(int)response.StatusCode} {body}");
            var token = JsonNode.Parse(body)!["accessToken"]!.GetValue<string>();
            var client = App.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            _clients[email] = (client, now);
            return client;
        }
        finally
        {
            _signIn.Release();
        }
    }

    /// <summary>A fresh client with its own sign-in, for two requests by one account that must not share anything.</summary>
    public async Task<HttpClient> NewSessionAsync(string email)
    {
        var response = await Anonymous.PostAsync("/api/v1/auth/login", Json(new JsonObject { ["email"] = email, ["password"] = Password }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in of {email}: {(int)response.StatusCode} {body}");
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(body)!["accessToken"]!.GetValue<string>());
        return client;
    }

    // ---- evaluation ----

    /// <summary>
    /// A ledger item of the unit in the round for a deduction to cite (a deduction cites what it punishes, issue 22):
    /// source prior-year, which no score reads. Returns its record number.
    /// </summary>
    public async Task<string> LedgerItemAsync(int year, string unitCode, string problem = "去年评议反映的作风问题尚未整改到位。")
    {
        var due = PingYi.Domain.Common.ChinaTime.Today(App.Time).AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var response = await (await AsAsync(Supervisor)).PostAsync($"/api/v1/evaluations/{year}/ledger", Json(new JsonObject
        {
            ["unitCode"] = unitCode, ["source"] = "prior-year", ["problem"] = problem, ["measures"] = "逐项整改，按月报告进展。", ["owner"] = "办公室主任", ["dueOn"] = due,
        }));
        return JsonNode.Parse(await ExpectAsync(response, HttpStatusCode.Created))!["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary><paramref name="deduction"/> citing a new ledger item of its unit (<see cref="LedgerItemAsync"/>).</summary>
    public async Task<JsonObject> CitingAsync(int year, JsonObject deduction)
    {
        deduction["cites"] = "ledger-item";
        deduction["citesRef"] = await LedgerItemAsync(year, deduction["unitCode"]!.GetValue<string>());
        return deduction;
    }

    // ---- complaints ----

    public static JsonObject Complaint(string title, string unitCode = "jyt", string category = "formalism") => new()
    {
        ["unitCode"] = unitCode,
        ["category"] = category,
        ["title"] = title,
        ["description"] = "区教育局要求学校在一周内提交同一检查的三套纸质材料，教师连续加班整理台账。" + title,
        ["anonymous"] = true,
    };

    public static JsonObject Named(JsonObject complaint, Complainant who)
    {
        complaint["anonymous"] = false;
        complaint["complainant"] = new JsonObject { ["name"] = who.Name, ["phone"] = who.Phone, ["email"] = who.Email };
        return complaint;
    }

    public Task<(string TrackingNumber, string AccessCode)> LodgeAsync(JsonObject body) => TestData.LodgeAsync(Anonymous, body);

    public Task<(string TrackingNumber, string AccessCode)> LodgeAsync(string title, string unitCode = "jyt", string category = "formalism") =>
        LodgeAsync(Complaint(title, unitCode, category));

    /// <summary>Lodges through multipart with one PNG; returns the number, the code and the attachment id the staff view lists.</summary>
    public async Task<(string TrackingNumber, string AccessCode)> LodgeWithPngAsync(JsonObject body)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (k, v) in body)
        {
            if (v is JsonObject nested)
            {
                foreach (var (nk, nv) in nested)
                {
                    form.Add(new StringContent(nv!.ToString()), $"{k}.{nk}");
                }
            }
            else
            {
                form.Add(new StringContent(v!.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.ToJsonString() : v.ToString()), k);
            }
        }
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "attachments", "现场照片.png");
        var response = await Anonymous.PostAsync("/api/v1/complaints", form);
        var json = await response.ReadObjectAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"lodge: {(int)response.StatusCode} {json.ToJsonString()}");
        return (json["trackingNumber"]!.GetValue<string>(), json["accessCode"]!.GetValue<string>());
    }

    /// <summary>
    /// Lodged, assigned by the supervisor to <paramref name="unitCode"/> and, unless <paramref name="sign"/> is false,
    /// signed for (签收, workflow v3) by the unit's handler at once, as a unit that keeps its signing deadline does:
    /// tests of other deadlines then see only theirs.
    /// </summary>
    public async Task<string> AssignedAsync(string title, string unitCode = "jyt", string category = "formalism", bool sign = true)
    {
        var (number, _) = await LodgeAsync(title, unitCode, category);
        await ExpectAsync(await ActAsync(Supervisor, number, "assign", new { unitCode }), HttpStatusCode.OK);
        if (sign)
        {
            await ExpectAsync(await ActAsync(Handler(unitCode), number, "sign"), HttpStatusCode.OK);
        }
        return number;
    }

    public async Task<HttpResponseMessage> ActAsync(string email, string number, string action, object? fields = null, string? ifMatch = null) =>
        await ActAsync(await AsAsync(email), number, action, fields, ifMatch);

    public static Task<HttpResponseMessage> ActAsync(HttpClient client, string number, string action, object? fields = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/actions/{action}")
        {
            Content = JsonContent.Create(fields ?? new { }),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request);
    }

    /// <summary>Performs the action and expects 200; returns the staff view it answers with.</summary>
    public async Task<JsonObject> DoAsync(string email, string number, string action, object? fields = null)
    {
        var response = await ActAsync(email, number, action, fields);
        return JsonNode.Parse(await ExpectAsync(response, HttpStatusCode.OK))!.AsObject();
    }

    public async Task<HttpResponseMessage> GetAsync(string email, string path) => await (await AsAsync(email)).GetAsync(path);

    /// <summary>POST …/complainant with a reason: the full identity, for supervisors, logged with the reason.</summary>
    public async Task<HttpResponseMessage> RevealAsync(string email, string number, string reason = "核实反映人身份") =>
        await (await AsAsync(email)).PostAsync($"/api/v1/complaints/{number}/complainant", JsonContent.Create(new { reason }));

    public async Task<JsonObject> StaffViewAsync(string email, string number) =>
        JsonNode.Parse(await ExpectAsync(await GetAsync(email, $"/api/v1/complaints/{number}"), HttpStatusCode.OK))!.AsObject();

    public async Task<List<string>> ActionsAsync(string email, string number)
    {
        var body = await ExpectAsync(await GetAsync(email, $"/api/v1/complaints/{number}/actions"), HttpStatusCode.OK);
        return JsonNode.Parse(body)!.AsArray().Select(a => a!["action"]!.GetValue<string>()).ToList();
    }

    public Task<HttpResponseMessage> PublicGetAsync(string number, string accessCode)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{number}");
        request.Headers.Add("X-Access-Code", accessCode);
        return Anonymous.SendAsync(request);
    }

    public async Task<string> PublicViewTextAsync(string number, string accessCode) =>
        await ExpectAsync(await PublicGetAsync(number, accessCode), HttpStatusCode.OK);

    public Task<HttpResponseMessage> FeedbackAsync(string number, string accessCode, string satisfaction, string? comment = null, string? resolved = null)
    {
        var body = new JsonObject { ["satisfaction"] = satisfaction };
        if (resolved is not null)
        {
            body["resolved"] = resolved;
        }
        if (comment is not null)
        {
            body["comment"] = comment;
        }
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/feedback") { Content = Json(body) };
        request.Headers.Add("X-Access-Code", accessCode);
        return Anonymous.SendAsync(request);
    }

    public async Task<JsonObject> ListAsync(string email, string query)
    {
        var body = await ExpectAsync(await GetAsync(email, "/api/v1/complaints" + query), HttpStatusCode.OK);
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<List<string>> ListNumbersAsync(string email, string query) =>
        (await ListAsync(email, query))["items"]!.AsArray().Select(i => i!["trackingNumber"]!.GetValue<string>()).ToList();

    // ---- assertions ----

    /// <summary>Asserts the status and returns the body; a wrong status shows the body in the failure.</summary>
    public static async Task<string> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
        return body;
    }

    /// <summary>Expects a problem-details response with <paramref name="expected"/>; returns the problem.</summary>
    public static async Task<JsonObject> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await ExpectAsync(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)expected, problem["status"]!.GetValue<int>());
        return problem;
    }

    /// <summary>The messages problem details carry under <paramref name="field"/>.</summary>
    public static IReadOnlyList<string> Errors(JsonObject problem, string field)
    {
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"no error under '{field}' in {problem.ToJsonString()}");
        return errors[field]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
    }

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A JSON body with its \u escapes undone (the app's encoder escapes Chinese), for Contains checks.</summary>
    public static string Readable(string json) => JsonNode.Parse(json)!.ToJsonString(Unescaped);

    public static string Readable(JsonNode json) => json.ToJsonString(Unescaped);

    public static bool HasChinese(string text) => text.Any(c => c is >= '\u4e00' and <= '\u9fff');

    public static DateTime Utc(string iso) =>
        DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);

    public static DateTime? Date(JsonNode? node) => node is null ? null : node.GetValue<DateTime>().ToUniversalTime();

    /// <summary>A short token that makes one test's complaints findable with q.</summary>
    public static string Token(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>A named complainant whose identity must never reach a unit handler.</summary>
public sealed record Complainant(string Name, string Phone, string Email)
{
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Distinct per test: the name is Chinese (the JSON encoder escapes it), the phone and e-mail unique.</summary>
    public static Complainant Distinct()
    {
        var n = Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Complainant("欧阳青禾", $"139{n}", $"witness.{n}@example.org");
    }

    public IEnumerable<string> Secrets => [Name, Phone, Email];

    /// <summary>Searches the body as sent and, for JSON, with its \u escapes undone.</summary>
    public void AssertAbsentFrom(string body, string where)
    {
        var texts = new List<string> { body };
        try
        {
            if (JsonNode.Parse(body) is { } json)
            {
                texts.Add(json.ToJsonString(Unescaped));
            }
        }
        catch (JsonException)
        {
            // not JSON: the raw body is all there is
        }
        foreach (var text in texts)
        {
            foreach (var secret in Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{where} leaks the complainant's identity ({secret}): {text}");
            }
        }
    }

    public void AssertPresentIn(string body)
    {
        var text = JsonNode.Parse(body)!.ToJsonString(Unescaped);
        foreach (var secret in Secrets)
        {
            Assert.Contains(secret, text);
        }
    }
}
