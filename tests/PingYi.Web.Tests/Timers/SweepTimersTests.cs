using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Features.Handling;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Timers;

/// <summary>The feedback window: a case nobody rates within it is closed by the system sweep, once.</summary>
public abstract class SweepTimersTests(AppFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task An_unrated_case_closes_when_the_feedback_window_ends_and_a_rated_one_waits()
    {
        var supervisor = await TokenAsync("supervisor@pingyi.local");
        var handler = await TokenAsync("jyt@pingyi.local");
        var (silent, silentCode) = await ApprovedCaseAsync(supervisor, handler);
        var (unhappy, unhappyCode) = await ApprovedCaseAsync(supervisor, handler);
        var rating = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{unhappy}/feedback") { Content = Json(new JsonObject { ["satisfaction"] = "dissatisfied" }) };
        rating.Headers.Add("X-Access-Code", unhappyCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(rating)).StatusCode);

        fixture.App.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await SweepAsync());
        Assert.Equal("awaiting-feedback", await StatusAsync(silent, silentCode));

        fixture.App.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await SweepAsync() >= 1);
        Assert.Equal(0, await SweepAsync());

        Assert.Equal("closed", await StatusAsync(silent, silentCode));
        Assert.Equal("awaiting-feedback", await StatusAsync(unhappy, unhappyCode));
        var view = await LookupAsync(silent, silentCode);
        var last = view["timeline"]!.AsArray()[^1]!;
        Assert.Equal("feedback-timeout", last["action"]!.GetValue<string>());
        Assert.Contains("自动办结", last["note"]!.GetValue<string>());
    }

    private async Task<int> SweepAsync()
    {
        using var scope = fixture.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SweepTimers.Handler>().HandleAsync(CancellationToken.None);
    }

    private async Task<(string Number, string Code)> ApprovedCaseAsync(string supervisor, string handler)
    {
        var (number, code) = await LodgeAsync(_client);
        await ActAsync(supervisor, number, "assign", new JsonObject { ["unitCode"] = DemoUnit });
        await ActAsync(handler, number, "respond", new JsonObject { ["findings"] = "经查属实", ["measures"] = "已整改", ["publicReply"] = "您反映的问题已整改。" });
        await ActAsync(supervisor, number, "approve", new JsonObject { ["qualityRating"] = 4 });
        return (number, code);
    }

    private async Task ActAsync(string token, string number, string action, JsonObject fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/actions/{action}") { Content = Json(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<string> TokenAsync(string email)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "PingYi-Demo-2020" });
        return (await response.ReadObjectAsync())["accessToken"]!.GetValue<string>();
    }

    private async Task<JsonObject> LookupAsync(string number, string code)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{number}");
        request.Headers.Add("X-Access-Code", code);
        return await (await _client.SendAsync(request)).ReadObjectAsync();
    }

    private async Task<string> StatusAsync(string number, string code) => (await LookupAsync(number, code))["status"]!.GetValue<string>();
}

public sealed class SqliteSweepTimersTests(SqliteApp fixture) : SweepTimersTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSweepTimersTests(PostgresApp fixture) : SweepTimersTests(fixture), IClassFixture<PostgresApp>;
