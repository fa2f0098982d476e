using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PingYi.Benchmarks;

/// <summary>
/// The mixed soak (issue 12): one open loop at a fixed rate whose requests are, in the proportions of a busy day,
/// 1 intake : 5 citizen lookups : 10 staff reads : 2 workflow actions. Lookups track complaints lodged earlier in
/// the run (tracking number and access code); actions move complaints lodged in the run through
/// submitted → assigned → under-review → awaiting-feedback (assign, respond, approve), each only from the state it
/// is valid in, so every non-expected status is a real error. The app's working set (VmRSS) is sampled every 10 s;
/// the verdict says whether it grew across the last five minutes. Bounded: the run ends at warm-up + duration,
/// and every request goes to the loopback address in --url.
/// </summary>
internal static class Soak
{
    public const string Unit = "jyt";
    private const int SampleSeconds = 10;
    private const int ErrorBodies = 5;

    /// <summary>The last-five-minutes growth allowed before the working set is called "not flat": 5 % of the value at the 5-minute mark, at least 16 MB.</summary>
    private const double GrowthTolerance = 0.05;
    private const double GrowthFloorMb = 16;

    private enum Kind { Intake, Lookup, StaffRead, Action }

    private sealed record Lodged(string Number, string AccessCode);

    /// <summary>
    /// A signed-in account whose token is renewed with its refresh token before it expires (bearer tokens live 15
    /// minutes), as a staff client does.
    /// </summary>
    private sealed class Account(HttpClient anonymous, string email)
    {
        private volatile string _token = "";
        private volatile string _refresh = "";
        public string Email => email;

        public Task SignInAsync() => TokensAsync("api/v1/auth/login", new { email, password = StaffPages.Password });

        public Task RefreshAsync() => TokensAsync("api/v1/auth/refresh", new { refreshToken = _refresh });

        private async Task TokensAsync(string path, object request)
        {
            using var response = await anonymous.PostAsync(path, new StringContent(JsonSerializer.Serialize(request), Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{path} for {email}: {(int)response.StatusCode} {body}");
            }
            using var tokens = JsonDocument.Parse(body);
            _token = tokens.RootElement.GetProperty("accessToken").GetString()!;
            _refresh = tokens.RootElement.GetProperty("refreshToken").GetString()!;
        }

        public void Authorize(HttpRequestMessage request) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
    }

    /// <summary>Complaints of this run waiting for their next action, by the state they are in; one in flight is in none.</summary>
    private sealed class Pipeline
    {
        public readonly ConcurrentQueue<string> Submitted = new();
        public readonly ConcurrentQueue<string> Assigned = new();
        public readonly ConcurrentQueue<string> UnderReview = new();
        private int _turn;

        /// <summary>The next action: approve, respond and assign in turn, skipping a stage with nothing waiting.</summary>
        public (string Action, string Number, ConcurrentQueue<string>? Next)? Take()
        {
            var start = Interlocked.Increment(ref _turn);
            for (var k = 0; k < 3; k++)
            {
                switch ((start + k) % 3)
                {
                    case 0 when UnderReview.TryDequeue(out var n): return ("approve", n, null);
                    case 1 when Assigned.TryDequeue(out var n): return ("respond", n, UnderReview);
                    case 2 when Submitted.TryDequeue(out var n): return ("assign", n, Assigned);
                }
            }
            return null;
        }
    }

    private sealed class Stats
    {
        private readonly object _gate = new();
        public readonly Dictionary<string, List<long>> Latency = new(StringComparer.Ordinal);
        public readonly Dictionary<string, SortedDictionary<string, long>> Errors = new(StringComparer.Ordinal);
        public readonly List<string> FirstErrors = [];
        public long Skipped;

        /// <summary>Per 10 s of the measured window (by scheduled time): answered as expected, and errors.</summary>
        public readonly long[] OkPerBucket = new long[61];
        public readonly long[] ErrorsPerBucket = new long[61];

        /// <summary>Per 10 s of the measured window (by scheduled time): the slowest answer, in ticks (when a stall came).</summary>
        public readonly long[] SlowestPerBucket = new long[61];

