using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>Finding 8: the access code is checked before a supplement's body is read, so a caller without it cannot make the server take in uploads.</summary>
public abstract class SupplementUploadTests(AppFixture fixture)
{
    private HttpClient Client { get; } = fixture.App.CreateClient();

    [Fact]
    public async Task A_wrong_code_is_refused_before_the_body_is_read()
    {
        var (number, code) = await LodgeAsync(Client, Complaint("补充材料-先验查询码"));
        // Larger than the JSON limit: read first, it would be 413; checked first, it is the wrong code's 404.
        var oversized = new JsonObject { ["text"] = new string('补', 40_000) };

        var wrong = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements") { Content = Json(oversized) };
        wrong.Headers.Add("X-Access-Code", "WRONG-CODE-0000");
        var right = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements") { Content = Json(oversized) };
        right.Headers.Add("X-Access-Code", code);

        await StaffApi.ExpectProblemAsync(await Client.SendAsync(wrong), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Client.SendAsync(right)).StatusCode);
    }
}

public sealed class SqliteSupplementUploadTests(SqliteApp fixture) : SupplementUploadTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSupplementUploadTests(PostgresApp fixture) : SupplementUploadTests(fixture), IClassFixture<PostgresApp>;
