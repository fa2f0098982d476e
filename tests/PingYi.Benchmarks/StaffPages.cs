using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace PingYi.Benchmarks;

/// <summary>
/// The staff pages on a large database (see <see cref="Generator"/>): each page and each list filter is asked
/// for one request at a time, as a signed-in supervisor or unit handler would, after a few unmeasured requests;
/// p50/p95/max per page. With <c>--plans FILE</c> and a PostgreSQL log (auto_explain loaded, the benchmark
/// role a superuser, <c>--pg-log</c>), one more request per page is made with auto_explain on, and the plans
/// of the statements that touch the complaint tables are written to FILE, flagged when they scan a table.
/// </summary>
internal static class StaffPages
{
    public const string Password = "PingYi-Demo-2020";
    public const double TargetP95Ms = 100;

    public sealed record PageResult(string Name, string Path, int Count, double P50, double P95, double Max, int Errors, string? Plans);

    public static async Task<List<PageResult>> RunAsync(Options o)
    {
        var url = o.RequireUrl();
        await using var db = NpgsqlDataSource.Create(o.Postgres ?? throw new ArgumentException("--pg is required"));
        await using var admin = o.PgAdmin is null ? null : NpgsqlDataSource.Create(o.PgAdmin);
        using var anonymous = HttpLoad.CreateClient(url, 4);
        var supervisor = await SignInAsync(anonymous, url, "supervisor@pingyi.local");
        // The handler of the demo unit with the most open cases: the fullest inbox a real account has.
        var unit = await ScalarAsync<string>(db, """
            SELECT u."Code" FROM "Complaints" c JOIN "Units" u ON u."Id" = c."UnitId"
            WHERE c."Status" = 3 AND u."Code" NOT LIKE 'g%' GROUP BY u."Code" ORDER BY COUNT(*) DESC LIMIT 1
            """);
        var handler = await SignInAsync(anonymous, url, $"{unit}@pingyi.local");
        var longCase = await ScalarAsync<string>(db, """
            SELECT c."TrackingNumber" FROM "Complaints" c
            WHERE c."Id" = (SELECT "ComplaintId" FROM "ComplaintEvents" GROUP BY "ComplaintId" HAVING COUNT(*) >= 50 LIMIT 1)
            """);
        var someNumber = await ScalarAsync<string>(db, """SELECT "TrackingNumber" FROM "Complaints" WHERE "Status" = 6 ORDER BY "Id" LIMIT 1 OFFSET 123456""");
        var cursor = await FirstCursorAsync(supervisor);
        var smallest = await ScalarAsync<string>(db, """
            SELECT u."Code" FROM "Units" u LEFT JOIN "Complaints" c ON c."UnitId" = u."Id"
            GROUP BY u."Code" ORDER BY COUNT(c."Id"), u."Code" LIMIT 1
            """);
        var today = DateTime.UtcNow.AddHours(8).Date;
        var pages = new List<(string Name, HttpClient Client, string Path)>
        {
            ("supervisor list", supervisor, "/staff/complaints"),
            ("list: status=submitted", supervisor, "/staff/complaints?status=submitted"),
            ("list: status=assigned", supervisor, "/staff/complaints?status=assigned"),
            ("list: status=under-review", supervisor, "/staff/complaints?status=under-review"),
            ("list: status=closed", supervisor, "/staff/complaints?status=closed"),
            ("list: unit (busiest)", supervisor, $"/staff/complaints?unit={unit}"),
            ("list: unit (smallest)", supervisor, $"/staff/complaints?unit={smallest}"),
            ("list: category", supervisor, "/staff/complaints?category=discipline"),
            ("list: overdue=true", supervisor, "/staff/complaints?overdue=true"),
            ("list: overdue=false", supervisor, "/staff/complaints?overdue=false"),
            ("list: from/to last month", supervisor, $"/staff/complaints?from={today.AddDays(-30):yyyy-MM-dd}&to={today:yyyy-MM-dd}"),
            ("list: from/to a month 3 years ago", supervisor, $"/staff/complaints?from={today.AddYears(-3):yyyy-MM-dd}&to={today.AddYears(-3).AddDays(30):yyyy-MM-dd}"),
            ("list: q=tracking number", supervisor, $"/staff/complaints?q={someNumber}"),
            ("list: q=text", supervisor, "/staff/complaints?q=" + Uri.EscapeDataString("层层加码")),
            ("list: status+unit+category+overdue", supervisor, $"/staff/complaints?status=assigned&unit={unit}&category=formalism&overdue=true"),
            ("list: second page (cursor)", supervisor, $"/staff/complaints?cursor={Uri.EscapeDataString(cursor)}"),
            ("supervisor inbox", supervisor, "/staff"),
            ("handler inbox", handler, "/staff"),
            ("handler list", handler, "/staff/complaints"),
            ("complaint page, 50-event timeline", supervisor, $"/staff/complaints/{longCase}"),
            ("督办台 /staff/oversight", supervisor, "/staff/oversight"),
            // A unit's evaluation page: its 得分说明 in this year's round (the generator opens it with every source's inputs).
            ("得分说明 (supervisor, busiest unit)", supervisor, $"/staff/scoring/{today.Year}/units/{unit}"),
            ("得分说明 (the unit's handler)", handler, $"/staff/scoring/{today.Year}/units/{unit}"),
        };

        Console.WriteLine($"staff pages — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {await ScalarAsync<long>(db, "SELECT COUNT(*) FROM \"Complaints\""):N0} complaints, " +
            $"handler {unit}@pingyi.local, long case {longCase}; {o.Requests} requests per page, one at a time, after 5 not counted");
        Console.WriteLine($"{"page",-40} {"p50 ms",8} {"p95 ms",8} {"max ms",8}  errors");
        var results = new List<PageResult>();
        foreach (var (name, client, path) in pages)
        {
            var times = new List<double>();
            var errors = 0;
            string? firstError = null;
            for (var i = 0; i < o.Requests + 5; i++)
            {
                var started = Stopwatch.GetTimestamp();
                HttpResponseMessage response;
                byte[] body;
                try
                {
                    response = await client.GetAsync(path.TrimStart('/'));
                    body = await response.Content.ReadAsByteArrayAsync();
                }
                catch (TaskCanceledException)
                {
                    // A timeout is an error of this page, not the end of the run.
                    errors++;
                    firstError ??= "timeout (30 s)";
                    continue;
                }
                using var _ = response;
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    errors++;
                    firstError ??= $"{(int)response.StatusCode} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(300, body.Length)))}";
                }
                else if (i >= 5)
                {
                    times.Add(ms);
                }
            }
            times.Sort();
            var r = new PageResult(name, path, times.Count, Percentile(times, 50), Percentile(times, 95), times.Count == 0 ? 0 : times[^1], errors, null);
            if (o.PgLog is not null && o.Plans is not null && admin is not null)
            {
                r = r with { Plans = await PlansAsync(admin, o.PgLog, client, path) };
            }
            results.Add(r);
            Console.WriteLine($"{name,-40} {r.P50,8:0.0} {r.P95,8:0.0} {r.Max,8:0.0}  {errors}{(firstError is null ? "" : "  first: " + firstError)}" +
                (r.Plans is { } p && ScansComplaints(p) ? "  SEQ SCAN of a complaint table" : ""));
        }
        var worst = results.MaxBy(r => r.P95)!;
        var scans = results.Where(r => r.Plans is { } p && ScansComplaints(p)).Select(r => r.Name).ToList();
        var lines = new List<string>
        {
            $"staff pages at {await ScalarAsync<long>(db, "SELECT COUNT(*) FROM \"Complaints\""):N0} complaints: {results.Count(r => r.P95 <= TargetP95Ms && r.Errors == 0)} of {results.Count} within p95 ≤ {TargetP95Ms:0} ms; worst {worst.Name} p95 {worst.P95:0.0} ms; errors {results.Sum(r => r.Errors)}",
            o.PgLog is null ? "plans not captured" : $"sequential scans of a complaint table: {(scans.Count == 0 ? "none" : string.Join(", ", scans))}",
        };
        lines.AddRange(results.Select(r => $"  {r.Name,-40} p50 {r.P50,7:0.0} ms  p95 {r.P95,7:0.0} ms{(r.P95 <= TargetP95Ms ? "" : "  > target")}"));
        if (o.Summary is not null)
        {
            await File.AppendAllLinesAsync(o.Summary, lines);
        }
        if (o.Plans is not null)
        {
            await File.WriteAllTextAsync(o.Plans, PlansMarkdown(results));
            Console.WriteLine($"plans written to {o.Plans}");
        }
        return results;
    }

    public static bool ScansComplaints(string plans) =>
        Regex.IsMatch(plans, @"Seq Scan on ""(Complaints|ComplaintEvents|ComplainantContacts|SupervisionNotices)""");

    private static string PlansMarkdown(List<PageResult> results)
    {
        var sb = new StringBuilder();
        foreach (var r in results)
        {
            sb.AppendLine($"#### {r.Name} — `GET {r.Path.Replace("`", "")}`");
            sb.AppendLine();
            sb.AppendLine($"p50 {r.P50:0.0} ms, p95 {r.P95:0.0} ms{(r.Plans is { } p && ScansComplaints(p) ? " — **sequential scan of a complaint table**" : "")}");
            sb.AppendLine();
            sb.AppendLine("```");
            sb.AppendLine(r.Plans?.TrimEnd() ?? "(no plans captured)");
            sb.AppendLine("```");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>One request with auto_explain logging every statement's plan (analysed, with buffers); returns those that read complaint tables.</summary>
    private static async Task<string> PlansAsync(NpgsqlDataSource db, string log, HttpClient client, string path)
    {
        await SetAutoExplainAsync(db, on: true);
        long offset;
        await using (var f = File.Open(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            offset = f.Length;
        }
        try
        {
            using var response = await client.GetAsync(path.TrimStart('/'));
            await response.Content.ReadAsByteArrayAsync();
        }
        finally
        {
            await SetAutoExplainAsync(db, on: false);
        }
        await Task.Delay(300);
        string text;
        await using (var f = File.Open(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            f.Seek(offset, SeekOrigin.Begin);
            text = await new StreamReader(f).ReadToEndAsync();
        }
        // Each entry starts with a log line prefix and "LOG:  duration: … plan:"; keep the ones about our tables.
        var entries = Regex.Split(text, @"(?m)^(?=\S.*LOG:  )")
            .Where(e => e.Contains("plan:", StringComparison.Ordinal))
            .Where(e => Regex.IsMatch(e, @"""(Complaints|ComplaintEvents|ComplainantContacts|SupervisionNotices)"""))
            .Where(e => !e.Contains("auto_explain", StringComparison.Ordinal))
            .Select(e => Regex.Replace(e, @"^.*?LOG:  ", "", RegexOptions.Singleline).TrimEnd());
        return string.Join("\n\n", entries);
    }

    private static async Task SetAutoExplainAsync(NpgsqlDataSource db, bool on)
    {
        var sql = on
            ? "ALTER SYSTEM SET auto_explain.log_min_duration = 0; ALTER SYSTEM SET auto_explain.log_analyze = on; ALTER SYSTEM SET auto_explain.log_buffers = on; SELECT pg_reload_conf();"
            : "ALTER SYSTEM RESET auto_explain.log_min_duration; ALTER SYSTEM RESET auto_explain.log_analyze; ALTER SYSTEM RESET auto_explain.log_buffers; SELECT pg_reload_conf();";
        await using var batch = db.CreateBatch();
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        }
        await batch.ExecuteNonQueryAsync();
        // The backends read the new setting when they next take a command after the signal.
        await Task.Delay(300);
    }

    private static async Task<string> FirstCursorAsync(HttpClient supervisor)
    {
        using var response = await supervisor.GetAsync("api/v1/complaints");
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("nextCursor").GetString() ?? throw new InvalidOperationException("no second page");
    }

    public static async Task<HttpClient> SignInAsync(HttpClient anonymous, Uri url, string email)
    {
        using var response = await anonymous.PostAsync("api/v1/auth/login", new StringContent(
            JsonSerializer.Serialize(new { email, password = Password }), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"sign-in of {email}: {(int)response.StatusCode} {body}");
        }
        var token = JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString();
        var client = HttpLoad.CreateClient(url, 16);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no result: {sql}"));
    }
}
