using System.Diagnostics;
using Npgsql;

namespace PingYi.Benchmarks;

/// <summary>
/// Full timer sweeps on a database of the generator's <c>open</c> shape: every complaint open, a number of them
/// due. Runs the app's own job through <c>POST /api/v1/admin/jobs/sweep-timers/run</c> (it answers when the sweep
/// is done) and times it; counts what was due before and after, and the events each sweep wrote.
/// </summary>
internal static class SweepBench
{
    public sealed record SweepResult(long Open, long DueBefore, long DueAfter, long EventsWritten, double Seconds, string Answer);

    /// <summary>
    /// <c>--rounds N</c> sweeps in the same app process. The first runs right after start-up, while the JIT is still
    /// compiling the save path (cold); before each further round the rows the last one fired are put back as they were
    /// (their overdue events and messages deleted, the timer due again), so every round fires the same 10,000 timers in
    /// a warmed-up process, as the recurring job does every minute (warm). The summary carries the median warm round.
    /// </summary>
    public static async Task RunAsync(Options o)
    {
        var url = o.RequireUrl();
        await using var db = NpgsqlDataSource.Create(o.Postgres ?? throw new ArgumentException("--pg is required"));
        using var anonymous = HttpLoad.CreateClient(url, 2);
        using var admin = await StaffPages.SignInAsync(anonymous, url, "admin@pingyi.local");
        admin.Timeout = TimeSpan.FromMinutes(10);
        var rounds = new List<SweepResult>();
        for (var round = 1; round <= Math.Max(1, o.Rounds); round++)
        {
            if (round > 1)
            {
                await ResetFiredAsync(db);
            }
            var r = await SweepOnceAsync(db, admin);
            Console.WriteLine($"sweep round {round} ({(round == 1 ? "cold" : "warm")}): {r.Open:N0} open, {r.DueBefore:N0} due before, {r.DueAfter:N0} after, "
                + $"{r.EventsWritten:N0} events written, {r.Seconds:0.00} s; answer {r.Answer}");
            if (r.DueAfter != 0 || r.EventsWritten != r.DueBefore)
            {
                throw new InvalidOperationException($"sweep round {round}: {r.DueAfter} still due, {r.EventsWritten} events for {r.DueBefore} due timers");
            }
            rounds.Add(r);
        }
        var warm = rounds.Skip(1).Select(r => r.Seconds).Order().ToList();
        var median = warm.Count == 0 ? rounds[0].Seconds : warm[warm.Count / 2];
        if (o.Summary is not null)
        {
            // The median warm round first: run.sh reads it for the target and the ratio; then the cold round.
            await File.WriteAllTextAsync(o.Summary, $"{median:0.000} {rounds[0].Seconds:0.000} {rounds[0].Open} {rounds[0].DueBefore}\n");
        }
    }

    private static async Task<SweepResult> SweepOnceAsync(NpgsqlDataSource db, HttpClient admin)
    {
        var open = await CountAsync(db, """SELECT COUNT(*) FROM "Complaints" WHERE "Status" NOT IN (2, 6)""");
        var dueBefore = await CountAsync(db, """SELECT COUNT(*) FROM "Complaints" WHERE "NextTimerAtUtc" <= now()""");
        var eventsBefore = await CountAsync(db, """SELECT COUNT(*) FROM "ComplaintEvents" """);
        var started = Stopwatch.GetTimestamp();
        using var response = await admin.PostAsync("api/v1/admin/jobs/sweep-timers/run", null);
        var answer = await response.Content.ReadAsStringAsync();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"sweep: {(int)response.StatusCode} {answer}");
        }
        var dueAfter = await CountAsync(db, """SELECT COUNT(*) FROM "Complaints" WHERE "NextTimerAtUtc" <= now()""");
        var events = await CountAsync(db, """SELECT COUNT(*) FROM "ComplaintEvents" """) - eventsBefore;
        return new SweepResult(open, dueBefore, dueAfter, events, seconds, answer);
    }

    /// <summary>
    /// Puts the generator's due rows back as they were before a sweep fired them: in the open shape they are assigned,
    /// past their deadline and not yet notified (timer at the deadline, level 0), with no timeline of their own.
    /// </summary>
    private static async Task ResetFiredAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            WITH fired AS (DELETE FROM "ComplaintEvents" WHERE "Action" = 'overdue' AND "ActorRole" = 'system' RETURNING "ComplaintId")
            UPDATE "Complaints" c SET "NextTimerAtUtc" = c."DueAtUtc", "EscalationLevelNotified" = 0 FROM fired WHERE c."Id" = fired."ComplaintId";
            DELETE FROM "OutboxMessages" WHERE "Kind" = 'overdue';
            """);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync();
        // Each on its own: VACUUM refuses to run inside a multi-statement command.
        foreach (var table in new[] { "Complaints", "ComplaintEvents", "OutboxMessages" })
        {
            await using var vacuum = db.CreateCommand($"""VACUUM ANALYZE "{table}" """);
            vacuum.CommandTimeout = 600;
            await vacuum.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
