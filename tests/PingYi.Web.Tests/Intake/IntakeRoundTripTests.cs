using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Timers;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Intake;

/// <summary>
/// What one intake costs the database (docs/benchmarks.md, intake): on PostgreSQL the complaint's id and tracking number
/// come from blocks the process reserved, so the complaint and its event go in one batched command; the reserved ids
/// never collide with rows other writers insert through the column default.
/// </summary>
public abstract class IntakeRoundTripTests(CountingAppFixture fixture)
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private bool Postgres => fixture.App.Services.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Postgres;

    [Fact]
    public async Task An_anonymous_intake_writes_its_rows_in_one_batch()
    {
        // The first intake caches the unit and (PostgreSQL) reserves a block of keys.
        await LodgeAsync(_client, Complaint("预热"));
        fixture.Log.Reset();
        fixture.Log.Counting = true;
        var lodged = await LodgeAsync(_client, Complaint("一次往返"));
        fixture.Log.Counting = false;

        var commands = fixture.Log.Commands;
        var inserts = commands.Where(c => c.Contains("INSERT", StringComparison.Ordinal)).ToList();
        if (Postgres)
        {
            // Nothing but the one batch: no unit look-up, no nextval, no separate event INSERT.
            var batch = Assert.Single(commands);
            Assert.Contains("INSERT INTO \"Complaints\"", batch);
            Assert.Contains("INSERT INTO \"ComplaintEvents\"", batch);
        }
        else
        {
            // SQLite: the counter row, then the complaint (its id comes back), then its event.
            Assert.Contains(inserts, c => c.Contains("TrackingCounters", StringComparison.Ordinal));
            Assert.Contains(inserts, c => c.Contains("INSERT INTO \"Complaints\"", StringComparison.Ordinal));
            Assert.Contains(inserts, c => c.Contains("INSERT INTO \"ComplaintEvents\"", StringComparison.Ordinal));
        }
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var stored = await db.Complaints.AsNoTracking().Include(c => c.Events).SingleAsync(c => c.TrackingNumber == lodged.TrackingNumber);
        Assert.Equal("submit", Assert.Single(stored.Events).Action);
    }

    [Fact]
    public async Task Reserved_ids_and_numbers_never_collide_with_other_writers()
    {
        var first = await LodgeAsync(_client, Complaint("预留之前"));
        // Another writer (the demo seed, an import) inserts through the column default and takes a number itself.
        string otherNumber;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var workflow = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().ForNewComplaint();
            var now = fixture.App.Time.GetUtcNow().UtcDateTime;
            otherNumber = await TrackingNumbers.NextAsync(db, now.Year, CancellationToken.None);
            var unit = db.Units.Single(u => u.Code == DemoUnit).Id;
            var submission = new ValidComplaintSubmission(DemoUnit, ProblemCategory.Formalism, "其他写入方", "不经过受理接口写入的反映。", null, null, null);
            db.Complaints.Add(PingYi.Domain.Complaints.Complaint.Lodge(otherNumber, AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web, submission, unit, workflow, now));
            await db.SaveChangesAsync();
        }
        var later = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => LodgeAsync(_client, Complaint($"预留之后 {i}"))));

        var numbers = later.Select(l => l.TrackingNumber).Append(first.TrackingNumber).Append(otherNumber).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        using var check = fixture.App.Services.CreateScope();
        var ids = await check.ServiceProvider.GetRequiredService<PingYiDbContext>().Complaints
            .Where(c => numbers.Contains(c.TrackingNumber)).Select(c => c.Id).ToListAsync();
        Assert.Equal(numbers.Count, ids.Distinct().Count());
    }
}

public sealed class SqliteIntakeRoundTripTests(SqliteCountingApp fixture) : IntakeRoundTripTests(fixture), IClassFixture<SqliteCountingApp>;

public sealed class PostgresIntakeRoundTripTests(PostgresCountingApp fixture) : IntakeRoundTripTests(fixture), IClassFixture<PostgresCountingApp>;
