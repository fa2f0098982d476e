using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;

namespace PingYi.Benchmarks;

/// <summary>
/// Fills a migrated, demo-seeded PostgreSQL database with a provincial-scale history through binary COPY
/// (<see cref="NpgsqlBinaryImporter"/>): units up to <c>--units</c>, complaints spread over <c>--years</c> years
/// up to now with a realistic status mix, their contacts and their timelines (some of 50 events). The history
/// shape also writes each assigned complaint's handling record and, when the workflows define a round for this
/// year and the database has none, that round with its inputs, so the evaluation pages score over the history.
/// <para>
/// The column lists are read from the database (information_schema), so the generator follows the schema the
/// migrations made: a column it has no value for gets NULL, or a zero value when it is NOT NULL. Secondary
/// indexes and foreign keys of the filled tables are dropped for the load and re-created after it (one sort per
/// index and one join per key instead of a billion row-by-row updates), then the tables are analysed.
/// </para>
/// <para>
/// Two shapes: <c>history</c> (the staff pages: five years, mostly closed) and <c>open</c> (the timer sweep:
/// every complaint open and assigned, <c>--due</c> of them with a timer due now, no timelines).
/// </para>
/// </summary>
public static class Generator
{
    public sealed record Settings(int Complaints, int Units, int Years, string Shape, int Due, int LongTimelines, int Seed);

    /// <summary>A complaint as the generator decides it; the column writers read from it.</summary>
    private sealed class Row
    {
        public long Id;
        public string TrackingNumber = "";
        public int UnitId;
        public int Category;
        public int Channel;
        public string Title = "";
        public string Description = "";
        public string? Location;
        public bool Anonymous;
        public int Status;
        public DateTime Submitted;
        public DateTime? Due;
        public DateTime? NextTimer;
        public DateTime? Assigned;
        public int PendingRequest;
        public int? PendingExtensionDays;
        public DateTime? Responded;
        public bool RespondedLate;
        public int? Quality;
        public DateTime? Approved;
        public int? Satisfaction;
        public DateTime? Closed;
        public DateTime Updated;
        public bool DeadlineReminderSent;
        public int EscalationLevelNotified;
        public int TimelineLength;
    }

    private sealed record Event(long Id, long ComplaintId, DateTime At, string Action, string Role, int? From, int? To, string? PublicNote, string? InternalNote);

    private const int Submitted = 1, Declined = 2, Assigned = 3, UnderReview = 4, AwaitingFeedback = 5, Closed = 6;

    private static readonly string[] Titles =
    [
        "窗口办事要求重复提交材料", "检查考核过多过频，基层疲于应付", "会议文件层层加码", "政务服务热线多次无人接听",
        "审批事项超时未办结", "工作时间办事窗口无人", "督查检查要求留痕过度", "项目验收迟迟不予办理",
        "社保转移手续往返多次", "执法人员态度生硬", "公示信息长期未更新", "承诺事项未兑现",
    ];

    private static readonly string[] Places = ["省政务服务中心", "长春市某区", "吉林市政务大厅", "四平市", "延边州", "通化市某街道", null!];

    public static async Task RunAsync(string connectionString, Settings s)
    {
        var total = Stopwatch.StartNew();
        var csb = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0, ApplicationName = "PingYi.Benchmarks generator" };
        await using var db = NpgsqlDataSource.Create(csb.ConnectionString);
        var now = DateTime.UtcNow;
        Console.WriteLine($"generator: {s.Complaints:N0} complaints, shape {s.Shape}, {s.Units} units, {s.Years} years up to {now:yyyy-MM-dd HH:mm} UTC" +
            (s.Shape == "open" ? $", {s.Due:N0} due now" : $", {s.LongTimelines} timelines of 50 events"));

