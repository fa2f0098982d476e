using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace PingYi.Benchmarks;

/// <summary>
/// Load straight at PostgreSQL, with no web app in between.
/// <list type="bullet">
/// <item><b>Ceiling</b>: one autocommit single-row INSERT into "Complaints" per transaction: every NOT NULL
/// column plus the nullable ones the intake fills, a unique "TrackingNumber" per row, a realistic
/// access-code hash; the row is what the app writes, nothing else is written.</item>
/// <item><b>App shape</b> (diagnostic): the statements and transactions the intake handler issues, as raw SQL —
/// unit look-up, tracking-counter upsert in its own transaction, then BEGIN, the complaint, its "submit"
/// event, COMMIT. It tells the cost of the transaction shape apart from the cost of the web stack.</item>
/// </list>
/// </summary>
public static class RawSql
{
    private const string InsertComplaint = """
        INSERT INTO "Complaints" ("TrackingNumber", "AccessCodeHash", "Channel", "Category", "UnitId", "Title",
            "Description", "OccurredOn", "Location", "Anonymous", "Status", "WorkflowId", "WorkflowVersion",
            "SubmittedAtUtc", "UpdatedAtUtc", "Version")
        VALUES ($1, $2, 2, 1, $3, $4, $5, NULL, $6, TRUE, 1, 'complaint-handling', 1, $7, $7, 0)
        """;

    private static long _sequence;

