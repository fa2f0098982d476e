using System.Net;
using System.Text.Json.Nodes;
using PingYi.Data;
using PingYi.Web.Features.Evaluation.Survey;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Tests.Administration;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Notifications;

/// <summary>
/// One public address for everything that leaves the app with a link in it: the mails, the set-password link and
/// the survey QR codes are built from <c>Mail:BaseUrl</c>, never from the Host header a request happened to carry.
/// </summary>
public abstract class PublicBaseUrlTests(MailAppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task The_set_password_link_and_the_survey_QR_code_use_Mail_BaseUrl_whatever_host_the_request_named()
    {
        var admin = await _api.AsAsync(Admin);
        var email = AdminApi.Email("base");
        var created = await admin.PostAsync("http://evil.example/api/v1/admin/users", TestData.Json(new JsonObject
        {
            ["email"] = email, ["displayName"] = "柳青", ["role"] = "supervisor", ["active"] = true,
        }));
        var link = JsonNode.Parse(await ExpectAsync(created, HttpStatusCode.Created))!["passwordLink"]!.GetValue<string>();
        Assert.StartsWith("https://pingyi.test/account/set-password?", link, StringComparison.Ordinal);
        await Outbox.RunJobAsync(_api, "outbox");
        var mail = Assert.Single(fixture.Smtp.Received, m => m.To.Mailboxes.Any(b => b.Address == email));
        Assert.Contains(link, mail.TextBody);

        var svg = await ExpectAsync(await _api.Anonymous.GetAsync("http://evil.example/survey/2020/service-hall/gat/qr.svg"), HttpStatusCode.OK);
        Assert.Equal(PublicSurvey.QrSvg("https://pingyi.test" + PublicSurvey.PathOf(2020, "service-hall", "gat")), svg);
        Assert.NotEqual(PublicSurvey.QrSvg("http://evil.example" + PublicSurvey.PathOf(2020, "service-hall", "gat")), svg);
    }
}

public sealed class SqlitePublicBaseUrlTests(SqliteMailApp fixture) : PublicBaseUrlTests(fixture), IClassFixture<SqliteMailApp>;

public sealed class PostgresPublicBaseUrlTests(PostgresMailApp fixture) : PublicBaseUrlTests(fixture), IClassFixture<PostgresMailApp>;

/// <summary>Without <c>Mail:BaseUrl</c>, Development takes the address the app listens on.</summary>
public sealed class DevelopmentBaseUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080")]
    [InlineData("http://[::]:5080", "http://localhost:5080")]
    [InlineData("http://+:8080", "http://localhost:8080")]
    [InlineData("https://0.0.0.0:7001;http://*:5080", "http://localhost:5080")]
    [InlineData("https://localhost:7001", "https://localhost:7001")]
    public void The_listening_address_becomes_the_base_with_wildcards_read_as_localhost(string addresses, string expected)
    {
        var settings = MailSettings.Read(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), Path.GetTempPath());
        Assert.False(settings.BaseUrlConfigured);
        Assert.Equal(MailSettings.DevelopmentFallbackBaseUrl, settings.BaseUrl);
        Assert.Equal(expected, settings.UseListeningAddresses(addresses.Split(';')));
        Assert.Equal(expected + "/track", settings.Link("/track"));
    }

    [Fact]
    public async Task A_Development_process_without_Mail_BaseUrl_links_to_where_it_listens_not_to_the_Host_header()
    {
        using var database = AppFactory.Create(DatabaseProvider.Sqlite);
        _ = database.Server;
        using var node = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__PingYi"] = database.ConnectionString,
            ["Jobs__Enabled"] = "false",
        }, TimeSpan.FromSeconds(150));
        Assert.True(node.Address is not null, node.Output);
        var origin = node.Address!.GetLeftPart(UriPartial.Authority);

        using var http = new HttpClient { BaseAddress = node.Address };
        var login = await http.PostAsync("/api/v1/auth/login", TestData.Json(new JsonObject { ["email"] = Admin, ["password"] = Password }));
        var token = JsonNode.Parse(await ExpectAsync(login, HttpStatusCode.OK))!["accessToken"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/users")
        {
            Content = TestData.Json(new JsonObject { ["email"] = AdminApi.Email("dev"), ["displayName"] = "开发", ["role"] = "supervisor", ["active"] = true }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        request.Headers.Host = "evil.example";
        var link = JsonNode.Parse(await ExpectAsync(await http.SendAsync(request), HttpStatusCode.Created))!["passwordLink"]!.GetValue<string>();
        Assert.StartsWith(origin + "/account/set-password?", link, StringComparison.Ordinal);
        Assert.Contains($"use {origin}", node.Output);
    }
}