        var unitIds = await EnsureUnitsAsync(db, s.Units);
        var firstId = await ScalarAsync<long>(db, """SELECT COALESCE(MAX("Id"), 0) + 1 FROM "Complaints" """);
        var firstEventId = await ScalarAsync<long>(db, """SELECT COALESCE(MAX("Id"), 0) + 1 FROM "ComplaintEvents" """);

        var tables = new[] { "Complaints", "ComplaintEvents", "ComplainantContacts" };
        var dropped = await DropIndexesAndKeysAsync(db, tables);
        Console.WriteLine($"generator: dropped {dropped.Count} secondary indexes and foreign keys for the load");

        var complaintColumns = await ColumnsAsync(db, "Complaints");
        var eventColumns = await ColumnsAsync(db, "ComplaintEvents");
        var contactColumns = await ColumnsAsync(db, "ComplainantContacts");

        var rng = new Random(s.Seed);
        var accessHash = AccessHashSample();
        var loadWatch = Stopwatch.StartNew();
        long events = 0, contacts = 0;
        var perYear = await LastNumbersAsync(db);

        // Three COPY streams on three connections, fed from one pass over the complaints.
        await using var cConn = await db.OpenConnectionAsync();
        await using var eConn = await db.OpenConnectionAsync();
        await using var kConn = await db.OpenConnectionAsync();
        await using (var complaintsCopy = await cConn.BeginBinaryImportAsync(CopyCommand("Complaints", complaintColumns)))
        await using (var eventsCopy = await eConn.BeginBinaryImportAsync(CopyCommand("ComplaintEvents", eventColumns)))
        await using (var contactsCopy = await kConn.BeginBinaryImportAsync(CopyCommand("ComplainantContacts", contactColumns)))
        {
            var span = TimeSpan.FromDays(365.25 * s.Years);
            var start = now - span;
            var longLeft = s.LongTimelines;
            var eventId = firstEventId;
            // The due rows of the open shape, spread evenly over the id range (not clustered at one end).
            var dueEvery = s.Due > 0 ? Math.Max(1, s.Complaints / s.Due) : int.MaxValue;
            var dueLeft = s.Due;
            for (var i = 0; i < s.Complaints; i++)
            {
                // Complaints arrive in id order over the years, with a little jitter.
                var submitted = start + span * ((i + rng.NextDouble()) / s.Complaints);
                if (submitted > now) submitted = now.AddSeconds(-1);
                var r = new Row
                {
                    Id = firstId + i,
                    UnitId = unitIds[Skewed(rng, unitIds.Count)],
                    Category = 1 + rng.Next(6),
                    Channel = rng.Next(10) < 7 ? 1 : 2,
                    Anonymous = rng.Next(10) < 4,
                    Submitted = Utc(submitted),
                };
                var year = ChinaYear(r.Submitted);
                perYear[year] = perYear.GetValueOrDefault(year) + 1;
                // The app's own format, numbered on from what the year already has; its sequences are moved past
                // these numbers at the end, so the app's next intake does not collide with them.
                r.TrackingNumber = PingYi.Domain.Complaints.TrackingNumber.Format(year, perYear[year]);
                r.Title = Titles[rng.Next(Titles.Length)] + $"（{r.Id}）";
                r.Description = Workload.Description;
                r.Location = Places[rng.Next(Places.Length)];
                if (s.Shape == "open")
                {
                    var due = dueLeft > 0 && i % dueEvery == dueEvery / 2;
                    if (due) dueLeft--;
                    OpenCase(r, now, due, rng);
                }
                else
                {
                    HistoryCase(r, now, rng);
                    // Long timelines on cases a few weeks into handling, spread over the recent ones.
                    if (longLeft > 0 && r.Status == Assigned && now - r.Submitted > TimeSpan.FromDays(10) && i % 7 == 0)
                    {
                        r.TimelineLength = 50;
                        longLeft--;
                    }
                }
                await WriteRowAsync(complaintsCopy, complaintColumns, ComplaintValue, r, accessHash);
                if (!r.Anonymous)
                {
                    await WriteRowAsync(contactsCopy, contactColumns, ContactValue, r, accessHash);
                    contacts++;
                }
                if (s.Shape != "open")
                {
                    foreach (var e in Timeline(r, ref eventId, rng))
                    {
                        await WriteRowAsync(eventsCopy, eventColumns, EventValue, e, accessHash);
                        events++;
                    }
                }
                if ((i + 1) % 200_000 == 0)
                {
                    Console.WriteLine($"generator: {i + 1:N0} complaints, {events:N0} events, {loadWatch.Elapsed.TotalSeconds:0} s");
                }
            }
            await complaintsCopy.CompleteAsync();
            await eventsCopy.CompleteAsync();
            await contactsCopy.CompleteAsync();
        }
        var load = loadWatch.Elapsed;
        Console.WriteLine($"generator: COPY of {s.Complaints:N0} complaints, {events:N0} events, {contacts:N0} contacts took {load.TotalSeconds:0.0} s");

