using System.Diagnostics;
using System.Globalization;

namespace PingYi.Benchmarks;

/// <summary>What one worker saw: the latency of each successful operation and a count of each kind of failure.</summary>
public sealed class Recorder
{
    private readonly List<long> _latencyTicks = new(capacity: 16_384);
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);

    public void Success(long elapsedTicks) => _latencyTicks.Add(elapsedTicks);

    public void Failure(string kind) => _errors[kind] = _errors.GetValueOrDefault(kind) + 1;

    public static Result Merge(string name, IEnumerable<Recorder> recorders, TimeSpan measured, int connections)
    {
        var all = new List<long>();
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var r in recorders)
        {
            all.AddRange(r._latencyTicks);
            foreach (var (kind, count) in r._errors)
            {
                errors[kind] = errors.GetValueOrDefault(kind) + count;
            }
        }
        all.Sort();
        return new Result(name, connections, measured, all.Count, errors, all.ToArray());
    }
}

/// <summary>One measurement: successes per second and the latency distribution of the successes.</summary>
public sealed record Result(string Name, int Connections, TimeSpan Measured, long Successes, SortedDictionary<string, long> Errors, long[] SortedTicks)
{
    public double PerSecond => Successes / Measured.TotalSeconds;

    public long ErrorCount => Errors.Values.Sum();

    public double PercentileMs(double p)
    {
        if (SortedTicks.Length == 0)
        {
            return double.NaN;
        }
        // Nearest-rank percentile.
        var rank = (int)Math.Ceiling(p / 100.0 * SortedTicks.Length);
        var index = Math.Clamp(rank - 1, 0, SortedTicks.Length - 1);
        return SortedTicks[index] * 1000.0 / Stopwatch.Frequency;
    }

    public double MaxMs => SortedTicks.Length == 0 ? double.NaN : SortedTicks[^1] * 1000.0 / Stopwatch.Frequency;

    public string ErrorSummary => Errors.Count == 0 ? "none" : string.Join(", ", Errors.Select(e => $"{e.Key}×{e.Value}"));

    public CpuMeter.Usage? Cpu { get; init; }

    public string? Note { get; init; }

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{Name,-26} conns={Connections,-3} {Measured.TotalSeconds,4:0}s ok={Successes,-6} {PerSecond,7:0.0}/s  " +
        $"p50={PercentileMs(50),6:0.0}ms p90={PercentileMs(90),6:0.0}ms p99={PercentileMs(99),6:0.0}ms max={MaxMs,6:0}ms  errors={ErrorSummary}")
        + (Cpu is null ? "" : $"\n{"",26} {Cpu.Describe(Successes)}")
        + (Note is null ? "" : $"\n{"",26} {Note}");
}

/// <summary>A phase that runs for warm-up + measured time; only what completes inside the measured window counts.</summary>
public readonly struct Window(long startTicks, long measureFromTicks, long endTicks)
{
    public static Window Start(TimeSpan warmup, TimeSpan duration)
    {
        var now = Stopwatch.GetTimestamp();
        var from = now + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        return new Window(now, from, from + (long)(duration.TotalSeconds * Stopwatch.Frequency));
    }

    public long StartTicks => startTicks;
    public long MeasureFromTicks => measureFromTicks;
    public long EndTicks => endTicks;

    public bool Over => Stopwatch.GetTimestamp() >= endTicks;

    /// <summary>An operation counts when it started in the measured window (and so finished after warm-up).</summary>
    public bool Counts(long startedTicks) => startedTicks >= measureFromTicks && startedTicks < endTicks;

    public TimeSpan Measured => TimeSpan.FromSeconds((double)(endTicks - measureFromTicks) / Stopwatch.Frequency);
}
