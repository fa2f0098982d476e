using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;

namespace PingYi.Benchmarks;

/// <summary>
/// Issue 26: something goes away under load and the app must carry on. Writers lodge complaints back to back (closed
/// loop) against one or more URLs; after <c>--before</c> seconds a shell command does the damage (<c>pg_ctl restart -m
/// fast</c>, stopping a primary and promoting its replica, stopping one of two nodes behind nginx) while the admin
/// runs the timer sweep at the same moment; the load goes on until the first 201 after the command ended plus
/// <c>--after</c> seconds. Then: every answer counted (201, 503 with and without Retry-After, anything else), every
/// acknowledged complaint looked up in the database and a sample through the public API with its access code, the
/// seconds to recover, and the timers due before the run fired exactly once (events written during the run, counted
/// per complaint and action). Run by tests/PingYi.Benchmarks/run.sh (parts restart, failover, twonode).
/// </summary>
public static class Outage
{
    private const string Usage = """
        usage: PingYi.Benchmarks outage --url URL[,URL…] --pg CONN --disrupt "shell command" [options]
          --label NAME     the summary line's name (outage)
          --writers N      concurrent writers, each on the URLs in turn (4)
          --before S       seconds of load before the command (8)
          --after S        seconds of load after the first 201 that follows the command (8)
          --timeout S      give up when no 201 comes within S seconds of the command's end (120)
          --insecure       accept the proxy's self-signed certificate (https URLs)
          --summary FILE   append the summary line there
          --setup "cmd"    a shell command run after the timeline is marked and before the load (e.g. making timers due), so
                           that whatever it makes due counts however soon a node's own sweep fires it
        A node's answers are attributed by the X-PingYi-Upstream response header when the proxy sets one.
        """;

    private sealed record Answer(double At, int Status, bool RetryAfter, string? Upstream);

    private sealed class Settings
    {
        public List<Uri> Urls { get; } = [];
        public string? Postgres { get; set; }
        public string? Disrupt { get; set; }
        public string Label { get; set; } = "outage";
        public int Writers { get; set; } = 4;
        public double Before { get; set; } = 8;
        public double After { get; set; } = 8;
        public double Timeout { get; set; } = 120;
        public bool Insecure { get; set; }
        public string? Summary { get; set; }
        public string? Setup { get; set; }
    }

    public static async Task<int> MainAsync(string[] args)
    {
        Settings s;
        try
        {
            s = Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        long eventMark, dueBefore;
        await using (var before = NpgsqlDataSource.Create(s.Postgres!))
        {
            eventMark = await ScalarAsync(before, """SELECT COALESCE(MAX("Id"), 0) FROM "ComplaintEvents" """);
            if (s.Setup is not null)
            {
                await RunShellAsync(s.Setup);
            }
            dueBefore = await ScalarAsync(before, """SELECT COUNT(*) FROM "Complaints" WHERE "NextTimerAtUtc" <= now()""");
        }
        var clients = s.Urls.Select(u => Client(u, s.Writers + 4, s.Insecure)).ToList();
        using var admin = Client(s.Urls[0], 2, s.Insecure);
        admin.Timeout = TimeSpan.FromMinutes(5);
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await AccessTokenAsync(clients[0], "admin@pingyi.local"));

        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentQueue<Answer>();
        var acknowledged = new ConcurrentQueue<(string Number, string Code)>();
        var others = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, s.Writers).Select(w => Task.Run(() => WriteAsync(w))).ToList();

        await Task.Delay(TimeSpan.FromSeconds(s.Before));
        var sweepDuring = SweepAsync(admin);
        var disruptStart = clock.Elapsed.TotalSeconds;
        var disruptOutput = await RunShellAsync(s.Disrupt!);
        var disruptEnd = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{s.Label}: the command ran from +{disruptStart:0.00} s to +{disruptEnd:0.00} s{(disruptOutput.Length > 0 ? ": " + disruptOutput : "")}");
        double? recovered = null;
        while (recovered is null && clock.Elapsed.TotalSeconds < disruptEnd + s.Timeout)
        {
            recovered = answers.Where(a => a.Status == 201 && a.At >= disruptEnd).Select(a => (double?)a.At).Min();
            await Task.Delay(50);
        }
        await Task.Delay(TimeSpan.FromSeconds(s.After));
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        var sweepDuringAnswer = await sweepDuring;
        // Whatever the sweep during the damage could not do, a sweep afterwards does; each timer still fires once.
        var sweepAfterAnswer = await SweepAsync(admin);

