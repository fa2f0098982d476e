using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Timers;

/// <summary>
/// A sweep that dies halfway — in the middle of its third batch's save, after two batches committed — and then
/// runs again loses no timer and doubles none: each case's overdue event and its messages exist exactly once. The
/// failure is injected into the real database round-trip (an EF Core interceptor throws on the batch's UPDATE), so
/// the database rolls that batch back as it would for a process killed mid-save.
/// </summary>
public abstract class SweepCrashTests(DatabaseProvider provider)
{
    private const int Cases = 11;

    [Fact]
    public async Task A_sweep_that_dies_after_two_batches_and_runs_again_fires_every_timer_once()
    {
        var fault = new SaveFault();
        // One batch at a time, so that "the third save" is the third batch.
        using var app = AppFactory.Create(provider, new Dictionary<string, string?> { ["Timers:SweepBatchSize"] = "4", ["Timers:SweepParallelism"] = "1" },
            services: s => s.AddInterceptor(fault));
        var api = StaffApi.For(app);
        var numbers = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            numbers.Add(await api.AssignedAsync($"{Token("中断")} 第{i + 1}件"));
        }
        // The demo data's accept deadlines fire first, so that the measured run holds only these cases.
        app.Time.SetUtcNow(Utc("2026-12-01T02:00:00Z"));
        await Sweep.RunAsync(app);

        // Thu 12-17: all 11 are past their deadline (end of Wed 12-16): three batches of 4, 4 and 3.
        app.Time.SetUtcNow(Utc("2026-12-17T02:00:00Z"));
        fault.Arm(3);
        await Assert.ThrowsAnyAsync<Exception>(() => Sweep.RunAsync(app));
        Assert.Equal(1, fault.Failures);
        // The two committed batches stand; the third left nothing behind.
        var counts = await OverdueCountsAsync(app, numbers);
        Assert.Equal(Enumerable.Repeat(1, 8).Concat(Enumerable.Repeat(0, 3)), counts.Select(c => c.Events));
        Assert.Equal(Enumerable.Repeat(2, 8).Concat(Enumerable.Repeat(0, 3)), counts.Select(c => c.Messages));

        // The next run fires what was not saved, and only that.
        Assert.Equal(3, await Sweep.RunAsync(app));
        Assert.Equal(0, await Sweep.RunAsync(app));
        counts = await OverdueCountsAsync(app, numbers);
        Assert.All(counts, c => Assert.Equal((1, 2), (c.Events, c.Messages)));
        foreach (var number in numbers)
        {
            Assert.Equal(1, (await api.StaffViewAsync(Supervisor, number))["escalationLevelNotified"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_sweep_with_batches_in_flight_together_that_dies_fires_every_timer_once_when_it_runs_again()
    {
        var fault = new SaveFault();
        // Three batches of 4, 4 and 3, two at a time (on PostgreSQL; SQLite takes one writer and sweeps one by one).
        using var app = AppFactory.Create(provider, new Dictionary<string, string?> { ["Timers:SweepBatchSize"] = "4", ["Timers:SweepParallelism"] = "2" },
            services: s => s.AddInterceptor(fault));
        var api = StaffApi.For(app);
        var numbers = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            numbers.Add(await api.AssignedAsync($"{Token("并行")} 第{i + 1}件"));
        }
        app.Time.SetUtcNow(Utc("2026-12-01T02:00:00Z"));
        await Sweep.RunAsync(app);

        app.Time.SetUtcNow(Utc("2026-12-17T02:00:00Z"));
        fault.Arm(2);
        await Assert.ThrowsAnyAsync<Exception>(() => Sweep.RunAsync(app));
        Assert.Equal(1, fault.Failures);
        // Whichever batches committed before the failure stand whole, the failed one (and any cancelled with it) left
        // nothing: each case has its event and both its messages, or none of them.
        var counts = await OverdueCountsAsync(app, numbers);
        Assert.All(counts, c => Assert.Contains(c, new[] { (0, 0), (1, 2) }));
        var firedBefore = counts.Count(c => c.Events == 1);
        Assert.InRange(firedBefore, 0, Cases - 3);

        Assert.Equal(Cases - firedBefore, await Sweep.RunAsync(app));
        Assert.Equal(0, await Sweep.RunAsync(app));
        counts = await OverdueCountsAsync(app, numbers);
        Assert.All(counts, c => Assert.Equal((1, 2), (c.Events, c.Messages)));
    }

    /// <summary>Per case, in the order the sweep takes them (due time, then id): its overdue events and overdue messages.</summary>
    private static Task<List<(int Events, int Messages)>> OverdueCountsAsync(AppFactory app, List<string> numbers) =>
        Outbox.WithDbAsync(app, async db =>
        {
            var ids = await db.Complaints.Where(c => numbers.Contains(c.TrackingNumber)).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync();
            var result = new List<(int, int)>();
            foreach (var id in ids)
            {
                result.Add((await db.ComplaintEvents.CountAsync(e => e.ComplaintId == id && e.Action == "overdue"),
                    await db.OutboxMessages.CountAsync(m => m.ComplaintId == id && m.Kind == "overdue")));
            }
            return result;
        });
}

public sealed class SqliteSweepCrashTests() : SweepCrashTests(DatabaseProvider.Sqlite);

public sealed class PostgresSweepCrashTests() : SweepCrashTests(DatabaseProvider.Postgres);
