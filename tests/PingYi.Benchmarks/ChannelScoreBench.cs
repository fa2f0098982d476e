using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Infrastructure;

namespace PingYi.Benchmarks;

/// <summary>
/// <c>PingYi.Benchmarks channel-score --pg "&lt;maintenance connection string&gt;" [--rows 1000000] [--units 200] [--repeat 5] [--keep]</c>:
/// the channel score of every unit for a round over a large handling record, against a raw SQL GROUP BY over the
/// same rows, in the same run. It creates a database of its own (migrated by the app's migrations), bulk-loads
/// the units through EF Core and the complaints and handling-record rows with binary COPY, runs VACUUM ANALYZE,
/// then times <see cref="IChannelScores.ForRoundAsync"/> (resolved from the app's registration, a fresh scope each
/// time) and the raw query alternately, and checks that both count the same. The database is dropped at the end
/// unless <c>--keep</c>. See docs/benchmarks.md.
/// </summary>
public static class ChannelScoreBench
{
    private static readonly DateTime PeriodStart = new(2026, 8, 16, 16, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime PeriodEnd = new(2026, 12, 10, 16, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Cutoff = new(2026, 12, 20, 16, 0, 0, DateTimeKind.Utc);

    /// <summary>The channel facts as plain SQL: the same filters and conditional counts as the app's query, no ORM, no calendar.</summary>
    /// <summary>The raw GROUP BY over the rows in <paramref name="window"/> ($1, $2) started by the cut-off ($3).</summary>
    internal static string RawGroupBy(string window) => $"""
        SELECT "UnitId",
               count(*) FILTER (WHERE "Attempt" = 1),
               count(*) FILTER (WHERE "StoppedAtUtc" <= $3),
               count(*) FILTER (WHERE "RespondedAtUtc" <= $3),
               count(*) FILTER (WHERE "RespondedAtUtc" <= $3 AND NOT "Late"),
               count(*) FILTER (WHERE "StoppedAtUtc" <= $3 AND "Late"),
               coalesce(sum("WorkingDaysLate") FILTER (WHERE "StoppedAtUtc" <= $3), 0),
               count(*) FILTER (WHERE ("StoppedAtUtc" IS NULL OR "StoppedAtUtc" > $3) AND "DueAtUtc" <= $3),
               count(*) FILTER (WHERE "EndedBy" = 3 AND "EndedAtUtc" <= $3),
               count(*) FILTER (WHERE "ApprovedAtUtc" <= $3 AND "QualityRating" IS NOT NULL),
               coalesce(sum("QualityRating") FILTER (WHERE "ApprovedAtUtc" <= $3), 0),
               count(*) FILTER (WHERE "RatedAtUtc" <= $3 AND "Satisfaction" = 1),
               count(*) FILTER (WHERE "RatedAtUtc" <= $3 AND "Satisfaction" = 2),
               count(*) FILTER (WHERE "RatedAtUtc" <= $3 AND "Satisfaction" = 3),
               count(*) FILTER (WHERE "EndedBy" = 4 AND "EndedAtUtc" <= $3),
               coalesce(sum("ReturnsRejected") FILTER (WHERE "LastReturnRejectedAtUtc" <= $3), 0)
        FROM "HandlingRecords"
        WHERE {window} AND "AssignedAtUtc" < $3 AND "StartedAtUtc" <= $3
        GROUP BY "UnitId"
        """;

    /// <summary>Rows assigned in [$1, $2): this benchmark's own period, and a round's <c>countIn: assigned-year</c>.</summary>
    internal const string AssignedWindow = "\"AssignedAtUtc\" >= $1 AND \"AssignedAtUtc\" < $2";

    /// <summary>Rows whose first deadline falls in ($1, $2]: a round's <c>countIn: deadline-year</c>.</summary>
    internal const string DeadlineWindow = "\"InitialDueAtUtc\" > $1 AND \"InitialDueAtUtc\" <= $2";

    public static async Task<int> MainAsync(string[] args)
    {
        string? maintenance = null;
        int rows = 1_000_000, units = 200, repeat = 5;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--pg": maintenance = Next(); break;
                case "--rows": rows = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--units": units = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--keep": keep = true; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; usage: channel-score --pg \"<connection string>\" [--rows N] [--units N] [--repeat N] [--keep]");
                    return 2;
            }
        }
        if (maintenance is null)
        {
            Console.Error.WriteLine("channel-score needs --pg \"<Npgsql connection string to a maintenance database>\"");
            return 2;
        }