        var all = answers.ToList();
        var numbers = acknowledged.ToList();
        // This tool's own pooled connections did not survive the damage either: checked on fresh ones (after a
        // failover, to whichever host is the primary now).
        await using var db = NpgsqlDataSource.Create(s.Postgres!);
        var found = await FoundAsync(db, numbers.Select(n => n.Number).ToArray());
        var lost = numbers.Count - found;
        var sampleFailures = await LookupSampleAsync(clients, numbers);
        var dueAfter = await ScalarAsync(db, """SELECT COUNT(*) FROM "Complaints" WHERE "NextTimerAtUtc" <= now() - interval '2 minutes'""");
        var fired = await ScalarAsync(db, $"""
            SELECT COUNT(*) FROM "ComplaintEvents" WHERE "Id" > {eventMark} AND "ActorRole" = 'system'
              AND "Action" IN ('accept-overdue','deadline-reminder','overdue','escalate','supervision-overdue','supervision-reminder','supervision-escalate','sign-reminder','sign-overdue','sign-escalate')
            """);
        var twice = await ScalarAsync(db, $"""
            SELECT COUNT(*) FROM (SELECT 1 FROM "ComplaintEvents" WHERE "Id" > {eventMark} AND "ActorRole" = 'system'
              AND "Action" IN ('accept-overdue','deadline-reminder','overdue','escalate','supervision-overdue','supervision-reminder','supervision-escalate','sign-reminder','sign-overdue','sign-escalate')
              GROUP BY "ComplaintId", "Action" HAVING COUNT(*) > 1) t
            """);

        var refused = all.Where(a => a.Status != 201).ToList();
        var count201 = all.Count(a => a.Status == 201);
        var count503 = all.Count(a => a.Status == 503);
        var count503NoRetry = all.Count(a => a.Status == 503 && !a.RetryAfter);
        var other = all.Count(a => a.Status is not 201 and not 503);
        var window = refused.Count == 0 ? "none" : $"+{refused.Min(a => a.At) - disruptStart:0.00} s to +{refused.Max(a => a.At) - disruptStart:0.00} s after the command began";
        var recovery = recovered is { } r ? $"{r - disruptEnd:0.00} s after the command ended ({r - disruptStart:0.00} s after it began)" : $"NONE within {s.Timeout} s";
        var nodes = all.Where(a => a.Status == 201 && a.Upstream is not null).GroupBy(a => a.Upstream!).OrderBy(g => g.Key)
            .Select(g => $"{g.Key} {g.Count()}").ToList();
        var line = $"{s.Label}: {s.Writers} writers, {all.Count} answers: 201 {count201}, 503 {count503} ({count503NoRetry} without Retry-After), other {other}; "
            + $"acknowledged {numbers.Count}, lost {lost}, sample lookups failed {sampleFailures}; refusals {window}; first 201 {recovery}; "
            + $"timers due before {dueBefore}, fired {fired}, fired twice {twice}, still due {dueAfter}"
            + (nodes.Count > 0 ? $"; 201 by node: {string.Join(", ", nodes)}" : "");
        Console.WriteLine(line);
        Console.WriteLine($"{s.Label}: sweep during the damage: {sweepDuringAnswer}; after: {sweepAfterAnswer}");
        foreach (var o in others.Take(5))
        {
            Console.WriteLine($"{s.Label}: other answer: {o}");
        }
        if (s.Summary is not null)
        {
            await File.AppendAllTextAsync(s.Summary, line + "\n");
            if (recovered is { } rr)
            {
                await File.AppendAllTextAsync(s.Summary, $"{s.Label}, seconds to recover: {rr - disruptEnd:0.00}\n");
            }
        }
        foreach (var c in clients)
        {
            c.Dispose();
        }
        return lost == 0 && sampleFailures == 0 && twice == 0 && dueAfter == 0 && recovered is not null && count503NoRetry == 0 ? 0 : 1;