        public void Slowest(int bucket, long ticks)
        {
            long seen;
            while (ticks > (seen = Volatile.Read(ref SlowestPerBucket[bucket]))
                && Interlocked.CompareExchange(ref SlowestPerBucket[bucket], ticks, seen) != seen)
            {
            }
        }

        public void Success(string name, long ticks)
        {
            lock (_gate)
            {
                (Latency.TryGetValue(name, out var l) ? l : Latency[name] = new List<long>(32_768)).Add(ticks);
            }
        }

        public void Failure(string name, string what, string? detail)
        {
            lock (_gate)
            {
                var e = Errors.TryGetValue(name, out var d) ? d : Errors[name] = new SortedDictionary<string, long>(StringComparer.Ordinal);
                e[what] = e.GetValueOrDefault(what) + 1;
                if (FirstErrors.Count < ErrorBodies)
                {
                    FirstErrors.Add($"{name}: {what} {detail}");
                }
            }
        }
    }

    public static async Task<int> RunAsync(Options o, double durationSeconds)
    {
        var url = o.RequireUrl();
        using var client = HttpLoad.CreateClient(url, o.OpenMaxConnections);
        var supervisor = new Account(client, "supervisor@pingyi.local");
        var handler = new Account(client, $"{Unit}@pingyi.local");
        await supervisor.SignInAsync();
        await handler.SignInAsync();
        // A node that has served a day has renewed tokens before. The second use of a path is when the DI container
        // compiles its service resolvers (about a thousand methods for sign-in's), so the renewal 10 minutes in would
        // otherwise land a one-off burst of compilation inside the measured window.
        for (var i = 0; i < 2; i++)
        {
            await supervisor.RefreshAsync();
            await handler.RefreshAsync();
        }

        var lodged = new List<Lodged>();
        var lodgedGate = new ReaderWriterLockSlim();
        var pipeline = new Pipeline();
        var assigned = new List<string>();
        var stats = new Stats();
        var intake = HttpLoad.Intake(Unit);

        // A few complaints before the clock starts, so that the first lookups and actions have something to work on.
        for (var i = 0; i < 20; i++)
        {
            var (ok, body, status) = await SendAsync(client, intake.NewRequest());
            if (!ok || status != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"seeding: {(int)status} {body}");
            }
            var l = ParseLodged(body);
            lodged.Add(l);
            pipeline.Submitted.Enqueue(l.Number);
        }

        var warmup = TimeSpan.FromSeconds(o.Warmup);
        var window = Window.Start(warmup, TimeSpan.FromSeconds(durationSeconds));
        var cpu = new CpuMeter(o.AppPid, o.PostgresPid);
        var usage = cpu.MeasureAsync(window);
        var loadBefore = LoadAverage();
        Console.WriteLine($"soak — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {o.Rate:0} req/s for {durationSeconds:0} s after {o.Warmup:0} s not counted; " +
            $"mix 1 intake : 5 lookups : 10 staff reads : 2 actions; load average {loadBefore}");

