using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;
using PingYi.Web.Tests.Complaints.Timers;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Complaints.Intake;

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
    public async Task The_largest_intake_is_still_one_batch_and_all_of_it_is_stored()
    {
        // Named, five files and an Idempotency-Key: every row an intake can write. On PostgreSQL the save runs without
        // EF's own transaction, relying on PostgreSQL running one batch as one transaction; that holds only while it
        // is one batch, which this pins.
        await LodgeAsync(_client, Complaint("预热"));
        using var form = new MultipartFormDataContent();
        foreach (var (k, v) in Complaint("最大的一次受理").Where(p => p.Key != "anonymous"))
        {
            form.Add(new StringContent(v is null ? "" : v.ToString().ToLowerInvariant() is "true" or "false" ? v.ToString().ToLowerInvariant() : v.ToString()), k);
        }
        form.Add(new StringContent("false"), "anonymous");
        form.Add(new StringContent("王建国"), "complainant.name");
        form.Add(new StringContent("13800431234"), "complainant.phone");
        for (var i = 0; i < 5; i++)
        {
            var file = new ByteArrayContent(Png);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
            form.Add(file, "attachments", $"照片{i}.png");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = form };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        fixture.Log.Reset();
        fixture.Log.Counting = true;
        var response = await _client.SendAsync(request);
        fixture.Log.Counting = false;

        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var number = (await response.ReadObjectAsync())["trackingNumber"]!.GetValue<string>();
        var writes = fixture.Log.Commands.Where(c => c.Contains("INSERT", StringComparison.Ordinal)).ToList();
        if (Postgres)
        {
            var batch = Assert.Single(writes);
            foreach (var table in new[] { "Complaints", "ComplaintEvents", "ComplainantContacts", "Attachments", "IdempotencyRecords" })
            {
                Assert.Contains($"INSERT INTO \"{table}\"", batch);
            }
        }
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var id = await db.Complaints.Where(c => c.TrackingNumber == number).Select(c => c.Id).SingleAsync();
        Assert.Equal(5, await db.Attachments.CountAsync(a => a.ComplaintId == id));
        Assert.Equal("王建国", (await db.ComplainantContacts.SingleAsync(c => c.ComplaintId == id)).Name);
        Assert.Equal(1, await db.IdempotencyRecords.CountAsync(r => r.ComplaintId == id));
        Assert.Equal(1, await db.Set<ComplaintEvent>().CountAsync(e => e.ComplaintId == id));
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
