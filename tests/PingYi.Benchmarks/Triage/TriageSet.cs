using System.Diagnostics;
using System.Text.Json;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Triage;

namespace PingYi.Benchmarks.Triage;

/// <summary>
/// The labelled triage set (labelled.jsonl: complaints across the demo units with the unit that handles them;
/// similar.jsonl: independent reports of the same incidents and same-topic reports of different ones) and the
/// measurements the benchmark prints and the Web tests hold to the targets. Shared by both (linked source).
/// </summary>
public static class TriageSet
{
    public sealed record Labelled(int Id, string Unit, string Category, string Kind, string Title, string Text);

    public sealed record Report(int Id, string Incident, string Unit, int Day, string Location, DateOnly OccurredOn, string Title, string Text);

    public sealed record Accuracy(int Count, double Top1, double Top3, double Category, IReadOnlyList<double> LatenciesMs, IReadOnlyList<string> Misses);

    public sealed record SimilarResult(int Reports, int ExpectedPairs, int Found, int Correct, IReadOnlyList<string> Errors)
    {
        public double Recall => ExpectedPairs == 0 ? 1 : (double)Correct / ExpectedPairs;

        public double Precision => Found == 0 ? 1 : (double)Correct / Found;
    }

    /// <summary>Day 0 of the set's submissions.</summary>
    public static readonly DateTime Start = new(2026, 10, 1, 1, 0, 0, DateTimeKind.Utc);

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static IReadOnlyList<Labelled> LoadLabelled(string directory) =>
        File.ReadLines(Path.Combine(directory, "labelled.jsonl")).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Labelled>(l, Json)!).ToList();

    public static IReadOnlyList<Report> LoadReports(string directory) =>
        File.ReadLines(Path.Combine(directory, "similar.jsonl")).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Report>(l, Json)!).ToList();

    /// <summary>The demo roster: next to the binaries (the app copies it) or in the source tree.</summary>
    public static string RosterPath()
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "DemoData", "units.csv");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && !File.Exists(copied); dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "src", "PingYi.Web", "DemoData", "units.csv");
            if (File.Exists(path))
            {
                return path;
            }
        }
        return copied;
    }

    /// <summary>The demo roster (src/PingYi.Web/DemoData/units.csv), read by the app's own unit import.</summary>
    public static IReadOnlyList<UnitProfile> DemoUnits(string csvPath)
    {
        using var file = File.OpenRead(csvPath);
        var read = UnitSpreadsheet.Read(file, MiniExcelLibs.ExcelType.CSV);
        if (!read.Succeeded)
        {
            throw new InvalidOperationException("The demo roster does not import: " + read.Failure!.Title);
        }
        return read.Value!.Select((u, i) => new UnitProfile(i + 1, u.Code, u.Name, u.ShortNames ?? [], u.Duties, u.Active)).ToList();
    }

    public static TriageEngine NewEngine(IReadOnlyList<UnitProfile> units)
    {
        var engine = new TriageEngine();
        engine.SetUnits(units);
        return engine;
    }

    private static TriageQuery QueryOf(Labelled l) => new(null, l.Title, l.Text, null, null, Start.AddDays(60), null);

    /// <summary>The committee's assignments of these complaints: indexed as assigned to their labelled unit.</summary>
    public static void Learn(TriageEngine engine, IEnumerable<Labelled> assigned) =>
        engine.Upsert(assigned.Select(l => new CaseDocument(l.Id, "L" + l.Id, l.Unit, true, l.Title, l.Text, null, null, Start.AddDays(l.Id % 60))).ToList());

    /// <summary>Top-1 and top-3 unit accuracy, category accuracy, and each suggestion's time.</summary>
    public static Accuracy Measure(TriageEngine engine, IReadOnlyList<Labelled> set)
    {
        int top1 = 0, top3 = 0, category = 0;
        var times = new List<double>(set.Count);
        var misses = new List<string>();
        foreach (var l in set)
        {
            var started = Stopwatch.GetTimestamp();
            var s = engine.Suggest(QueryOf(l));
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var codes = s.Units.Select(u => u.Code).ToList();
            top1 += codes.FirstOrDefault() == l.Unit ? 1 : 0;
            top3 += codes.Contains(l.Unit) ? 1 : 0;
            category += s.Category.Code == l.Category ? 1 : 0;
            if (codes.FirstOrDefault() != l.Unit)
            {
                misses.Add($"{l.Id} {l.Kind} {l.Unit} → {string.Join(",", codes)}: {l.Title}");
            }
        }
        var n = Math.Max(1, set.Count);
        return new Accuracy(set.Count, (double)top1 / n, (double)top3 / n, (double)category / n, times, misses);
    }

    /// <summary>One listed similar case: its score and whether it reports the same incident.</summary>
    public sealed record ScoredPair(string Report, string Listed, double Score, bool Correct, string Reasons);

    /// <summary>
    /// Similar complaints: the labelled set is indexed first as earlier assigned cases (distinct incidents each), then
    /// each report comes in by its day, is asked for similar cases (the engine's threshold set to 0: every candidate
    /// with its score), and is indexed. A listed case is correct when it reports the same incident; every earlier
    /// report of the same incident is expected. <see cref="At"/> then counts what a threshold lists.
    /// </summary>
    public static (IReadOnlyList<ScoredPair> Pairs, int ExpectedPairs) ScoreSimilar(IReadOnlyList<UnitProfile> units, IReadOnlyList<Labelled> background, IReadOnlyList<Report> reports)
    {
        using var engine = new TriageEngine(similar: new SimilarComplaints.Settings(Threshold: 0, Take: 30));
        engine.SetUnits(units);
        Learn(engine, background);
        var incidentOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new List<Report>();
        var expected = 0;
        var pairs = new List<ScoredPair>();
        foreach (var r in reports.OrderBy(r => r.Day).ThenBy(r => r.Id))
        {
            var at = Start.AddDays(r.Day).AddMinutes(r.Id % 600);
            var s = engine.Suggest(new TriageQuery(r.Id, r.Title, r.Text, r.Location, r.OccurredOn, at, r.Unit));
            expected += seen.Count(e => e.Incident == r.Incident);
            if (Environment.GetEnvironmentVariable("PINGYI_TRIAGE_DEBUG") is not null)
            {
                foreach (var e in seen.Where(e => e.Incident == r.Incident && s.Similar.All(x => x.TrackingNumber != "S" + e.Id)))
                {
                    Console.WriteLine($"  not a candidate: S{r.Id} ~ S{e.Id} ({r.Incident})");
                }
            }
            pairs.AddRange(s.Similar.Select(x => new ScoredPair("S" + r.Id, x.TrackingNumber, x.Score,
                incidentOf.GetValueOrDefault(x.TrackingNumber) == r.Incident, string.Join("; ", x.Reasons))));
            var number = "S" + r.Id;
            incidentOf[number] = r.Incident;
            engine.Upsert([new CaseDocument(r.Id, number, r.Unit, false, r.Title, r.Text, r.Location, r.OccurredOn, at)]);
            seen.Add(r);
        }
        return (pairs, expected);
    }

    /// <summary>What <paramref name="threshold"/> lists of the scored pairs (the engine lists at most five per complaint).</summary>
    public static SimilarResult At(IReadOnlyList<ScoredPair> pairs, int expectedPairs, double threshold)
    {
        var listed = pairs.Where(p => p.Score >= threshold).GroupBy(p => p.Report).SelectMany(g => g.OrderByDescending(p => p.Score).Take(5)).ToList();
        var errors = listed.Where(p => !p.Correct).Select(p => $"wrong {p.Report} ~ {p.Listed} {p.Score:0.00} {p.Reasons}")
            .Concat(pairs.Where(p => p.Correct && p.Score < threshold).Select(p => $"missed {p.Report} ~ {p.Listed} {p.Score:0.00} {p.Reasons}"))
            .ToList();
        return new SimilarResult(pairs.Select(p => p.Report).Distinct().Count(), expectedPairs, listed.Count, listed.Count(p => p.Correct), errors);
    }

    /// <summary>The value below which <paramref name="p"/> of the values lie (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