        // The working set, every 10 s from the start of the measured window (t = 0 there), until its end.
        var rss = new List<(double Seconds, double Mb)>();
        var sampler = Task.Run(async () =>
        {
            if (o.AppPid is not { } pid)
            {
                return;
            }
            while (Stopwatch.GetTimestamp() < window.MeasureFromTicks)
            {
                await Task.Delay(100);
            }
            // The wall clock of t = 0, to line the 10 s series up with the app's and PostgreSQL's logs.
            Console.WriteLine($"measured window from {DateTime.UtcNow:HH:mm:ss} UTC");
            for (var k = 0; ; k++)
            {
                var at = window.MeasureFromTicks + (long)(k * SampleSeconds * (double)Stopwatch.Frequency);
                if (at > window.EndTicks)
                {
                    break;
                }
                var wait = (at - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait));
                }
                if (RssMb(pid) is { } mb)
                {
                    lock (rss)
                    {
                        rss.Add((k * SampleSeconds, mb));
                    }
                }
            }
        });

        // Bearer tokens live 15 minutes; renew them every 10 while the run lasts.
        using var stop = new CancellationTokenSource();
        var renew = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromMinutes(10), stop.Token);
                    await supervisor.RefreshAsync();
                    await handler.RefreshAsync();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var staffReads = StaffReads();
        long staffTurn = 0;
        var rng = new Random(12);
        var rngGate = new object();

        async Task OneAsync(Kind kind, long scheduled, bool counts)
        {
            string name;
            HttpRequestMessage request;
            HttpStatusCode expected = HttpStatusCode.OK;
            Action<string>? onSuccess = null;
            Action? onFailure = null;
            switch (kind)
            {
                case Kind.Intake:
                    name = "intake";
                    request = intake.NewRequest();
                    expected = HttpStatusCode.Created;
                    onSuccess = body =>
                    {
                        var l = ParseLodged(body);
                        lodgedGate.EnterWriteLock();
                        try
                        {
                            lodged.Add(l);
                        }
                        finally
                        {
                            lodgedGate.ExitWriteLock();
                        }
                        pipeline.Submitted.Enqueue(l.Number);
                    };
                    break;
                case Kind.Lookup:
                {
                    name = "lookup";
                    var l = PickLodged();
                    request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/complaints/{l.Number}");
                    request.Headers.Add("X-Access-Code", l.AccessCode);
                    break;
                }
                case Kind.StaffRead:
                {
                    var (readName, who, path) = staffReads[(int)(Interlocked.Increment(ref staffTurn) % staffReads.Length)];
                    name = "staff read: " + readName;
                    if (path.Contains("{a}", StringComparison.Ordinal))
                    {
                        path = PickAssigned() is { } a ? path.Replace("{a}", a, StringComparison.Ordinal) : "/staff/complaints";
                    }
                    request = new HttpRequestMessage(HttpMethod.Get, path.Replace("{n}", PickLodged().Number, StringComparison.Ordinal).TrimStart('/'));
                    (who == "supervisor" ? supervisor : handler).Authorize(request);
                    break;
                }
                default:
                {
                    if (pipeline.Take() is not { } step)
                    {
                        // Nothing is in a state to act on (only when the intake lags far behind): not a request.
                        Interlocked.Increment(ref stats.Skipped);
                        return;
                    }
                    name = "action: " + step.Action;
                    object fields = step.Action switch
                    {
                        "assign" => new { unitCode = Unit, note = "请按期办理并报送办理情况。" },
                        "respond" => new { findings = "经核实，窗口确有要求重复提交材料的情况。", measures = "已取消纸质材料要求，并对窗口人员进行批评教育。", publicReply = "您反映的问题已核实并整改，感谢监督。" },
                        _ => new { qualityRating = 4 },
                    };
                    request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/complaints/{step.Number}/actions/{step.Action}")
                    {
                        Content = new StringContent(JsonSerializer.Serialize(fields), Encoding.UTF8, "application/json"),
                    };
                    (step.Action == "respond" ? handler : supervisor).Authorize(request);
                    onSuccess = _ =>
                    {
                        step.Next?.Enqueue(step.Number);
                        if (step.Action == "assign")
                        {
                            lock (assigned)
                            {
                                assigned.Add(step.Number);
                            }
                        }
                    };
                    // A failed action leaves the case where it is, in a state this run no longer knows: drop it.
                    onFailure = null;
                    break;
                }
            }
            using (request)
            {
                var (ok, body, status) = await SendAsync(client, request);
                var done = Stopwatch.GetTimestamp();
                var bucket = counts ? (int)Math.Min(60, (scheduled - window.MeasureFromTicks) / (SampleSeconds * Stopwatch.Frequency)) : -1;
                if (bucket >= 0)
                {
                    Interlocked.Increment(ref (ok && status == expected ? stats.OkPerBucket : stats.ErrorsPerBucket)[bucket]);
                    stats.Slowest(bucket, done - scheduled);
                }
                if (ok && status == expected)
                {
                    onSuccess?.Invoke(body);
                    if (counts)
                    {
                        stats.Success(name, done - scheduled);
                    }
                }
                else
                {
                    onFailure?.Invoke();
                    // Errors count in the warm-up too: the target is 0 errors in the whole run.
                    stats.Failure(name + (counts ? "" : " (warm-up)"), ok ? $"HTTP {(int)status}" : body, ok ? Snip(body) : null);
                }
            }
        }

        string? PickAssigned()
        {
            lock (assigned)
            {
                lock (rngGate)
                {
                    return assigned.Count == 0 ? null : assigned[rng.Next(assigned.Count)];
                }
            }
        }

        Lodged PickLodged()
        {
            int i;
            lodgedGate.EnterReadLock();
            try
            {
                lock (rngGate)
                {
                    i = rng.Next(lodged.Count);
                }
                return lodged[i];
            }
            finally
            {
                lodgedGate.ExitReadLock();
            }
        }

        // Smooth weighted round-robin: the kinds interleave evenly (I L S S L S A S L S S L S S A S L S …).
        (Kind Kind, int Weight)[] weights = [(Kind.Intake, 1), (Kind.Lookup, 5), (Kind.StaffRead, 10), (Kind.Action, 2)];
        var current = new int[weights.Length];
        var total = weights.Sum(w => w.Weight);
        Kind NextKind()
        {
            var best = 0;
            for (var k = 0; k < weights.Length; k++)
            {
                current[k] += weights[k].Weight;
                if (current[k] > current[best])
                {
                    best = k;
                }
            }
            current[best] -= total;
            return weights[best].Kind;
        }

        var inFlight = new List<Task>();
        var gate = new object();
        long sent = 0;
        var warmupTicks = (double)(window.MeasureFromTicks - window.StartTicks);
        var scheduler = new Thread(() =>
        {
            // The warm-up ramps the rate from 10 % to the full rate: a cold app (tier-0 code, empty pools) hit at full
            // rate at once builds a backlog it then spends the run draining. The measured window runs at the full rate.
            var at = (double)window.StartTicks;
            while (true)
            {
                var scheduled = (long)at;
                if (scheduled >= window.EndTicks)
                {
                    break;
                }
                var intoWarmup = at - window.StartTicks;
                var rate = intoWarmup < warmupTicks ? o.Rate * (0.1 + 0.9 * intoWarmup / warmupTicks) : o.Rate;
                at += Stopwatch.Frequency / rate;
                long remaining;
                while ((remaining = scheduled - Stopwatch.GetTimestamp()) > 0)
                {
                    Thread.Sleep(Math.Max(1, (int)(remaining * 1000 / Stopwatch.Frequency)));
                }
                var kind = NextKind();
                var counts = window.Counts(scheduled);
                var task = Task.Run(() => OneAsync(kind, scheduled, counts));
                sent++;
                lock (gate)
                {
                    inFlight.RemoveAll(t => t.IsCompleted);
                    inFlight.Add(task);
                }
            }
        })
        { IsBackground = true, Name = "soak scheduler", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        await Task.Run(scheduler.Join);
        Task[] all;
        lock (gate)
        {
            all = inFlight.ToArray();
        }
        await Task.WhenAll(all);
        var drain = Math.Max(0, (double)(Stopwatch.GetTimestamp() - window.EndTicks) / Stopwatch.Frequency);
        await stop.CancelAsync();
        await renew;
        await sampler;
        var cpuUsage = await usage;

        // ---- report ----
        var loadAfter = LoadAverage();
        var lines = new List<string>
        {
            $"soak: {o.Rate:0} req/s for {durationSeconds:0} s (+{o.Warmup:0} s warm-up), {sent} requests sent, last answer {drain:0.00} s after the last send; " +
            $"load average start {loadBefore}, end {loadAfter}",
        };
        var errorsTotal = stats.Errors.Values.Sum(e => e.Values.Sum());
        var measuredErrors = stats.Errors.Where(e => !e.Key.EndsWith("(warm-up)", StringComparison.Ordinal)).Sum(e => e.Value.Values.Sum());
        var answered = stats.Latency.Values.Sum(l => (long)l.Count);
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"  answered as expected in the measured window: {answered / durationSeconds:0.0}/s of {o.Rate:0}/s offered ({answered} requests, {measuredErrors} errors)"));
        string Row(string name, List<long> ticks, SortedDictionary<string, long>? errors)
        {
            ticks.Sort();
            return string.Create(CultureInfo.InvariantCulture,
                $"  {name,-34} n={ticks.Count,-7} p50 {Pct(ticks, 50),7:0.0} ms  p95 {Pct(ticks, 95),7:0.0} ms  p99 {Pct(ticks, 99),7:0.0} ms  max {Pct(ticks, 100),7:0.0} ms  errors {(errors is null ? "0" : string.Join(", ", errors.Select(e => $"{e.Key}×{e.Value}")))}");
        }
        foreach (var kind in new[] { "intake", "lookup", "staff read", "action" })
        {
            var names = stats.Latency.Keys.Concat(stats.Errors.Keys.Where(k => !k.EndsWith("(warm-up)", StringComparison.Ordinal)))
                .Where(k => k == kind || k.StartsWith(kind + ":", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToList();
            var allTicks = names.SelectMany(n => stats.Latency.GetValueOrDefault(n) ?? []).ToList();
            var allErrors = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var n in names)
            {
                foreach (var (what, count) in stats.Errors.GetValueOrDefault(n) ?? [])
                {
                    allErrors[what] = allErrors.GetValueOrDefault(what) + count;
                }
            }
            lines.Add(Row(kind.ToUpperInvariant(), allTicks, allErrors.Count == 0 ? null : allErrors));
            if (names.Count > 1)
            {
                lines.AddRange(names.Select(n => "  " + Row(n[(kind.Length + 2)..], stats.Latency.GetValueOrDefault(n) ?? [], stats.Errors.GetValueOrDefault(n))));
            }
        }
        foreach (var (name, errors) in stats.Errors.Where(e => e.Key.EndsWith("(warm-up)", StringComparison.Ordinal)))
        {
            lines.Add($"  {name}: errors {string.Join(", ", errors.Select(e => $"{e.Key}×{e.Value}"))}");
        }
        lines.Add($"soak errors (warm-up included): {errorsTotal}   target 0 → {(errorsTotal == 0 ? "MET" : "NOT MET")}" +
            (stats.Skipped > 0 ? $"; {stats.Skipped} action slots skipped (no complaint ready)" : ""));
        lines.Add($"pipeline at the end: {pipeline.Submitted.Count} submitted, {pipeline.Assigned.Count} assigned, {pipeline.UnderReview.Count} under review (of this run's {lodged.Count} complaints)");
        if (cpuUsage is { } c)
        {
            lines.Add($"  {c.Describe(stats.Latency.Values.Sum(l => (long)l.Count))}");
        }
        var buckets = (int)Math.Min(61, Math.Ceiling(durationSeconds / SampleSeconds));
        lines.Add("answered as expected per second, each 10 s (by scheduled time): " + string.Join(" ", stats.OkPerBucket.Take(buckets).Select(b => (b / (double)SampleSeconds).ToString("0", CultureInfo.InvariantCulture))));
        lines.Add("slowest answer (s), each 10 s: " + string.Join(" ", stats.SlowestPerBucket.Take(buckets).Select(t => ((double)t / Stopwatch.Frequency).ToString("0.0", CultureInfo.InvariantCulture))));
        lines.Add("errors per second, each 10 s: " + string.Join(" ", stats.ErrorsPerBucket.Take(buckets).Select(b => (b / (double)SampleSeconds).ToString("0", CultureInfo.InvariantCulture))));
        lines.AddRange(RssVerdict(rss, durationSeconds));
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }
        if (stats.FirstErrors.Count > 0)
        {
            Console.WriteLine("first errors:");
            foreach (var e in stats.FirstErrors)
            {
                Console.WriteLine("  " + e);
            }
        }
        if (o.Summary is not null)
        {
            await File.AppendAllLinesAsync(o.Summary, lines);
        }
        return errorsTotal == 0 ? 0 : 1;
    }

    /// <summary>
    /// What the staff read in a busy day: lists with filters, both inboxes, a case page and the staff API. {n} is any
    /// complaint of this run, {a} one assigned to the handler's unit (a handler sees only those: any other is 404).
    /// </summary>
    private static (string Name, string Who, string Path)[] StaffReads() =>
    [
        ("supervisor list", "supervisor", "/staff/complaints"),
        ("supervisor inbox", "supervisor", "/staff"),
        ("list status=submitted", "supervisor", "/staff/complaints?status=submitted"),
        ("handler inbox", "handler", "/staff"),
        ("complaint page (supervisor)", "supervisor", "/staff/complaints/{n}"),
        ("list unit+overdue", "supervisor", $"/staff/complaints?unit={Unit}&overdue=false"),
        ("handler list", "handler", "/staff/complaints"),
        ("API list status=assigned", "supervisor", "/api/v1/complaints?status=assigned"),
        ("complaint page (handler)", "handler", "/staff/complaints/{a}"),
        ("API complaint (supervisor)", "supervisor", "/api/v1/complaints/{n}"),
    ];

    /// <summary>
    /// Flat when the least-squares growth over the last five minutes, and the last five minutes' highest sample
    /// over the 5-minute mark, both stay within 5 % of the 5-minute mark (at least 16 MB).
    /// </summary>
    private static IEnumerable<string> RssVerdict(List<(double Seconds, double Mb)> rss, double durationSeconds)
    {
        if (rss.Count == 0)
        {
            yield return "working set: not sampled (--app-pid not given)";
            yield break;
        }
        yield return "working set (VmRSS, MB) every 10 s: " + string.Join(" ", rss.Select(s => s.Mb.ToString("0", CultureInfo.InvariantCulture)));
        var from = Math.Max(0, durationSeconds - 300);
        var last = rss.Where(s => s.Seconds >= from).ToList();
        if (last.Count < 6 || durationSeconds < 300)
        {
            yield return $"working set: {rss[0].Mb:0} → {rss[^1].Mb:0} MB; run shorter than 5 minutes, no flat/not-flat verdict (needs --duration ≥ 300)";
            yield break;
        }
        var mark = last[0].Mb;
        var n = last.Count;
        var mx = last.Average(s => s.Seconds);
        var my = last.Average(s => s.Mb);
        var slope = last.Sum(s => (s.Seconds - mx) * (s.Mb - my)) / last.Sum(s => (s.Seconds - mx) * (s.Seconds - mx)); // MB per second
        var fitGrowth = slope * (last[^1].Seconds - last[0].Seconds);
        var peakGrowth = last.Max(s => s.Mb) - mark;
        var tolerance = Math.Max(GrowthFloorMb, GrowthTolerance * mark);
        var flat = fitGrowth <= tolerance && peakGrowth <= tolerance;
        yield return string.Create(CultureInfo.InvariantCulture,
            $"working set over the last 5 min ({n} samples from t={last[0].Seconds:0} s): {mark:0} MB at the mark, max {last.Max(s => s.Mb):0} MB, end {last[^1].Mb:0} MB; " +
            $"fitted growth {fitGrowth:+0.0;-0.0} MB ({slope * 60:+0.00;-0.00} MB/min), peak over the mark {peakGrowth:+0.0;-0.0} MB; tolerance {tolerance:0.0} MB (5 %, ≥ 16 MB) → {(flat ? "FLAT" : "NOT FLAT")}");
    }

    private static double Pct(List<long> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        var index = Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1);
        return sorted[index] * 1000.0 / Stopwatch.Frequency;
    }

    private static Lodged ParseLodged(string body)
    {
        using var json = JsonDocument.Parse(body);
        return new Lodged(json.RootElement.GetProperty("trackingNumber").GetString()!, json.RootElement.GetProperty("accessCode").GetString()!);
    }

    /// <summary>The start of a body on one line; for an HTML page its title, which says what went wrong.</summary>
    private static string Snip(string body)
    {
        var title = System.Text.RegularExpressions.Regex.Match(body, "<title>(.*?)</title>", System.Text.RegularExpressions.RegexOptions.Singleline);
        var text = System.Text.RegularExpressions.Regex.Replace(title.Success ? "page: " + title.Groups[1].Value : body, @"\s+", " ");
        return text.Length <= 300 ? text : text[..300] + "…";
    }

    /// <summary>(answered, body or failure, status).</summary>
    private static async Task<(bool Ok, string Body, HttpStatusCode Status)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            return (true, await response.Content.ReadAsStringAsync(), response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return (false, e.HttpRequestError.ToString(), 0);
        }
        catch (TaskCanceledException)
        {
            return (false, "timeout", 0);
        }
    }

    private static double? RssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg")
        ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
        : "n/a";
}
