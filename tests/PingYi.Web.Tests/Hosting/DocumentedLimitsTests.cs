using System.Net;
using System.Text.Json.Nodes;
using PingYi.Data;
using PingYi.Web.Tests.Administration;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// What /openapi/v1.json promises gateways and generated clients, checked against the server (docs/api.md,
/// "Spectral"): the RateLimit-* headers on every API answer (2xx, 4xx, the 429 with its Retry-After) and none on
/// pages, which are not counted; and the documented maxLength/maxItems refused one past the limit with Chinese
/// problem details. The limits are read from the document, so the test follows it if a number changes.
/// </summary>
public abstract class DocumentedLimitsTests(DatabaseProvider provider) : IDisposable
{
    private const int ApiPerMinute = 4;

    private readonly AppFactory _app = AppFactory.Create(provider, new Dictionary<string, string?>
    {
        ["RateLimits:ApiPerMinute"] = ApiPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task Every_api_answer_says_where_the_caller_stands_and_the_429_when_to_come_back()
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Test-Peer", "198.51.100.20");

        var remaining = new List<int>();
        for (var i = 0; i < ApiPerMinute - 1; i++)
        {
            var ok = await client.GetAsync("/api/v1/units");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(ApiPerMinute, Header(ok, "RateLimit-Limit"));
            Assert.InRange(Header(ok, "RateLimit-Reset"), 1, 60);
            remaining.Add(Header(ok, "RateLimit-Remaining"));
        }
        // A staff route answering 401 counts and says so too (the limiter runs before authorization).
        var unauthorized = await client.GetAsync("/api/v1/complaints");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        remaining.Add(Header(unauthorized, "RateLimit-Remaining"));
        Assert.Equal([3, 2, 1, 0], remaining);

        var refused = await client.GetAsync("/api/v1/units");
        var problem = await ExpectProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("请求过于频繁", problem["title"]!.GetValue<string>());
        Assert.Equal(0, Header(refused, "RateLimit-Remaining"));
        Assert.Equal(ApiPerMinute, Header(refused, "RateLimit-Limit"));
        Assert.Equal((int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, Header(refused, "RateLimit-Reset"));

        // The window runs on the app's clock: a minute later the bucket is full again.
        _app.Time.Advance(TimeSpan.FromSeconds(61));
        var again = await client.GetAsync("/api/v1/units");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(ApiPerMinute - 1, Header(again, "RateLimit-Remaining"));

        // Pages are not counted, so they carry no such header.
        var page = await client.GetAsync("/complaints/new");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("RateLimit-Limit"));
    }

    [Fact]
    public async Task A_signed_in_account_has_its_own_bucket_whatever_address_it_shares()
    {
        var api = StaffApi.For(_app);
        var supervisor = await api.NewSessionAsync(Supervisor);
        supervisor.DefaultRequestHeaders.Add("X-Test-Peer", "198.51.100.30");
        var neighbour = _app.CreateClient();
        neighbour.DefaultRequestHeaders.Add("X-Test-Peer", "198.51.100.30");

        for (var i = 0; i < ApiPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await neighbour.GetAsync("/api/v1/units")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await neighbour.GetAsync("/api/v1/units")).StatusCode);

        var staff = await supervisor.GetAsync("/api/v1/units");
        Assert.Equal(HttpStatusCode.OK, staff.StatusCode);
        Assert.Equal(ApiPerMinute - 1, Header(staff, "RateLimit-Remaining"));
    }

    [Fact]
    public async Task A_field_one_past_its_documented_maxLength_or_maxItems_is_a_400_with_a_chinese_message()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Test-Peer", "198.51.100.40");

        var titleMax = schemas["SubmitComplaintRequest"]!["properties"]!["title"]!["maxLength"]!.GetValue<int>();
        var atLimit = Complaint(new string('长', titleMax));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/v1/complaints", Json(atLimit))).StatusCode);
        var tooLong = await ExpectProblemAsync(await client.PostAsync("/api/v1/complaints", Json(Complaint(new string('长', titleMax + 1)))), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(tooLong, "title")[0]));

        // A date is its ten characters: padding it past the documented length is refused, not trimmed.
        var occurredMax = schemas["SubmitComplaintRequest"]!["properties"]!["occurredOn"]!["maxLength"]!.GetValue<int>();
        var padded = Complaint("日期加空格");
        padded["occurredOn"] = "2026-11-20".PadRight(occurredMax + 1);
        var date = await ExpectProblemAsync(await client.PostAsync("/api/v1/complaints", Json(padded)), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(date, "occurredOn")[0]));

        // A unit's contact e-mails: one entry past maxItems is refused even when the entries repeat.
        var emails = schemas["UnitBody"]!["properties"]!["contactEmails"]!;
        var maxItems = emails["maxItems"]!.GetValue<int>();
        var admin = new AdminApi(StaffApi.For(_app));
        var unit = AdminApi.Unit(AdminApi.NewCode());
        unit["contactEmails"] = new JsonArray(Enumerable.Repeat("office@unit.example.cn", maxItems + 1).Select(e => (JsonNode?)e).ToArray());
        var tooMany = await ExpectProblemAsync(await admin.PostAsync(Admin, "/api/v1/admin/units", unit), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(tooMany, "contactEmails")[0]));

        var itemMax = emails["items"]!["maxLength"]!.GetValue<int>();
        var longAddress = AdminApi.Unit(AdminApi.NewCode());
        longAddress["contactEmails"] = new JsonArray(new string('a', itemMax - "@example.cn".Length + 1) + "@example.cn");
        var tooLongAddress = await ExpectProblemAsync(await admin.PostAsync(Admin, "/api/v1/admin/units", longAddress), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(tooLongAddress, "contactEmails")[0]));
    }

    private async Task<JsonObject> DocumentAsync() =>
        JsonNode.Parse(await _app.CreateClient().GetStringAsync("/openapi/v1.json"))!.AsObject();

    private static int Header(HttpResponseMessage response, string name)
    {
        Assert.True(response.Headers.TryGetValues(name, out var values), $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: no {name} header");
        return int.Parse(values!.Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteDocumentedLimitsTests() : DocumentedLimitsTests(DatabaseProvider.Sqlite);

public sealed class PostgresDocumentedLimitsTests() : DocumentedLimitsTests(DatabaseProvider.Postgres);
