using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using Xunit.Abstractions;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// Optimistic concurrency on the complaint: a stale If-Match is 412, and of two conflicting actions
/// fired at the same time exactly one is applied, the other answered 409.
/// </summary>
public abstract class ConcurrencyTests(AppFixture fixture, ITestOutputHelper output)
{
    private const int Rounds = 10;
    private static readonly string JytHandler = Handler("jyt");

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task An_action_with_a_stale_If_Match_is_412_and_changes_nothing()
    {
        var (number, _) = await _api.LodgeAsync("并发-过期的 ETag");
        var read = await _api.GetAsync(Supervisor, $"/api/v1/complaints/{number}");
        var body = JsonNode.Parse(await ExpectAsync(read, HttpStatusCode.OK))!;
        var etag = read.Headers.ETag?.ToString();
        Assert.Equal($"\"{body["version"]!.GetValue<int>()}\"", etag);

        var assigned = await _api.ActAsync(Supervisor, number, "assign", new { unitCode = "jyt" }, ifMatch: etag);
        await ExpectAsync(assigned, HttpStatusCode.OK);
        var fresh = assigned.Headers.ETag?.ToString();
        Assert.NotNull(fresh);
        Assert.NotEqual(etag, fresh);

        // Someone who read before the assignment tries to act on what they saw.
        var stale = await ExpectProblemAsync(await _api.ActAsync(Admin, number, "transfer", new { unitCode = "rst", reason = "转办" }, ifMatch: etag), HttpStatusCode.PreconditionFailed);
        var message = Errors(stale, "If-Match").Single();
        Assert.Contains("已有新的变化", message);
        Assert.Contains("changed since you read it", message);
        var staleForHandler = await _api.ActAsync(JytHandler, number, "request-extension", new { workingDays = 2, reason = "延期" }, ifMatch: etag);
        await ExpectProblemAsync(staleForHandler, HttpStatusCode.PreconditionFailed);
        // A role that may never take the action is told so, however stale its copy.
        await ExpectProblemAsync(await _api.ActAsync(JytHandler, number, "transfer", new { unitCode = "rst", reason = "转办" }, ifMatch: etag), HttpStatusCode.Forbidden);

        var after = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal("jyt", after["unit"]!["code"]!.GetValue<string>());
        Assert.Null(after["pendingRequest"]);
        Assert.Equal(fresh, $"\"{after["version"]!.GetValue<int>()}\"");
        // The current ETag and * both pass.
        await ExpectAsync(await _api.ActAsync(JytHandler, number, "request-extension", new { workingDays = 2, reason = "延期" }, ifMatch: fresh), HttpStatusCode.OK);
        await ExpectAsync(await _api.ActAsync(Supervisor, number, "reject-extension", new { reason = "不同意" }, ifMatch: "*"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Two_supervisors_assigning_and_declining_at_once_get_one_200_and_one_409_every_time()
    {
        var first = await _api.AsAsync(Supervisor);
        var second = await _api.AsAsync(Admin);
        var (numbers, _) = await LodgeManyAsync("并发-交办与不予受理");

        for (var i = 0; i < Rounds; i++)
        {
            var number = numbers[i];
            // Alternate who starts, so that either side gets to win.
            var (a, b) = i % 2 == 0 ? (first, second) : (second, first);
            var responses = await Task.WhenAll(
                ActAsync(a, number, "assign", new { unitCode = "jyt" }),
                ActAsync(b, number, "decline", new { reason = "并发测试" }));

            var winner = await AssertOneWinsAsync(number, responses, ["assign", "decline"]);
            var view = await _api.StaffViewAsync(Supervisor, number);
            Assert.Equal(winner == "assign" ? "assigned" : "declined", view["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task One_token_assigning_to_two_units_at_once_assigns_to_exactly_one()
    {
        var (numbers, _) = await LodgeManyAsync("并发-同一令牌");
        var client = await _api.AsAsync(Supervisor);

        for (var i = 0; i < Rounds; i++)
        {
            var number = numbers[i];
            var responses = await Task.WhenAll(
                ActAsync(client, number, "assign", new { unitCode = "jyt" }),
                ActAsync(client, number, "assign", new { unitCode = "rst" }));

            var codes = responses.Select(r => r.StatusCode).Order().ToList();
            var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
            output.WriteLine($"{number}: {string.Join(" | ", bodies.Select(b => Readable(b).Length > 200 ? Readable(b)[..200] : Readable(b)))}");
            Assert.True(codes.SequenceEqual([HttpStatusCode.OK, HttpStatusCode.Conflict]), $"round {i}: {string.Join(" | ", bodies)}");
            var winnerUnit = responses[0].StatusCode == HttpStatusCode.OK ? "jyt" : "rst";
            var view = await _api.StaffViewAsync(Supervisor, number);
            Assert.Equal(winnerUnit, view["unit"]!["code"]!.GetValue<string>());
            Assert.Single(view["timeline"]!.AsArray(), t => t!["action"]!.GetValue<string>() == "assign");
        }
    }

    [Fact]
    public async Task A_handlers_two_requests_at_once_leave_exactly_one_pending()
    {
        var handlerA = await _api.NewSessionAsync(JytHandler);
        var handlerB = await _api.AsAsync(JytHandler);
        var numbers = new List<string>();
        for (var i = 0; i < Rounds; i++)
        {
            numbers.Add(await _api.AssignedAsync($"并发-两个申请-{i}"));
        }

        for (var i = 0; i < Rounds; i++)
        {
            var number = numbers[i];
            var responses = await Task.WhenAll(
                ActAsync(handlerA, number, "request-return", new { reason = "不属于本单位" }),
                ActAsync(handlerB, number, "request-extension", new { workingDays = 3, reason = "需要时间" }));

            var winner = await AssertOneWinsAsync(number, responses, ["request-return", "request-extension"]);
            var view = await _api.StaffViewAsync(Supervisor, number);
            Assert.Equal(winner == "request-return" ? "return" : "extension", view["pendingRequest"]!.GetValue<string>());
        }
    }

    private async Task<(List<string> Numbers, List<string> Codes)> LodgeManyAsync(string title)
    {
        var numbers = new List<string>();
        var codes = new List<string>();
        for (var i = 0; i < Rounds; i++)
        {
            var (n, c) = await _api.LodgeAsync($"{title}-{i}");
            numbers.Add(n);
            codes.Add(c);
        }
        return (numbers, codes);
    }

    /// <summary>Exactly one 200 and one 409; the timeline holds the winner's action and not the loser's. Returns the winner.</summary>
    private async Task<string> AssertOneWinsAsync(string number, HttpResponseMessage[] responses, string[] actions)
    {
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        var detail = $"{number}: {(int)responses[0].StatusCode} {bodies[0]} | {(int)responses[1].StatusCode} {bodies[1]}";
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 1, detail);
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Conflict) == 1, detail);
        var loser = Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal("application/problem+json", responses[loser].Content.Headers.ContentType?.MediaType);
        Assert.True(HasChinese(bodies[loser]) || bodies[loser].Contains("\\u", StringComparison.Ordinal), detail);
        // Which guard refused the loser: the version check (both read the same version) or the workflow (it read the winner's result).
        output.WriteLine($"{number}: {actions[1 - loser]} won; loser refused by {(Readable(bodies[loser]).Contains("操作冲突") ? "the version check" : "the workflow")}");
        var winner = actions[1 - loser];
        var timeline = (await _api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray().Select(t => t!["action"]!.GetValue<string>()).ToList();
        Assert.Single(timeline, a => a == winner);
        Assert.DoesNotContain(actions[loser], timeline);
        return winner;
    }
}

public sealed class SqliteConcurrencyTests(SqliteApp fixture, ITestOutputHelper output) : ConcurrencyTests(fixture, output), IClassFixture<SqliteApp>;

public sealed class PostgresConcurrencyTests(PostgresApp fixture, ITestOutputHelper output) : ConcurrencyTests(fixture, output), IClassFixture<PostgresApp>;
