using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Scoring;

/// <summary>
/// Issue 22: every handling round counts in exactly one evaluation round, all year, by the round file's
/// <c>countIn</c> rule. Cases are assigned on the fake clock so that their deadlines (形式主义, 15 working days) fall
/// on both sides of the year's end — one exactly on 31 December 24:00 — and one case is reopened so that its second
/// handling round falls in the next year; each is then counted in the 2026 round or the 2027 round, never both,
/// never neither, and under <c>assigned-year</c> all of them in 2026.
/// </summary>
public abstract class ChannelYearTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private void At(string iso)
    {
        var t = Utc(iso);
        if (fixture.App.Time.GetUtcNow().UtcDateTime < t)
        {
            fixture.App.Time.SetUtcNow(t);
        }
    }

    [Fact]
    public async Task Cases_across_the_year_boundary_count_once_each()
    {
        const string unit = "swj";
        var token = Token("跨年");
        // Wed 11-25: due Wed 12-16 (2026).
        var early = await _api.AssignedAsync($"{token} 1", unit);
        var (reopened, code) = await _api.LodgeAsync($"{token} 2", unit);
        await _api.DoAsync(Supervisor, reopened, "assign", new { unitCode = unit });
        // Thu 12-10 10:00 China: 15 working days end on Thu 12-31, 24:00 = 2027-01-01 00:00 China — still 2026's deadline.
        At("2026-12-10T02:00:00Z");
        var boundary = await _api.AssignedAsync($"{token} 3", unit);
        // Fri 12-11: the deadline falls in 2027.
        At("2026-12-11T02:00:00Z");
        var late = await _api.AssignedAsync($"{token} 4", unit);
        // The second case, answered, approved, rated 不满意 and reopened on Mon 12-21: its new round is due in 2027.
        await _api.DoAsync(Handler(unit), reopened, "respond", new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" });
        await _api.DoAsync(Supervisor, reopened, "approve", new { qualityRating = 4 });
        await ExpectAsync(await _api.FeedbackAsync(reopened, code, "dissatisfied"), HttpStatusCode.OK);
        At("2026-12-21T02:00:00Z");
        await _api.DoAsync(Supervisor, reopened, "reopen", new { reason = "群众不满意，重新核查" });

        using var scope = fixture.App.Services.CreateScope();
        var r2026 = scope.ServiceProvider.GetRequiredService<EvaluationRuntime>().Find(2026)!;
        var r2027 = r2026 with { Year = 2027 };
        var channel = scope.ServiceProvider.GetRequiredService<IChannelScores>();
        var cutoff = Utc("2028-01-01T00:00:00Z");
        async Task<List<(string, int)>> Counted(EvaluationRoundDefinition round) =>
            (await channel.CasesAsync(round, cutoff, unit, CancellationToken.None))
                .Where(l => l.TrackingNumber == early || l.TrackingNumber == reopened || l.TrackingNumber == boundary || l.TrackingNumber == late)
                .Select(l => (l.TrackingNumber, l.Round)).ToList();

        var in2026 = await Counted(r2026);
        var in2027 = await Counted(r2027);
        Assert.Equal(new[] { (early, 1), (reopened, 1), (boundary, 1) }.Order(), in2026.Order());
        Assert.Equal(new[] { (late, 1), (reopened, 2) }.Order(), in2027.Order());
        Assert.Empty(in2026.Intersect(in2027));

        // The scores count the same rows as the case lines: each handling round of the unit once.
        var s2026 = await channel.ForRoundAsync(r2026, cutoff, CancellationToken.None);
        var s2027 = await channel.ForRoundAsync(r2027, cutoff, CancellationToken.None);
        async Task<int> Rounds(EvaluationRoundDefinition round) =>
            (await channel.CasesAsync(round, cutoff, unit, CancellationToken.None)).Count(l => l.Attempt == 1);
        Assert.Equal((await Rounds(r2026), await Rounds(r2027)), (s2026[unit].Facts.HandlingRounds, s2027[unit].Facts.HandlingRounds));

        // By the year the unit was handed the case, every one of these rounds is 2026's.
        var byAssignment = r2026 with { Channel = r2026.Channel with { CountIn = ChannelRates.AssignedYear } };
        Assert.Equal(5, (await Counted(byAssignment)).Count);
        Assert.Empty(await Counted(byAssignment with { Year = 2027 }));
    }


    [Fact]
    public async Task The_complainants_answer_to_whether_the_problem_was_solved_is_stored_and_counted()
    {
        const string unit = "fgw";
        var token = Token("解决");
        var answers = new List<(string Number, string? Resolved)>();
        foreach (var resolved in new[] { "resolved", "partly", null })
        {
            var (number, code) = await _api.LodgeAsync($"{token} {resolved}", unit);
            await _api.DoAsync(Supervisor, number, "assign", new { unitCode = unit });
            await _api.DoAsync(Handler(unit), number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" });
            await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 5 });
            if (resolved == "partly")
            {
                // Not one of the three answers: refused with the field named, nothing stored.
                var bad = await _api.FeedbackAsync(number, code, "satisfied", resolved: "maybe");
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                Assert.Contains("resolved", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            await ExpectAsync(await _api.FeedbackAsync(number, code, "satisfied", resolved: resolved), HttpStatusCode.OK);
            answers.Add((number, resolved));
        }

        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYi.Data.PingYiDbContext>();
        var stored = await (from r in db.HandlingRecords
                            join c in db.Complaints on r.ComplaintId equals c.Id
                            where c.Title.StartsWith(token)
                            orderby c.TrackingNumber
                            select r.Resolution).ToListAsync();
        Assert.Equal([PingYi.Domain.Workflow.Resolution.Resolved, PingYi.Domain.Workflow.Resolution.Partly, null], stored);

        // Counted by assignment year: the other test of the class may have moved the clock to late December, when
        // a new case's deadline falls in 2027.
        var file = scope.ServiceProvider.GetRequiredService<EvaluationRuntime>().Find(2026)!;
        var round = file with { Channel = file.Channel with { CountIn = ChannelRates.AssignedYear } };
        // A cut-off a minute on: what happened at the instant of a cut-off is not yet counted by it.
        fixture.App.Time.Advance(TimeSpan.FromMinutes(1));
        var scores = await scope.ServiceProvider.GetRequiredService<IChannelScores>()
            .ForRoundAsync(round, fixture.App.Time.GetUtcNow().UtcDateTime, CancellationToken.None);
        var facts = scores[unit].Facts;
        Assert.Equal((1, 1, 0), (facts.Resolved, facts.PartlyResolved, facts.Unresolved));
        // 已解决 1 + 部分解决 0.5 over the two answers; the rating without the answer is not in the 解决率.
        var rate = scores[unit].Result.Rate(ChannelRates.Resolved)!;
        Assert.Equal((1.5, 2.0, 0.75), (rate.Numerator, rate.Denominator, rate.Value!.Value));
    }
}

public sealed class SqliteChannelYearTests(SqliteApp fixture) : ChannelYearTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresChannelYearTests(PostgresApp fixture) : ChannelYearTests(fixture), IClassFixture<PostgresApp>;
