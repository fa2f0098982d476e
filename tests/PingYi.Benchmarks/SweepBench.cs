using System.Diagnostics;
using Npgsql;

namespace PingYi.Benchmarks;

/// <summary>
/// One full timer sweep on a database of the generator's <c>open</c> shape: every complaint open, a number of
/// them due. Runs the app's own job through <c>POST /api/v1/admin/jobs/sweep-timers/run</c> (it answers when
/// the sweep is done) and times it; counts what was due before and after, and the events the sweep wrote.
/// </summary>
internal static class SweepBench
{
    public sealed record SweepResult(long Open, long DueBefore, long DueAfter, long EventsWritten, double Seconds, string Answer);

    public static async Task<SweepResult> RunAsync(Options o)
    {
        var url = o.RequireUrl();
        await using var db = NpgsqlDataSource.Create(o.Postgres ?? throw new ArgumentException("--pg is required"));
        using var anonymous = HttpLoad.CreateClient(url, 2);
        using var admin = await StaffPages.SignInAsync(anonymous, url, "admin@pingyi.local");
        admin.Timeout = TimeSpan.FromMinutes(10);
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
        var r = new SweepResult(open, dueBefore, dueAfter, events, seconds, answer);
        Console.WriteLine($"sweep: {open:N0} open, {dueBefore:N0} due before, {dueAfter:N0} after, {events:N0} events written, {seconds:0.00} s; answer {answer}");
        if (o.Summary is not null)
        {
            // Seconds first: run.sh reads it to print the ratio of two runs.
            await File.WriteAllTextAsync(o.Summary, $"{seconds:0.000} {open} {dueBefore} {dueAfter} {events}\n");
        }
        return r;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