        var name = $"pingyi_chbench_{DateTime.UtcNow:yyyyMMddHHmmss}_{Environment.ProcessId}";
        await using (var admin = NpgsqlDataSource.Create(maintenance))
        {
            await RawSql.CreateDatabaseAsync(admin, name);
        }
        var connection = new NpgsqlConnectionStringBuilder(maintenance) { Database = name }.ConnectionString;
        try
        {
            await RunAsync(connection, rows, units, repeat);
        }
        finally
        {
            if (!keep)
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = NpgsqlDataSource.Create(maintenance);
                await RawSql.DropDatabaseAsync(admin, name);
            }
            else
            {
                Console.WriteLine($"(kept database {name})");
            }
        }
        return 0;
    }

    private static async Task RunAsync(string connection, int rowCount, int unitCount, int repeat)
    {
        var root = FindRoot();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        services.AddPingYiDatabase(new DatabaseSettings(DatabaseProvider.Postgres, connection));
        services.AddSingleton(WorkflowRuntime.Load(Path.Combine(root, "workflows"), NullLogger.Instance));
        services.AddChannelScores();
        await using var provider = services.BuildServiceProvider();
        var round = EvaluationRoundLoader.LoadFile(Path.Combine(root, "workflows", "evaluation", "2026.json"));

        Console.WriteLine($"PingYi channel-score benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $"load average {LoadAverage()}; {rowCount:N0} handling-record rows over {unitCount} units, round {round.Year}, cut-off {Cutoff:yyyy-MM-dd HH:mm}Z");
        var load = Stopwatch.StartNew();
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            await db.Database.MigrateAsync();
            for (var u = 0; u < unitCount; u++)
            {
                db.Units.Add(new Unit($"u{u:D3}", $"评议单位{u:D3}", (UnitCategory)(u % 4 + 1), "职责", "0431-00000000", [$"u{u:D3}@example.org"]));
            }
            await db.SaveChangesAsync();
        }
        // Loading a million rows on a busy machine takes longer than the default 30 s command timeout.
        await using var data = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connection) { CommandTimeout = 0 }.ConnectionString);
        var unitIds = new List<int>();
        await using (var cmd = data.CreateCommand("""SELECT "Id" FROM "Units" ORDER BY "Id" """))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                unitIds.Add(reader.GetInt32(0));
            }
        }
        var (complaints, records) = await LoadAsync(data, unitIds, rowCount);
        await using (var cmd = data.CreateCommand("""VACUUM ANALYZE "Complaints", "HandlingRecords" """))
        {
            await cmd.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"loaded {complaints:N0} complaints and {records:N0} handling-record rows with binary COPY in {load.Elapsed.TotalSeconds:0.0} s (not timed below)");

        var scores = new List<double>();
        var raws = new List<double>();
        IReadOnlyDictionary<string, ChannelUnitScore>? result = null;
        List<long[]>? raw = null;
        // One untimed run of each first (connection pool, EF's compiled model and query, PostgreSQL's cache), then alternate.
        for (var i = -1; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            await using (var scope = provider.CreateAsyncScope())
            {
                result = await scope.ServiceProvider.GetRequiredService<IChannelScores>().ForRoundAsync(round, Cutoff, CancellationToken.None);
            }
            var scoreMs = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            raw = await RawAsync(data);
            var rawMs = sw.Elapsed.TotalMilliseconds;
            if (i >= 0)
            {
                scores.Add(scoreMs);
                raws.Add(rawMs);
                Console.WriteLine($"run {i + 1}: all channel scores {scoreMs,8:0.0} ms   raw GROUP BY {rawMs,8:0.0} ms");
            }
        }

        // The two must agree on what they counted (the scores add only the calendar and the formula).
        var byId = raw!.ToDictionary(r => (int)r[0]);
        var codes = unitIds.Select((id, i) => (id, code: $"u{i:D3}")).ToDictionary(x => x.code, x => x.id);
        var mismatches = 0;
        foreach (var (code, s) in result!)
        {
            if (!codes.TryGetValue(code, out var id) || !byId.TryGetValue(id, out var r))
            {
                continue;
            }
            var f = s.Facts;
            if (f.HandlingRounds != r[1] || f.Responses != r[3] || f.OnTime != r[4] || f.Overdue != r[5] + r[7] || f.SendBacks != r[8]
                || f.QualityRatings != r[9] || f.Satisfied != r[11] || f.Dissatisfied != r[13] || f.Reopened != r[14] || f.RejectedReturns != r[15])
            {
                mismatches++;
            }
        }
        var median = Median(scores);
        var rawMedian = Median(raws);
        Console.WriteLine();
        Console.WriteLine("==================== summary ====================");
        Console.WriteLine($"units scored:                        {result.Count} ({result.Values.Count(v => v.NoCases)} without cases); facts that differ from the raw query: {mismatches}");
        Console.WriteLine($"all channel scores, median of {repeat}:     {median:0.0} ms (min {scores.Min():0.0}, max {scores.Max():0.0})   target ≤ 3000 ms → {(median <= 3000 ? "MET" : "NOT MET")}");
        Console.WriteLine($"raw SQL GROUP BY, median of {repeat}:       {rawMedian:0.0} ms (min {raws.Min():0.0}, max {raws.Max():0.0})");
        Console.WriteLine($"scores / raw:                        {median / rawMedian:0.00}×   target ≤ 2× → {(median <= 2 * rawMedian ? "MET" : "NOT MET")}");
        Console.WriteLine($"load average at the end:             {LoadAverage()}");
    }

    private static Task<List<long[]>> RawAsync(NpgsqlDataSource data) => RawAsync(data, AssignedWindow, PeriodStart, PeriodEnd, Cutoff);

    /// <summary>The raw GROUP BY over the rows assigned in [from, to) and started by the cut-off.</summary>
    internal static async Task<List<long[]>> RawAsync(NpgsqlDataSource data, string window, DateTime from, DateTime to, DateTime cutoff)
    {
        await using var cmd = data.CreateCommand(RawGroupBy(window));
        cmd.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = cutoff, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<long[]>();
        while (await reader.ReadAsync())
        {
            var row = new long[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            }
            list.Add(row);
        }
        return list;
    }

    /// <summary>
    /// Complaints (one per handling round) and their rows, deterministic (seed 42): assignments spread over the period
    /// and a little beyond it, a 15-working-day deadline (21 calendar days), 92 % answered — a fifth of them late —
    /// and the rest still open at the cut-off; 12 % sent back once (a second attempt), 80 % of answers approved with a
    /// rating, 60 % of those rated by the complainant, 3 % reopened, 2 % with a rejected return request.
    /// </summary>
    /// <remarks>With <paramref name="complaintCount"/>, exactly that many complaints (and about 12 % more rows) instead of <paramref name="rowCount"/> rows.</remarks>
    internal static async Task<(long Complaints, long Records)> LoadAsync(NpgsqlDataSource data, IReadOnlyList<int> unitIds, int rowCount, int? complaintCount = null)
    {
        var random = new Random(42);
        var plan = new List<(int Unit, DateTime AssignedAt, bool SentBack)>();
        var total = 0;
        if (complaintCount is not null)
        {
            rowCount = int.MaxValue;
        }
        while (complaintCount is { } n ? plan.Count < n : total < rowCount)
        {
            var sentBack = random.NextDouble() < 0.12 && total + 2 <= rowCount;
            var assigned = PeriodStart.AddMinutes(random.Next(0, (int)(PeriodEnd - PeriodStart).TotalMinutes + 20 * 24 * 60));
            plan.Add((unitIds[random.Next(unitIds.Count)], assigned, sentBack));
            total += sentBack ? 2 : 1;
        }

        await using (var connection = await data.OpenConnectionAsync())
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY "Complaints" ("TrackingNumber", "AccessCodeHash", "Channel", "Category", "UnitId", "Title", "Description",
                "Anonymous", "Status", "WorkflowId", "WorkflowVersion", "SubmittedAtUtc", "UpdatedAtUtc", "Version",
                "AcceptOverdueNotified", "DeadlineReminderSent", "EscalationLevelNotified", "PendingRequest", "ReopenCount",
                "RespondedLate", "ReworkCount", "TransferCount") FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var i = 0; i < plan.Count; i++)
            {
                var p = plan[i];
                await writer.StartRowAsync();
                await writer.WriteAsync($"ZTC-2026-B{i:D8}", NpgsqlDbType.Text);
                await writer.WriteAsync("bench", NpgsqlDbType.Text);
                await writer.WriteAsync(1, NpgsqlDbType.Integer);
                await writer.WriteAsync(1, NpgsqlDbType.Integer);
                await writer.WriteAsync(p.Unit, NpgsqlDbType.Integer);
                await writer.WriteAsync("基准测试", NpgsqlDbType.Text);
                await writer.WriteAsync("基准测试数据", NpgsqlDbType.Text);
                await writer.WriteAsync(true, NpgsqlDbType.Boolean);
                await writer.WriteAsync((int)ComplaintStatus.Closed, NpgsqlDbType.Integer);
                await writer.WriteAsync("complaint-handling", NpgsqlDbType.Text);
                await writer.WriteAsync(2, NpgsqlDbType.Integer);
                await writer.WriteAsync(p.AssignedAt.AddHours(-4), NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(p.AssignedAt, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
                await writer.WriteAsync(false, NpgsqlDbType.Boolean);
                await writer.WriteAsync(false, NpgsqlDbType.Boolean);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
                await writer.WriteAsync(false, NpgsqlDbType.Boolean);
                await writer.WriteAsync(p.SentBack ? 1 : 0, NpgsqlDbType.Integer);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
            }
            await writer.CompleteAsync();
        }

        long firstId;
        await using (var cmd = data.CreateCommand("""SELECT min("Id") FROM "Complaints" """))
        {
            firstId = (long)(await cmd.ExecuteScalarAsync())!;
        }

        long records = 0;
        await using (var connection = await data.OpenConnectionAsync())
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY "HandlingRecords" ("ComplaintId", "Round", "Attempt", "UnitId", "StartedBy", "AssignedAtUtc", "StartedAtUtc",
                "DueAtUtc", "InitialDueAtUtc", "ExtensionsGranted", "ExtensionWorkingDays", "RespondedAtUtc", "StoppedAtUtc", "Late",
                "WorkingDaysLate", "ApprovedAtUtc", "QualityRating", "Satisfaction", "RatedAtUtc", "ReturnRequests", "ReturnsRejected",
                "LastReturnRejectedAtUtc", "SupervisionNotices", "SupervisionAnsweredInTime", "SupervisionAnsweredLate", "EndedAtUtc", "EndedBy")
            FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var i = 0; i < plan.Count; i++)
            {
                var p = plan[i];
                var start = p.AssignedAt;
                for (var attempt = 1; attempt <= (p.SentBack ? 2 : 1); attempt++)
                {
                    var last = attempt == (p.SentBack ? 2 : 1);
                    // The app's deadlines are always 24:00 China time (16:00 UTC) of a day.
                    var due = start.AddHours(8).Date.AddDays(attempt == 1 ? 22 : 8).AddHours(-8);
                    due = DateTime.SpecifyKind(due, DateTimeKind.Utc);
                    var extended = random.NextDouble() < 0.05;
                    if (extended)
                    {
                        due = due.AddDays(7);
                    }
                    DateTime? responded = !last || random.NextDouble() < 0.92
                        ? start.AddMinutes(random.Next(60, (int)(due - start).TotalMinutes * (random.NextDouble() < 0.2 ? 2 : 1)))
                        : null;
                    var late = responded >= due;
                    var daysLate = late ? (int)Math.Ceiling((responded!.Value - due).TotalDays * 5 / 7) : 0;
                    DateTime? approved = last && responded is not null && random.NextDouble() < 0.8 ? responded.Value.AddDays(1) : null;
                    int? quality = approved is null ? null : random.Next(1, 6);
                    DateTime? rated = approved is not null && random.NextDouble() < 0.6 ? approved.Value.AddDays(2) : null;
                    int? satisfaction = rated is null ? null : random.Next(1, 4);
                    var reopened = rated is not null && random.NextDouble() < 0.03;
                    var rejected = random.NextDouble() < 0.02 ? 1 : 0;
                    DateTime? ended = !last ? responded!.Value.AddDays(1) : reopened ? rated!.Value.AddDays(1) : null;
                    int? endedBy = !last ? (int)HandlingEnd.SentBack : reopened ? (int)HandlingEnd.Reopened : null;

                    await writer.StartRowAsync();
                    await writer.WriteAsync(firstId + i, NpgsqlDbType.Bigint);
                    await writer.WriteAsync(1, NpgsqlDbType.Integer);
                    await writer.WriteAsync(attempt, NpgsqlDbType.Integer);
                    await writer.WriteAsync(p.Unit, NpgsqlDbType.Integer);
                    await writer.WriteAsync(attempt == 1 ? (int)HandlingStart.Assign : (int)HandlingStart.Rework, NpgsqlDbType.Integer);
                    await writer.WriteAsync(p.AssignedAt, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(start, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(due, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(extended ? due.AddDays(-7) : due, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(extended ? 1 : 0, NpgsqlDbType.Integer);
                    await writer.WriteAsync(extended ? 5 : 0, NpgsqlDbType.Integer);
                    await WriteNullableAsync(writer, responded);
                    await WriteNullableAsync(writer, responded);
                    await writer.WriteAsync(late, NpgsqlDbType.Boolean);
                    await writer.WriteAsync(daysLate, NpgsqlDbType.Integer);
                    await WriteNullableAsync(writer, approved);
                    await WriteNullableAsync(writer, quality);
                    await WriteNullableAsync(writer, satisfaction);
                    await WriteNullableAsync(writer, rated);
                    await writer.WriteAsync(rejected, NpgsqlDbType.Integer);
                    await writer.WriteAsync(rejected, NpgsqlDbType.Integer);
                    await WriteNullableAsync(writer, rejected > 0 ? start.AddDays(2) : null);
                    await writer.WriteAsync(0, NpgsqlDbType.Integer);
                    await writer.WriteAsync(0, NpgsqlDbType.Integer);
                    await writer.WriteAsync(0, NpgsqlDbType.Integer);
                    await WriteNullableAsync(writer, ended);
                    await WriteNullableAsync(writer, endedBy);
                    records++;
                    if (!last)
                    {
                        start = ended!.Value;
                    }
                }
            }
            await writer.CompleteAsync();
        }
        return (plan.Count, records);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, DateTime? value)
    {
        if (value is { } v)
        {
            await writer.WriteAsync(v, NpgsqlDbType.TimestampTz);
        }
        else
        {
            await writer.WriteNullAsync();
        }
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, int? value)
    {
        if (value is { } v)
        {
            await writer.WriteAsync(v, NpgsqlDbType.Integer);
        }
        else
        {
            await writer.WriteNullAsync();
        }
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "workflows", "evaluation")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("workflows/ not found above " + AppContext.BaseDirectory);
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg")
        ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
        : "n/a";
}
