using System.Diagnostics;
using System.Net;
using System.Text;

namespace PingYi.Benchmarks;

/// <summary>HTTP load against the app: closed loop (N connections, back to back) and open loop (a fixed rate).</summary>
public static class HttpLoad
{
    private static int _sequence;
    private static readonly string RunTag = Guid.NewGuid().ToString("N")[..8];

    public static HttpClient CreateClient(Uri baseAddress, int maxConnections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestVersion = HttpVersion.Version11,
    };

    /// <summary>A request factory and the status code that means success.</summary>
    public sealed record Target(string Name, Func<HttpRequestMessage> NewRequest, HttpStatusCode Expected);

    /// <summary>POST /api/v1/complaints with a realistic anonymous complaint (one distinct title per request).</summary>
    public static Target Intake(string unitCode) => new("intake POST", () =>
    {
        var n = Interlocked.Increment(ref _sequence);
        var json = $$"""
            {"unitCode":"{{unitCode}}","category":"formalism","title":"{{Workload.Title(RunTag, n)}}","description":"{{Workload.Description}}","occurredOn":null,"location":"{{Workload.Location}}","anonymous":true}
            """;
        return new HttpRequestMessage(HttpMethod.Post, "api/v1/complaints")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
    }, HttpStatusCode.Created);

    /// <summary>The same requests, each on a connection of its own (Connection: close): exercises the server's connection set-up.</summary>
    public static Target EachOnNewConnection(Target target) => target with
    {
        Name = target.Name + " (new connection each)",
        NewRequest = () =>
        {
            var request = target.NewRequest();
            request.Headers.ConnectionClose = true;
            return request;
        },
    };

    public static Target Get(string path) => new($"GET {path}", () => new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), HttpStatusCode.OK);

    /// <summary>N workers, each sending its next request as soon as the previous one is answered.</summary>
    public static async Task<Result> ClosedLoopAsync(Uri baseAddress, Target target, int connections, TimeSpan warmup, TimeSpan duration, CpuMeter? cpu = null)
    {
        using var client = CreateClient(baseAddress, connections);
        var window = Window.Start(warmup, duration);
        var usage = cpu?.MeasureAsync(window);
        var recorders = Enumerable.Range(0, connections).Select(_ => new Recorder()).ToArray();
        await Task.WhenAll(recorders.Select(r => Task.Run(async () =>
        {
            while (!window.Over)
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await SendAsync(client, target);
                if (window.Counts(started))
                {
                    Record(r, outcome, Stopwatch.GetTimestamp() - started);
                }
            }
        })));
        return Recorder.Merge($"{target.Name} closed", recorders, window.Measured, connections) with { Cpu = usage is null ? null : await usage };
    }

    /// <summary>
    /// Requests at a fixed rate whatever the answers do (open loop). Latency runs from the time the request
    /// was scheduled, not from when it was actually sent, so a stall is charged to every request it delayed
    /// (no coordinated omission). At most <paramref name="maxConnections"/> connections; a request waiting
    /// for one is waiting, and that is in its latency too.
    /// </summary>
    public static async Task<Result> OpenLoopAsync(Uri baseAddress, Target target, double ratePerSecond, int maxConnections, TimeSpan warmup, TimeSpan duration, CpuMeter? cpu = null)
    {
        using var client = CreateClient(baseAddress, maxConnections);
        var recorder = new Recorder();
        var gate = new object();
        var inFlight = new List<Task>();
        var interval = Stopwatch.Frequency / ratePerSecond;
        var window = Window.Start(warmup, duration);
        var usage = cpu?.MeasureAsync(window);
        long lastDone = 0;
        // Requests slower than the 50 ms target, by the wall-clock second they were scheduled in: a cluster in one
        // second is a stall (a GC, a job, a checkpoint) to look up in the other logs; a spread is a slow path.
        var slow = new SortedDictionary<DateTime, int>();
        var wallAtStart = DateTime.UtcNow - Stopwatch.GetElapsedTime(window.StartTicks);

        var scheduler = new Thread(() =>
        {
            for (long i = 0; ; i++)
            {
                var scheduled = window.StartTicks + (long)(i * interval);
                if (scheduled >= window.EndTicks)
                {
                    break;
                }
                // Never early: a request sent before its time would understate its latency. Sleeping up to
                // ~1 ms late instead is charged to the request, which errs on the pessimistic side.
                long remaining;
                while ((remaining = scheduled - Stopwatch.GetTimestamp()) > 0)
                {
                    Thread.Sleep(Math.Max(1, (int)(remaining * 1000 / Stopwatch.Frequency)));
                }
                var counts = window.Counts(scheduled);
                var task = Task.Run(async () =>
                {
                    var outcome = await SendAsync(client, target);
                    var done = Stopwatch.GetTimestamp();
                    lock (gate)
                    {
                        lastDone = Math.Max(lastDone, done);
                        if (counts)
                        {
                            Record(recorder, outcome, done - scheduled);
                            if (done - scheduled > Stopwatch.Frequency / 20)
                            {
                                var second = wallAtStart.AddTicks((scheduled - window.StartTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
                                second = new DateTime(second.Ticks - second.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
                                slow[second] = slow.GetValueOrDefault(second) + 1;
                            }
                        }
                    }
                });
                lock (gate)
                {
                    inFlight.Add(task);
                }
            }
        })
        { IsBackground = true, Name = "open-loop scheduler", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        await Task.Run(scheduler.Join);
        Task[] all;
        lock (gate)
        {
            all = inFlight.ToArray();
        }
        await Task.WhenAll(all);
        var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{target.Name} @{ratePerSecond:0}/s");
        var drain = Math.Max(0, (double)(lastDone - window.EndTicks) / Stopwatch.Frequency);
        return Recorder.Merge(name, [recorder], window.Measured, maxConnections) with
        {
            Cpu = usage is null ? null : await usage,
            Note = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"offered {ratePerSecond:0}/s for {window.Measured.TotalSeconds:0} s; the last answer came {drain:0.00} s after the last send (a backlog shows here); " +
                $"over 50 ms by second sent (UTC): {(slow.Count == 0 ? "none" : string.Join(", ", slow.Select(kv => $"{kv.Key:HH:mm:ss} {kv.Value}")))}"),
        };
    }

    private readonly record struct Outcome(bool Ok, string? Failure);

    private static void Record(Recorder r, Outcome outcome, long elapsed)
    {
        if (outcome.Ok)
        {
            r.Success(elapsed);
        }
        else
        {
            r.Failure(outcome.Failure!);
        }
    }

    private static async Task<Outcome> SendAsync(HttpClient client, Target target)
    {
        try
        {
            using var request = target.NewRequest();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            return response.StatusCode == target.Expected
                ? new Outcome(true, null)
                : new Outcome(false, $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException e)
        {
            return new Outcome(false, e.HttpRequestError.ToString());
        }
        catch (TaskCanceledException)
        {
            return new Outcome(false, "timeout");
        }
    }
}
