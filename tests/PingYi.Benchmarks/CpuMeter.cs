using System.Diagnostics;
using System.Globalization;

namespace PingYi.Benchmarks;

/// <summary>
/// Where the CPU went during a measured window, from /proc (Linux): the whole machine, the app process,
/// PostgreSQL (the postmaster and its children, i.e. the backends) and this load client. Per operation, it
/// tells which process a request's cost sits in. Resolution is one clock tick (10 ms), fine over seconds.
/// </summary>
public sealed class CpuMeter(int? appPid, int? postmasterPid)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public bool HasApp => appPid is not null;

    public bool HasPostgres => postmasterPid is not null;

    public readonly record struct Snapshot(long MachineBusy, long MachineTotal, long App, long Postgres, TimeSpan Client, long At);

    public Snapshot Take()
    {
        long busy = 0, total = 0;
        if (File.Exists("/proc/stat"))
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            total = cpu.Take(8).Sum();            // user nice system idle iowait irq softirq steal
            busy = total - cpu[3] - cpu[4];       // less idle and iowait
        }
        var app = appPid is { } a ? ProcessTicks(a) : 0;
        var pg = postmasterPid is { } p ? ProcessTicks(p) + ChildrenTicks(p) : 0;
        return new Snapshot(busy, total, app, pg, Process.GetCurrentProcess().TotalProcessorTime, Stopwatch.GetTimestamp());
    }

    /// <summary>Snapshots at the start and the end of the window's measured part.</summary>
    public async Task<Usage> MeasureAsync(Window window)
    {
        await Task.Delay(Until(window.MeasureFromTicks));
        var start = Take();
        await Task.Delay(Until(window.EndTicks));
        var end = Take();
        return new Usage(this, start, end);
    }

    private static TimeSpan Until(long ticks) =>
        TimeSpan.FromSeconds(Math.Max(0, (double)(ticks - Stopwatch.GetTimestamp()) / Stopwatch.Frequency));

    public sealed record Usage(CpuMeter Meter, Snapshot Start, Snapshot End)
    {
        public double Seconds => (double)(End.At - Start.At) / Stopwatch.Frequency;

        /// <summary>Busy share of the whole machine, 100 % = every core busy.</summary>
        public double MachineBusyPercent => End.MachineTotal == Start.MachineTotal ? double.NaN
            : 100.0 * (End.MachineBusy - Start.MachineBusy) / (End.MachineTotal - Start.MachineTotal);

        public double AppMsPer(long ops) => !Meter.HasApp ? double.NaN : (End.App - Start.App) * 1000 / TicksPerSecond / ops;

        public double PostgresMsPer(long ops) => !Meter.HasPostgres ? double.NaN : (End.Postgres - Start.Postgres) * 1000 / TicksPerSecond / ops;

        public double ClientMsPer(long ops) => (End.Client - Start.Client).TotalMilliseconds / ops;

        public string Describe(long ops)
        {
            if (ops <= 0)
            {
                return "cpu: no operations";
            }
            var parts = new List<string>();
            if (Meter.HasApp)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"app {AppMsPer(ops):0.00} ms"));
            }
            if (Meter.HasPostgres)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"postgres {PostgresMsPer(ops):0.00} ms"));
            }
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"load client {ClientMsPer(ops):0.00} ms"));
            return string.Create(CultureInfo.InvariantCulture, $"cpu: machine {MachineBusyPercent:0}% busy; per op ") + string.Join(", ", parts);
        }
    }

    private static long ProcessTicks(int pid)
    {
        try
        {
            // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    private static long ChildrenTicks(int parent)
    {
        long sum = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    sum += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended meanwhile.
            }
        }
        return sum;
    }
}
