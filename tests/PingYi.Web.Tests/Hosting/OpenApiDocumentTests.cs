using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// <c>/openapi/v1.json</c> tells the truth: every route it lists is really there (answers something other
/// than 404 or 405), the closed Identity routes are neither listed nor open, and every operation carries
/// what the shared convention gives it (operation id, description, security, problem-details errors).
/// </summary>
public abstract class OpenApiDocumentTests(AppFixture fixture)
{
    private static readonly string[] Closed =
    [
        "/api/v1/auth/register", "/api/v1/auth/confirmEmail", "/api/v1/auth/resendConfirmationEmail",
        "/api/v1/auth/forgotPassword", "/api/v1/auth/resetPassword", "/api/v1/auth/manage/info", "/api/v1/auth/manage/2fa",
    ];

    [Fact]
    public async Task Every_listed_route_answers_something_other_than_404_and_the_closed_ones_are_not_listed()
    {
        var client = fixture.App.CreateClient();
        var (number, code) = await LodgeAsync(client, Complaint("OpenAPI 路由检查"));
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var paths = document["paths"]!.AsObject();
        Assert.NotEmpty(paths);

        var checkedRoutes = 0;
        foreach (var (template, operations) in paths)
        {
            // Each route parameter gets a value that exists; a route the document lists must never answer 404.
            var path = System.Text.RegularExpressions.Regex.Replace(template, "{([^}]+)}", m => m.Groups[1].Value switch
            {
                "trackingNumber" => number,
                "action" => "assign",
                "year" => "2020",
                "code" or "unitCode" => DemoUnit,
                // The public questionnaire of a demo unit resident in the service hall.
                "source" => "service-hall",
                "unit" => "gat",
                "job" => "outbox",
                "milestone" => "implementation-plan",
                _ => "1",
            });
            Assert.DoesNotContain("{", path, StringComparison.Ordinal);
            foreach (var (method, _) in operations!.AsObject())
            {
                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path);
                // As the complainant: the code opens what a complainant may open; staff routes answer 401.
                request.Headers.Add("X-Access-Code", code);
                if (method is "post" or "put" or "patch")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }
                var response = await client.SendAsync(request);
                // A route that exists may still answer the handler's own 404 for what it looks for (the reply letter
                // of a case without one): that problem names the field under errors, routing's empty 404 does not.
                if (response.StatusCode == HttpStatusCode.NotFound && template.EndsWith("/reply-letter", StringComparison.Ordinal)
                    && (await response.Content.ReadAsStringAsync()).Contains("\"errors\"", StringComparison.Ordinal))
                {
                    checkedRoutes++;
                    continue;
                }
                Assert.True(response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed),
                    $"{method.ToUpperInvariant()} {template} is listed but answered {(int)response.StatusCode}.");
                checkedRoutes++;
            }
        }
        Assert.True(checkedRoutes >= 10, $"Only {checkedRoutes} operations were listed.");

        foreach (var route in Closed)
        {
            Assert.False(paths.ContainsKey(route), $"{route} is closed but listed.");
            var get = await client.GetAsync(route);
            var post = await client.PostAsync(route, Json(new JsonObject()));
            Assert.Contains(HttpStatusCode.NotFound, new[] { get.StatusCode, post.StatusCode });
            Assert.DoesNotContain(HttpStatusCode.OK, new[] { get.StatusCode, post.StatusCode });
        }
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_description_security_and_its_error_responses()
    {
        var client = fixture.App.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace(document["info"]!["description"]?.GetValue<string>()));
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.True(schemes.ContainsKey("bearer") && schemes.ContainsKey("cookie") && schemes.ContainsKey("accessCode"));
        Assert.All(document["servers"]!.AsArray(), s => Assert.DoesNotMatch("^http:", s!["url"]!.GetValue<string>()));

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (template, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in operations!.AsObject())
            {
                var operation = node!.AsObject();
                var where = $"{method.ToUpperInvariant()} {template}";
                Assert.True(ids.Add(operation["operationId"]!.GetValue<string>()), $"{where}: duplicate operationId.");
                Assert.False(string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()), $"{where}: no description.");
                var security = operation["security"]!.AsArray();
                Assert.NotEmpty(security);
                var responses = operation["responses"]!.AsObject();
                Assert.True(responses.ContainsKey("500"), $"{where}: no 500.");
                if (template.StartsWith("/api/v1/complaints", StringComparison.Ordinal) && template.Contains('{', StringComparison.Ordinal))
                {
                    Assert.True(responses.ContainsKey("404"), $"{where}: no 404.");
                }
                var staff = security.Any(r => r!.AsObject().ContainsKey("bearer")) && !security.Any(r => r!.AsObject().ContainsKey("accessCode"));
                if (staff)
                {
                    Assert.True(responses.ContainsKey("401") && responses.ContainsKey("403"), $"{where}: a staff route without 401/403.");
                }
            }
        }
        // The routes any area maps are staff routes unless they say otherwise: the staff list is one.
        var list = document["paths"]!["/api/v1/complaints"]!["get"]!["security"]!.AsArray();
        Assert.Contains(list, r => r!.AsObject().ContainsKey("bearer"));
        var intake = document["paths"]!["/api/v1/complaints"]!["post"]!["responses"]!.AsObject();
        Assert.True(intake.ContainsKey("429"), "The rate-limited intake must document 429.");
        var title = document["components"]!["schemas"]!["SubmitComplaintRequest"]!["properties"]!["title"]!;
        Assert.Equal(100, title["maxLength"]!.GetValue<int>());

        // The staff list's query states what the server accepts (OWASP string-limit), the sort included.
        var parameters = document["paths"]!["/api/v1/complaints"]!["get"]!["parameters"]!.AsArray();
        Assert.Contains(parameters, p => string.Equals(p!["name"]!.GetValue<string>(), "sort", StringComparison.OrdinalIgnoreCase));
        foreach (var parameter in parameters)
        {
            var schema = parameter!["schema"]!;
            if (schema["type"]?.ToJsonString() == "\"string\"")
            {
                Assert.True(schema["maxLength"] is not null, $"list parameter {parameter["name"]} has no maxLength.");
            }
        }
        // The complainant's reply-letter download is opened with the access code.
        var letter = document["paths"]!["/api/v1/complaints/{trackingNumber}/reply-letter"]!["get"]!["security"]!.AsArray();
        Assert.Contains(letter, r => r!.AsObject().ContainsKey("accessCode"));
    }
}

public sealed class SqliteOpenApiDocumentTests(SqliteApp fixture) : OpenApiDocumentTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresOpenApiDocumentTests(PostgresApp fixture) : OpenApiDocumentTests(fixture), IClassFixture<PostgresApp>;