        var indexWatch = Stopwatch.StartNew();
        foreach (var ddl in dropped)
        {
            await ExecAsync(db, ddl);
        }
        await ExecAsync(db, """SELECT setval(pg_get_serial_sequence('"Complaints"', 'Id'), (SELECT MAX("Id") FROM "Complaints"))""");
        await ExecAsync(db, """SELECT setval(pg_get_serial_sequence('"ComplaintEvents"', 'Id'), GREATEST((SELECT MAX("Id") FROM "ComplaintEvents"), 1))""");
        foreach (var (year, last) in perYear)
        {
            // The app's per-year tracking sequence (TrackingNumbers.NextAsync on PostgreSQL) continues after these.
            await ExecAsync(db, $"CREATE SEQUENCE IF NOT EXISTS \"tracking_number_{year}\"");
            await ExecAsync(db, $"SELECT setval('\"tracking_number_{year}\"', GREATEST({last}, (SELECT last_value FROM \"tracking_number_{year}\")))");
        }
        Console.WriteLine($"generator: indexes and foreign keys re-created in {indexWatch.Elapsed.TotalSeconds:0.0} s");
        if (s.Shape != "open")
        {
            await AddEvaluationAsync(csb.ConnectionString, db, now);
        }
        var analyze = Stopwatch.StartNew();
        foreach (var t in tables.Append("Units").Append("HandlingRecords"))
        {
            // VACUUM sets the visibility map, so index-only scans work as they would on an aged database.
            await ExecAsync(db, $"VACUUM (ANALYZE) \"{t}\"");
        }
        Console.WriteLine($"generator: VACUUM ANALYZE in {analyze.Elapsed.TotalSeconds:0.0} s");
        var size = await ScalarAsync<string>(db, "SELECT pg_size_pretty(pg_database_size(current_database()))");
        Console.WriteLine($"generator: done in {total.Elapsed.TotalSeconds:0.0} s ({total.Elapsed.TotalMinutes:0.0} min); database size {size}");
    }

    /// <summary>The pages' dataset: five years, most cases closed, the recent weeks in every open state.</summary>
    private static void HistoryCase(Row r, DateTime now, Random rng)
    {
        var age = now - r.Submitted;
        var p = rng.NextDouble();
        int status;
        if (age < TimeSpan.FromDays(3))
        {
            status = p < 0.45 ? Submitted : Assigned;
        }
        else if (age < TimeSpan.FromDays(30))
        {
            status = p < 0.55 ? Assigned : p < 0.70 ? UnderReview : p < 0.85 ? AwaitingFeedback : p < 0.95 ? Closed : Declined;
        }
        else if (age < TimeSpan.FromDays(60))
        {
            status = p < 0.02 ? Assigned : p < 0.04 ? UnderReview : p < 0.08 ? AwaitingFeedback : p < 0.92 ? Closed : Declined;
        }
        else
        {
            // A small tail of cases stuck with a unit for months: the 督办台's long-overdue rows.
            status = p < 0.0001 ? Assigned : p < 0.92 ? Closed : Declined;
        }
        r.Status = status;
        r.Updated = r.Submitted;
        if (status == Submitted)
        {
            r.Due = r.Submitted.AddDays(4);
            r.NextTimer = r.Due;
            return;
        }
        if (status == Declined)
        {
            r.Closed = Min(now, r.Submitted.AddHours(4 + rng.Next(60)));
            r.Updated = r.Closed.Value;
            return;
        }
        r.Assigned = Min(now, r.Submitted.AddHours(2 + rng.Next(48)));
        r.Due = r.Assigned.Value.AddDays(21);
        r.Updated = r.Assigned.Value;
        if (status == Assigned)
        {
            // Mostly within their deadline; about one in twenty past it (already notified as overdue).
            if (age < TimeSpan.FromDays(30) && rng.Next(20) != 0)
            {
                r.Due = Max(r.Due.Value, now.AddDays(1 + rng.Next(14)));
            }
            else if (age < TimeSpan.FromDays(30))
            {
                r.Due = now.AddDays(-1 - rng.Next(9));
            }
            var overdue = r.Due <= now;
            r.DeadlineReminderSent = overdue || r.Due < now.AddDays(3);
            r.EscalationLevelNotified = overdue ? ((now - r.Due.Value).TotalDays > 20 ? 3 : (now - r.Due.Value).TotalDays > 7 ? 2 : 1) : 0;
            r.NextTimer = overdue ? now.AddDays(1 + rng.Next(7)) : r.Due.Value.AddDays(-3) > now ? r.Due.Value.AddDays(-3) : r.Due;
            if (rng.Next(30) == 0)
            {
                r.PendingRequest = 1 + rng.Next(2);
                r.PendingExtensionDays = r.PendingRequest == 2 ? 10 : null;
            }
            return;
        }
        r.Responded = Min(now, r.Assigned.Value.AddDays(1 + rng.NextDouble() * 20));
        r.RespondedLate = r.Responded > r.Due;
        r.Updated = r.Responded.Value;
        r.DeadlineReminderSent = true;
        if (status == UnderReview)
        {
            return;
        }
        r.Approved = Min(now, r.Responded.Value.AddHours(1 + rng.Next(72)));
        r.Quality = 3 + rng.Next(3);
        r.Updated = r.Approved.Value;
        if (status == AwaitingFeedback)
        {
            // Most wait for the citizen's rating; one in ten was rated 不满意 and waits for the supervisors.
            r.Satisfaction = rng.Next(10) == 0 ? 3 : null;
            r.NextTimer = r.Satisfaction is null ? r.Approved.Value.AddDays(14) : null;
            return;
        }
        r.Closed = Min(now, r.Approved.Value.AddDays(rng.NextDouble() * 10));
        r.Satisfaction = 1 + rng.Next(3);
        r.Updated = r.Closed.Value;
    }

    /// <summary>The sweep's dataset: every case assigned and open; the due ones passed their handling deadline just now.</summary>
    private static void OpenCase(Row r, DateTime now, bool due, Random rng)
    {
        r.Status = Assigned;
        r.Assigned = r.Submitted.AddHours(2);
        if (due)
        {
            // Deadline passed within the last hour: the overdue notice is the one timer due.
            r.Due = now.AddMinutes(-1 - rng.Next(60));
            r.DeadlineReminderSent = true;
            r.NextTimer = r.Due;
        }
        else
        {
            // Not due: the next timer is days ahead (the reminder before a deadline weeks away).
            r.Due = now.AddDays(10 + rng.Next(20));
            r.NextTimer = r.Due.Value.AddDays(-5);
        }
        r.Updated = r.Assigned.Value;
    }

    private static IEnumerable<Event> Timeline(Row r, ref long nextId, Random rng)
    {
        var list = new List<Event>(8);
        var id = nextId;
        void Add(DateTime at, string action, string role, int? from, int? to, string? pub = null, string? internalNote = null) =>
            list.Add(new Event(id++, r.Id, at, action, role, from, to, pub, internalNote));
        Add(r.Submitted, "submit", "complainant", null, Submitted);
        if (r.Status == Declined)
        {
            Add(r.Closed!.Value, "decline", "supervisor", Submitted, Declined, "经审查，所反映问题不属于受理范围，建议向有关部门反映。");
        }
        if (r.Assigned is { } assigned)
        {
            Add(assigned, "assign", "supervisor", Submitted, Assigned, null, "请按期办理并报告。");
        }
        if (r.TimelineLength > 0)
        {
            // A long case: supplements from the citizen, 催办 and extension requests back and forth.
            var at = r.Assigned!.Value;
            var step = (DateTime.UtcNow - at) / (r.TimelineLength + 1);
            for (var k = list.Count; k < r.TimelineLength - (r.Responded is null ? 0 : 1); k++)
            {
                at += step;
                switch (k % 3)
                {
                    case 0: Add(at, "supplement", "complainant", null, null, "补充说明：情况仍未改善，附上新的经过。"); break;
                    case 1: Add(at, "urge", "supervisor", null, null, null, "请加快办理，尽快报告进展。"); break;
                    default: Add(at, "request-extension", "unit-handler", null, null, null, "情况复杂，申请延期 5 个工作日。"); break;
                }
            }
        }
        if (r.Responded is { } responded)
        {
            Add(responded, "respond", "unit-handler", Assigned, UnderReview, null, "已核实并整改，详见报告。");
        }
        if (r.Approved is { } approved)
        {
            Add(approved, "approve", "supervisor", UnderReview, AwaitingFeedback, "经核查，反映的问题已整改。");
        }
        if (r.Status == Closed && r.Closed is { } closed)
        {
            Add(closed, "feedback", "complainant", AwaitingFeedback, Closed);
        }
        nextId = id;
        return list;
    }

    private static object? ComplaintValue(string column, Row r, string accessHash) => column switch
    {
        "Id" => r.Id,
        "TrackingNumber" => r.TrackingNumber,
        "AccessCodeHash" => accessHash,
        "Channel" => r.Channel,
        "Category" => r.Category,
        "UnitId" => r.UnitId,
        "Title" => r.Title,
        "Description" => r.Description,
        "Location" => r.Location,
        "Anonymous" => r.Anonymous,
        "Status" => r.Status,
        "WorkflowId" => "complaint-handling",
        "WorkflowVersion" => 2,
        "SubmittedAtUtc" => r.Submitted,
        "DueAtUtc" => r.Due,
        "NextTimerAtUtc" => r.NextTimer,
        "AssignedAtUtc" => r.Assigned,
        "PendingRequest" => r.PendingRequest,
        "PendingExtensionDays" => r.PendingExtensionDays,
        "ResponseFindings" => r.Responded is null ? null : "经核查，反映情况基本属实。",
        "ResponseMeasures" => r.Responded is null ? null : "已约谈相关人员，精简材料要求。",
        "PublicReply" => r.Approved is null ? null : "您反映的问题已核实整改，感谢监督。",
        "RespondedAtUtc" => r.Responded,
        "RespondedLate" => r.RespondedLate,
        "QualityRating" => r.Quality,
        "ApprovedAtUtc" => r.Approved,
        "Satisfaction" => r.Satisfaction,
        "ClosedAtUtc" => r.Closed,
        "UpdatedAtUtc" => r.Updated,
        "AcceptOverdueNotified" => false,
        "DeadlineReminderSent" => r.DeadlineReminderSent,
        "EscalationLevelNotified" => r.EscalationLevelNotified,
        _ => Missing.Value,
    };

    private static object? ContactValue(string column, Row r, string _) => column switch
    {
        "ComplaintId" => r.Id,
        "Name" => "张" + (r.Id % 97),
        "Phone" => "138" + (r.Id % 100_000_000).ToString("D8"),
        "Email" => r.Id % 3 == 0 ? $"c{r.Id}@example.com" : null,
        _ => Missing.Value,
    };

    private static object? EventValue(string column, Event e, string _) => column switch
    {
        "Id" => e.Id,
        "ComplaintId" => e.ComplaintId,
        "AtUtc" => e.At,
        "Action" => e.Action,
        "ActorId" => null,
        "ActorRole" => e.Role,
        "FromStatus" => e.From,
        "ToStatus" => e.To,
        "PublicNote" => e.PublicNote,
        "InternalNote" => e.InternalNote,
        _ => Missing.Value,
    };

    /// <summary>Marks a column the generator has no value for.</summary>
    private sealed class Missing
    {
        public static readonly Missing Value = new();
    }

    private sealed record Column(string Name, string DataType, bool Nullable, NpgsqlDbType Type);

    private static async Task WriteRowAsync<T>(NpgsqlBinaryImporter copy, IReadOnlyList<Column> columns, Func<string, T, string, object?> value, T row, string accessHash)
    {
        await copy.StartRowAsync();
        foreach (var c in columns)
        {
            var v = value(c.Name, row, accessHash);
            if (v is Missing)
            {
                v = c.Nullable ? null : ZeroOf(c);
            }
            if (v is not null && c.Type == NpgsqlDbType.Unknown)
            {
                throw new NotSupportedException($"column {c.Name}: type {c.DataType} is not known to the generator");
            }
            if (v is null)
            {
                await copy.WriteNullAsync();
            }
            else
            {
                await copy.WriteAsync(v, c.Type);
            }
        }
    }

    private static object ZeroOf(Column c) => c.Type switch
    {
        NpgsqlDbType.Bigint => 0L,
        NpgsqlDbType.Integer => 0,
        NpgsqlDbType.Smallint => (short)0,
        NpgsqlDbType.Boolean => false,
        NpgsqlDbType.TimestampTz => DateTime.UnixEpoch,
        NpgsqlDbType.Numeric => 0m,
        NpgsqlDbType.Double => 0d,
        _ => "",
    };

    private static async Task<List<Column>> ColumnsAsync(NpgsqlDataSource db, string table)
    {
        await using var cmd = db.CreateCommand("""
            SELECT column_name, data_type, is_nullable = 'YES', is_generated <> 'NEVER'
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position
            """);
        cmd.Parameters.AddWithValue(table);
        var list = new List<Column>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (reader.GetBoolean(3))
            {
                continue;
            }
            var type = reader.GetString(1) switch
            {
                "bigint" => NpgsqlDbType.Bigint,
                "integer" => NpgsqlDbType.Integer,
                "smallint" => NpgsqlDbType.Smallint,
                "boolean" => NpgsqlDbType.Boolean,
                "timestamp with time zone" => NpgsqlDbType.TimestampTz,
                "date" => NpgsqlDbType.Date,
                "numeric" => NpgsqlDbType.Numeric,
                "double precision" => NpgsqlDbType.Double,
                "bytea" => NpgsqlDbType.Bytea,
                "character varying" => NpgsqlDbType.Varchar,
                "text" => NpgsqlDbType.Text,
                // Checked when a value is written: the units are copied in SQL and need only the names.
                _ => NpgsqlDbType.Unknown,
            };
            list.Add(new Column(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), type));
        }
        return list;
    }

    private static string CopyCommand(string table, IEnumerable<Column> columns) =>
        $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)";

    /// <summary>Drops the secondary indexes and the foreign keys of the tables (not the primary keys); returns the DDL that re-creates them.</summary>
    private static async Task<List<string>> DropIndexesAndKeysAsync(NpgsqlDataSource db, string[] tables)
    {
        var recreate = new List<string>();
        var drops = new List<string>();
        await using (var cmd = db.CreateCommand("""
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' AND (conrelid::regclass::text = ANY($1) OR confrelid::regclass::text = ANY($1))
            """))
        {
            cmd.Parameters.AddWithValue(tables.Select(t => $"\"{t}\"").ToArray());
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                drops.Add($"ALTER TABLE {reader.GetString(0)} DROP CONSTRAINT \"{reader.GetString(1)}\"");
                recreate.Add($"ALTER TABLE {reader.GetString(0)} ADD CONSTRAINT \"{reader.GetString(1)}\" {reader.GetString(2)}");
            }
        }
        var indexes = new List<string>();
        await using (var cmd = db.CreateCommand("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i WHERE NOT i.indisprimary AND i.indrelid::regclass::text = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """))
        {
            cmd.Parameters.AddWithValue(tables.Select(t => $"\"{t}\"").ToArray());
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                drops.Add($"DROP INDEX {reader.GetString(0)}");
                indexes.Add(reader.GetString(1));
            }
        }
        foreach (var ddl in drops)
        {
            await ExecAsync(db, ddl);
        }
        // Indexes first (the keys' checks use them), then the keys.
        return [.. indexes, .. recreate];
    }

    /// <summary>
    /// The handling record of every assigned complaint that has none (one handling round each: the generated cases are
    /// never transferred or sent back), as the app keeps it, and this year's round with its inputs if it is missing.
    /// One set-based INSERT rather than the app's <c>HandlingRecordBackfill</c>: that one replays each complaint through
    /// the aggregate in batches of 200 and runs once per database (the demo seed already completed it here), and the
    /// generated deadlines need no working-day count beyond this approximation of the late ones.
    /// </summary>
    private static async Task AddEvaluationAsync(string connectionString, NpgsqlDataSource db, DateTime now)
    {
        var watch = Stopwatch.StartNew();
        await using (var cmd = db.CreateCommand("""
            INSERT INTO "HandlingRecords" ("ComplaintId", "Round", "Attempt", "UnitId", "StartedBy", "AssignedAtUtc", "StartedAtUtc",
                "DueAtUtc", "InitialDueAtUtc", "ExtensionsGranted", "ExtensionWorkingDays", "RespondedAtUtc", "StoppedAtUtc", "Late",
                "WorkingDaysLate", "ApprovedAtUtc", "QualityRating", "Satisfaction", "RatedAtUtc", "ReturnRequests", "ReturnsRejected",
                "SupervisionNotices", "SupervisionAnsweredInTime", "SupervisionAnsweredLate")
            SELECT c."Id", 1, 1, c."UnitId", $1, c."AssignedAtUtc", c."AssignedAtUtc", c."DueAtUtc", c."DueAtUtc", 0, 0,
                c."RespondedAtUtc", c."RespondedAtUtc", c."RespondedLate",
                CASE WHEN c."RespondedLate" THEN ceil(extract(epoch FROM c."RespondedAtUtc" - c."DueAtUtc") / 86400 * 5 / 7)::int ELSE 0 END,
                c."ApprovedAtUtc", c."QualityRating", c."Satisfaction",
                CASE WHEN c."Satisfaction" IS NOT NULL THEN COALESCE(c."ClosedAtUtc", c."ApprovedAtUtc") END, 0, 0, 0, 0, 0
            FROM "Complaints" c
            WHERE c."AssignedAtUtc" IS NOT NULL AND c."DueAtUtc" IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM "HandlingRecords" h WHERE h."ComplaintId" = c."Id")
            """))
        {
            cmd.Parameters.AddWithValue((int)PingYi.Domain.Complaints.HandlingStart.Assign);
            var rows = await cmd.ExecuteNonQueryAsync();
            Console.WriteLine($"generator: {rows:N0} handling-record rows in {watch.Elapsed.TotalSeconds:0.0} s");
        }

        var year = ChinaYear(now);
        var workflows = Path.Combine(ChannelScoreBench.FindRoot(), "workflows");
        var definition = EvaluationRoundLoader.LoadDirectory(Path.Combine(workflows, "evaluation")).SingleOrDefault(d => d.Year == year);
        if (definition is null)
        {
            Console.WriteLine($"generator: the workflows define no {year} evaluation round; no round added");
            return;
        }
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPingYiDatabase(new DatabaseSettings(DatabaseProvider.Postgres, connectionString));
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        if (await context.EvaluationRounds.AnyAsync(r => r.Year == year))
        {
            Console.WriteLine($"generator: the {year} evaluation round exists; its inputs are left as they are");
            return;
        }
        var round = new EvaluationRound(year, ChinaTime.StartOfDayUtc(definition.PeriodStart));
        context.EvaluationRounds.Add(round);
        await context.SaveChangesAsync();
        var units = await context.Units.Where(u => u.Active).OrderBy(u => u.Id).ToListAsync();
        var user = await context.Users.OrderBy(u => u.Email != "supervisor@pingyi.local").ThenBy(u => u.Id).Select(u => u.Id).FirstAsync();
        ScoringBench.AddRoundInputs(context, round, definition, units, user, now.AddDays(-1), new Random(7));
        await context.SaveChangesAsync();
        Console.WriteLine($"generator: the {year} evaluation round with the inputs of {units.Count} units");
    }

    /// <summary>The highest number each year already has (the demo seed's complaints), so generated ones follow them.</summary>
    private static async Task<Dictionary<int, long>> LastNumbersAsync(NpgsqlDataSource db)
    {
        var last = new Dictionary<int, long>();
        await using var cmd = db.CreateCommand("""
            SELECT split_part("TrackingNumber", '-', 2)::int, MAX(split_part("TrackingNumber", '-', 3)::bigint)
            FROM "Complaints" WHERE "TrackingNumber" ~ '^[A-Z]+-[0-9]{4}-[0-9]+$' GROUP BY 1
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            last[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        return last;
    }

    private static async Task<List<int>> EnsureUnitsAsync(NpgsqlDataSource db, int units)
    {
        var have = await ScalarAsync<long>(db, """SELECT COUNT(*) FROM "Units" """);
        if (have == 0)
        {
            throw new InvalidOperationException("no units: start the app once with Demo__Seed=true on this database first");
        }
        if (have < units)
        {
            // Copies of the first unit with their own code and name; every other column as the first unit has it.
            var columns = (await ColumnsAsync(db, "Units")).Where(c => c.Name != "Id").Select(c => c.Name).ToList();
            var select = columns.Select(c => c switch
            {
                "Code" => "'g' || lpad(n::text, 3, '0')",
                "Name" => "'生成单位' || n",
                "ContactEmails" when columns.Contains("ContactEmails") => "ARRAY['g' || lpad(n::text, 3, '0') || '@pingyi.local']",
                _ => $"\"{c}\"",
            });
            await ExecAsync(db, $"""
                INSERT INTO "Units" ({string.Join(", ", columns.Select(c => $"\"{c}\""))})
                SELECT {string.Join(", ", select)} FROM "Units", generate_series(1, {units - have}) AS n
                WHERE "Id" = (SELECT MIN("Id") FROM "Units")
                """);
        }
        var ids = new List<int>();
        await using var cmd = db.CreateCommand("""SELECT "Id" FROM "Units" ORDER BY "Id" LIMIT $1""");
        cmd.Parameters.AddWithValue(units);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }
        return ids;
    }

    /// <summary>Some units get far more complaints than others (a service hall against a small office): a mild skew.</summary>
    private static int Skewed(Random rng, int count) => (int)(count * Math.Pow(rng.NextDouble(), 1.6));

    private static int ChinaYear(DateTime utc) => utc.AddHours(8).Year;

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    /// <summary>A hash of the app's format and length, so the rows are the size real ones are (no one can sign in with it).</summary>
    private static string AccessHashSample() => PingYi.Domain.Complaints.AccessCode.Hash(PingYi.Domain.Complaints.AccessCode.Generate());

    private static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