    public static async Task<int> UnitIdAsync(NpgsqlDataSource db, string unitCode)
    {
        await using var cmd = db.CreateCommand("""SELECT "Id" FROM "Units" WHERE "Code" = $1""");
        cmd.Parameters.AddWithValue(unitCode);
        return (int)(await cmd.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no unit '{unitCode}': was the app started with Demo__Seed=true?"));
    }

    /// <summary>The settings that decide what a commit costs, for the report.</summary>
    public static async Task<string> ServerSettingsAsync(NpgsqlDataSource db)
    {
        var names = new[] { "server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "commit_delay", "shared_buffers", "max_connections" };
        var values = new List<string>();
        foreach (var name in names)
        {
            await using var cmd = db.CreateCommand($"SHOW {name}");
            values.Add($"{name}={await cmd.ExecuteScalarAsync()}");
        }
        return "PostgreSQL: " + string.Join(", ", values);
    }

    public static async Task CreateDatabaseAsync(NpgsqlDataSource maintenance, string name, string? template = null)
    {
        // A template copies a database that is already migrated and seeded: no app start per database.
        await using var cmd = maintenance.CreateCommand($"CREATE DATABASE {Quote(name)}" + (template is null ? "" : $" TEMPLATE {Quote(template)}"));
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task DropDatabaseAsync(NpgsqlDataSource maintenance, string name)
    {
        await using var cmd = maintenance.CreateCommand($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)");
        await cmd.ExecuteNonQueryAsync();
    }

    private static string Quote(string identifier) => identifier.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        ? $"\"{identifier}\""
        : throw new ArgumentException($"database name '{identifier}': use letters, digits and _ only");

    public static NpgsqlDataSource DataSource(string connectionString, int connections)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = Math.Max(connections, 1) + 2,
            NoResetOnClose = true,
            ApplicationName = "PingYi.Benchmarks",
        };
        return NpgsqlDataSource.Create(csb.ConnectionString);
    }

    public static Task<Result> CeilingAsync(NpgsqlDataSource db, int unitId, int connections, TimeSpan warmup, TimeSpan duration, CpuMeter? cpu = null)
        => RunAsync("raw INSERT ceiling", connections, warmup, duration, cpu, db,
            (conn, runTag) => PreparedComplaintInsertAsync(conn, InsertComplaint, unitId, "BEN", runTag));

    /// <summary>
    /// The second ceiling: the rows one (anonymous) complaint writes — the complaint and its "submit" event — in one
    /// transaction, as one prepared statement (a data-modifying CTE, so the event gets the complaint's id without a
    /// second round trip), with a unique tracking number and no look-up or counter. The intake against it is the
    /// cost of our code; this against the single-row ceiling is the cost of our schema.
    /// </summary>
    public static Task<Result> ComplaintRowsAsync(NpgsqlDataSource db, int unitId, int connections, TimeSpan warmup, TimeSpan duration, CpuMeter? cpu = null)
        => RunAsync("raw SQL, a complaint's rows in one transaction", connections, warmup, duration, cpu, db,
            (conn, runTag) => PreparedComplaintInsertAsync(conn, "WITH c AS (" + InsertComplaint + """
                 RETURNING "Id", "SubmittedAtUtc")
                INSERT INTO "ComplaintEvents" ("ComplaintId", "AtUtc", "Action", "ActorId", "ActorRole", "FromStatus", "ToStatus", "PublicNote", "InternalNote", "Data")
                SELECT c."Id", c."SubmittedAtUtc", 'submit', NULL, 'complainant', NULL, 1, '已收到您反映的问题', NULL, NULL FROM c
                """, unitId, "ROW", runTag));

    /// <summary>
    /// Prepares <paramref name="sql"/> (whose parameters are <see cref="InsertComplaint"/>'s) on <paramref name="conn"/>
    /// and returns one operation: a complaint with a fresh tracking number <c>PREFIX-tag-n</c>, title and time.
    /// </summary>
    private static async Task<Func<Task>> PreparedComplaintInsertAsync(NpgsqlConnection conn, string sql, int unitId, string prefix, string runTag)
    {
        var insert = new NpgsqlCommand(sql, conn);
        var tracking = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar });
        var hash = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = unitId });
        var title = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = Workload.Description });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = Workload.Location });
        var now = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await insert.PrepareAsync();
        return async () =>
        {
            var n = Interlocked.Increment(ref _sequence);
            tracking.Value = $"{prefix}-{runTag}-{n:D9}";
            hash.Value = AccessCodeHash();
            title.Value = Workload.Title(runTag, n);
            now.Value = DateTime.UtcNow;
            await insert.ExecuteNonQueryAsync();
        };
    }

    /// <param name="counter">
    /// <c>row</c>: the app's counter, an upsert of one shared "TrackingCounters" row in its own transaction.
    /// <c>sequence</c>: a PostgreSQL sequence instead (what-if). <c>none</c>: no counter at all (what-if).
    /// </param>
    public static async Task<Result> AppShapeAsync(NpgsqlDataSource db, string unitCode, string counterKind, int connections, TimeSpan warmup, TimeSpan duration, CpuMeter? cpu = null)
    {
        var counterSql = counterKind switch
        {
            // Year 2099 so that the app's own counter is left alone; one row shared by every worker, as in the app.
            "row" => """
                INSERT INTO "TrackingCounters" ("Year", "LastValue") VALUES (2099, 1)
                ON CONFLICT ("Year") DO UPDATE SET "LastValue" = "TrackingCounters"."LastValue" + 1
                RETURNING "LastValue"
                """,
            "sequence" => "SELECT nextval('pingyi_bench_tracking')",
            "none" => null,
            _ => throw new ArgumentException($"--counter {counterKind}: use row, sequence or none"),
        };
        if (counterKind == "sequence")
        {
            await using var create = db.CreateCommand("CREATE SEQUENCE IF NOT EXISTS pingyi_bench_tracking");
            await create.ExecuteNonQueryAsync();
        }
        return await RunAsync($"raw SQL, app shape ({counterKind})", connections, warmup, duration, cpu, db, async (conn, runTag) =>
        {
            var unit = new NpgsqlCommand("""SELECT "Id" FROM "Units" WHERE "Code" = $1 LIMIT 1""", conn);
            unit.Parameters.AddWithValue(unitCode);
            var counter = counterSql is null ? null : new NpgsqlCommand(counterSql, conn);
            var complaint = new NpgsqlCommand(InsertComplaint + """ RETURNING "Id" """, conn);
            var tracking = complaint.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar });
            var hash = complaint.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar });
            var unitId = complaint.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer });
            var title = complaint.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar });
            complaint.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = Workload.Description });
            complaint.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = Workload.Location });
            var now = complaint.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz });
            var evt = new NpgsqlCommand("""
                INSERT INTO "ComplaintEvents" ("ComplaintId", "AtUtc", "Action", "ActorId", "ActorRole", "FromStatus", "ToStatus", "PublicNote", "InternalNote", "Data")
                VALUES ($1, $2, 'submit', NULL, 'complainant', NULL, 1, '已收到您反映的问题', NULL, NULL) RETURNING "Id"
                """, conn);
            var complaintId = evt.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
            var at = evt.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz });
            foreach (var c in new[] { unit, counter, complaint, evt })
            {
                if (c is not null)
                {
                    await c.PrepareAsync();
                }
            }
            return async () =>
            {
                var id = (int)(await unit.ExecuteScalarAsync())!;
                var n = counter is null ? Interlocked.Increment(ref _sequence) : (long)(await counter.ExecuteScalarAsync())!;
                await using var tx = await conn.BeginTransactionAsync();
                complaint.Transaction = tx;
                evt.Transaction = tx;
                tracking.Value = $"APP-{runTag}-{n:D9}";
                hash.Value = AccessCodeHash();
                unitId.Value = id;
                title.Value = Workload.Title(runTag, n);
                now.Value = at.Value = DateTime.UtcNow;
                complaintId.Value = (long)(await complaint.ExecuteScalarAsync())!;
                await evt.ExecuteScalarAsync();
                await tx.CommitAsync();
            };
        });
    }

    /// <summary>The same format and length as the app's salted SHA-256 access-code hash.</summary>
    private static string AccessCodeHash()
    {
        Span<byte> salt = stackalloc byte[16];
        RandomNumberGenerator.Fill(salt);
        var digest = SHA256.HashData(salt);
        return $"s256${Convert.ToBase64String(salt)}${Convert.ToBase64String(digest)}";
    }

    /// <summary>N workers, each on its own open connection, repeating one operation back to back.</summary>
    private static async Task<Result> RunAsync(
        string name, int connections, TimeSpan warmup, TimeSpan duration, CpuMeter? cpu, NpgsqlDataSource db,
        Func<NpgsqlConnection, string, Task<Func<Task>>> prepare)
    {
        var runTag = Guid.NewGuid().ToString("N")[..8];
        var conns = new NpgsqlConnection[connections];
        var operations = new Func<Task>[connections];
        for (var i = 0; i < connections; i++)
        {
            conns[i] = await db.OpenConnectionAsync();
            operations[i] = await prepare(conns[i], runTag);
        }
        try
        {
            var window = Window.Start(warmup, duration);
            var usage = cpu?.MeasureAsync(window);
            var recorders = Enumerable.Range(0, connections).Select(_ => new Recorder()).ToArray();
            await Task.WhenAll(Enumerable.Range(0, connections).Select(i => Task.Run(async () =>
            {
                while (!window.Over)
                {
                    var started = Stopwatch.GetTimestamp();
                    string? failure = null;
                    try
                    {
                        await operations[i]();
                    }
                    catch (PostgresException e)
                    {
                        failure = $"SQLSTATE {e.SqlState}";
                    }
                    if (window.Counts(started))
                    {
                        if (failure is null)
                        {
                            recorders[i].Success(Stopwatch.GetTimestamp() - started);
                        }
                        else
                        {
                            recorders[i].Failure(failure);
                        }
                    }
                }
            })));
            return Recorder.Merge(name, recorders, window.Measured, connections) with { Cpu = usage is null ? null : await usage };
        }
        finally
        {
            foreach (var c in conns)
            {
                await c.DisposeAsync();
            }
        }
    }
}
