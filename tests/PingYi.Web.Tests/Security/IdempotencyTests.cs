using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Features.Complaints.Timers;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Finding 3: an idempotency replay must not be an oracle. A key reused with another body answers as an unknown
/// key would; a key must hold 128 bits of randomness; expired records are purged by the sweep; nothing answers 500.
/// </summary>
public abstract class IdempotencyTests(AppFixture fixture)
{
    private HttpClient Client { get; } = fixture.App.CreateClient();

    [Fact]
    public async Task A_key_reused_with_another_body_answers_like_an_unknown_key()
    {
        var key = Guid.NewGuid().ToString();
        var first = await PostAsync(key, Named("王建国", "13800431234"));

        // Guessing the complainant's phone: the wrong guess must look exactly like a fresh key, not 422.
        var wrongGuess = await PostAsync(key, Named("王建国", "13800439999"));
        var freshKey = await PostAsync(Guid.NewGuid().ToString(), Named("王建国", "13800439999"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(freshKey.StatusCode, wrongGuess.StatusCode);
        Assert.Equal(Shape(freshKey), Shape(wrongGuess));
        var a = await first.ReadObjectAsync();
        var b = await wrongGuess.ReadObjectAsync();
        Assert.NotEqual(a["trackingNumber"]!.GetValue<string>(), b["trackingNumber"]!.GetValue<string>());
        Assert.NotEqual(a["accessCode"]!.GetValue<string>(), b["accessCode"]!.GetValue<string>());

        // The right body still replays the first answer.
        var replay = await PostAsync(key, Named("王建国", "13800431234"));
        Assert.Equal(a["accessCode"]!.GetValue<string>(), (await replay.ReadObjectAsync())["accessCode"]!.GetValue<string>());
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("my-retry-key-0001")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("0123456789abcde")]
    public async Task A_key_with_less_than_128_bits_is_400(string key)
    {
        var response = await PostAsync(key, Complaint("弱 Key"));

        var problem = await StaffApi.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("128", StaffApi.Errors(problem, "Idempotency-Key").Single());
    }

    [Fact]
    public async Task An_expired_key_is_purged_by_the_sweep_and_reusing_it_is_a_new_complaint_not_500()
    {
        var key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var first = await (await PostAsync(key, Complaint("过期 Key"))).ReadObjectAsync();

        fixture.App.Time.Advance(TimeSpan.FromHours(25));
        var again = await PostAsync(key, Complaint("过期 Key"));

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.NotEqual(first["trackingNumber"]!.GetValue<string>(), (await again.ReadObjectAsync())["trackingNumber"]!.GetValue<string>());

        fixture.App.Time.Advance(TimeSpan.FromHours(25));
        using var scope = fixture.App.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<SweepTimers.Job>().RunAsync(CancellationToken.None);
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var now = fixture.App.Time.GetUtcNow().UtcDateTime;
        Assert.Equal(0, await db.IdempotencyRecords.CountAsync(r => r.ExpiresAtUtc <= now));
    }

    [Fact]
    public async Task The_raw_key_is_not_stored()
    {
        var key = Guid.NewGuid().ToString();
        await PostAsync(key, Complaint("Key 存储"));

        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        Assert.False(await db.IdempotencyRecords.AnyAsync(r => r.Key == key));
    }

    private static JsonObject Named(string name, string phone)
    {
        var body = Complaint("身份猜测");
        body["anonymous"] = false;
        body["complainant"] = new JsonObject { ["name"] = name, ["phone"] = phone };
        return body;
    }

    /// <summary>What a caller can compare between two answers apart from the new number and code.</summary>
    private static string Shape(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {string.Join(",", response.Headers.Select(h => h.Key).Where(k => k != "Date").Order())} {response.Content.Headers.ContentType}";

    private Task<HttpResponseMessage> PostAsync(string key, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        return Client.SendAsync(request);
    }
}

public sealed class SqliteIdempotencyTests(SqliteApp fixture) : IdempotencyTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresIdempotencyTests(PostgresApp fixture) : IdempotencyTests(fixture), IClassFixture<PostgresApp>;