        async Task WriteAsync(int writer)
        {
            var target = HttpLoad.Intake("jyt");
            for (var i = writer; !stop.IsCancellationRequested; i++)
            {
                var client = clients[i % clients.Count];
                try
                {
                    using var request = target.NewRequest();
                    using var response = await client.SendAsync(request, stop.Token);
                    var body = await response.Content.ReadAsStringAsync(stop.Token);
                    var status = (int)response.StatusCode;
                    string? upstream = response.Headers.TryGetValues("X-PingYi-Upstream", out var u) ? u.FirstOrDefault() : null;
                    if (status == 201)
                    {
                        using var json = JsonDocument.Parse(body);
                        acknowledged.Enqueue((json.RootElement.GetProperty("trackingNumber").GetString()!, json.RootElement.GetProperty("accessCode").GetString()!));
                    }
                    else if (status != 503)
                    {
                        others.Enqueue($"{status} at +{clock.Elapsed.TotalSeconds:0.00} s: {body[..Math.Min(200, body.Length)]}");
                    }
                    answers.Enqueue(new Answer(clock.Elapsed.TotalSeconds, status, response.Headers.RetryAfter is not null, upstream));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // No answer at all (connection refused or reset, timeout): counted as "other", status 0.
                    others.Enqueue($"no answer at +{clock.Elapsed.TotalSeconds:0.00} s: {e.GetType().Name} {e.Message}");
                    answers.Enqueue(new Answer(clock.Elapsed.TotalSeconds, 0, false, null));
                    await Task.Delay(100);
                }
            }
        }
    }

    private static Settings Parse(string[] args)
    {
        var s = new Settings();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--url":
                    foreach (var u in Next().Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var url = new Uri(u.TrimEnd('/') + "/");
                        if (!url.IsLoopback)
                        {
                            throw new ArgumentException("--url must be a loopback address: this tool only loads the local machine");
                        }
                        s.Urls.Add(url);
                    }
                    break;
                case "--pg": s.Postgres = Next(); break;
                case "--disrupt": s.Disrupt = Next(); break;
                case "--label": s.Label = Next(); break;
                case "--writers": s.Writers = Math.Max(1, (int)Number()); break;
                case "--before": s.Before = Number(); break;
                case "--after": s.After = Number(); break;
                case "--timeout": s.Timeout = Number(); break;
                case "--insecure": s.Insecure = true; break;
                case "--summary": s.Summary = Next(); break;
                case "--setup": s.Setup = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (s.Urls.Count == 0 || s.Postgres is null || s.Disrupt is null)
        {
            throw new ArgumentException("--url, --pg and --disrupt are required");
        }
        return s;
    }

    private static HttpClient Client(Uri url, int connections, bool insecure)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            UseCookies = false,
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        if (insecure)
        {
            // Only the run's own proxy on 127.0.0.1 with the certificate run.sh just made.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        return new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task<string> AccessTokenAsync(HttpClient anonymous, string email)
    {
        using var response = await anonymous.PostAsync("api/v1/auth/login", new StringContent(
            JsonSerializer.Serialize(new { email, password = StaffPages.Password }), System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"sign-in of {email}: {(int)response.StatusCode} {body}");
        }
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>The timer sweep through the admin API, retried while the database (or the node) is away.</summary>
    private static async Task<string> SweepAsync(HttpClient admin)
    {
        var waited = Stopwatch.StartNew();
        var last = "";
        while (waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                using var response = await admin.PostAsync("api/v1/admin/jobs/sweep-timers/run", null);
                var body = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {body[..Math.Min(160, body.Length)]}";
                if (response.IsSuccessStatusCode)
                {
                    return last;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(500);
        }
        return "gave up: " + last;
    }

    private static async Task<string> RunShellAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = ((await output) + (await error)).Trim().ReplaceLineEndings(" ");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the command exited {process.ExitCode}: {text}");
        }
        return text.Length > 300 ? text[..300] : text;
    }

    private static async Task<long> FoundAsync(NpgsqlDataSource db, string[] numbers)
    {
        await using var cmd = db.CreateCommand("""SELECT COUNT(*) FROM "Complaints" WHERE "TrackingNumber" = ANY($1)""");
        cmd.Parameters.Add(new NpgsqlParameter { Value = numbers });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>50 acknowledged complaints (the last ones before the damage among them) through the public API with their access codes.</summary>
    private static async Task<int> LookupSampleAsync(List<HttpClient> clients, List<(string Number, string Code)> numbers)
    {
        var step = Math.Max(1, numbers.Count / 50);
        var failed = 0;
        for (var i = 0; i < numbers.Count; i += step)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/complaints/{numbers[i].Number}");
            request.Headers.Add("X-Access-Code", numbers[i].Code);
            using var response = await clients[i % clients.Count].SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failed++;
                Console.WriteLine($"lookup of {numbers[i].Number}: {(int)response.StatusCode}");
            }
        }
        return failed;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
