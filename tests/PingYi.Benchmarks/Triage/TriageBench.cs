using System.Diagnostics;
using System.Globalization;
using PingYi.Web.Features.Triage;

namespace PingYi.Benchmarks.Triage;

/// <summary>
/// <c>PingYi.Benchmarks triage [--complaints 1000000] [--queries 500]</c>: issue 24's measurements, in process (no
/// database: the index is the app's own <see cref="TriageEngine"/>, filled as the start-up rebuild fills it).
/// <list type="number">
/// <item>Top-1/top-3 unit accuracy and category accuracy on the labelled set with nothing learnt (units' duties
/// and names only).</item>
/// <item>The same on the odd half after learning from the even half's assignments (and the even half's own
/// figures before learning, to compare like with like).</item>
/// <item>Similar complaints: recall and precision at the default threshold on the incidents set.</item>
/// <item>Latency: each suggestion's time with <c>--complaints</c> assigned complaints in the index (the labelled
/// texts recombined, each with its own place and number), p50/p95 over <c>--queries</c> suggestions, against the
/// baseline of segmenting the same texts alone (SmartCn), measured alternately in the same run.</item>
/// </list>
/// </summary>
public static class TriageBench
{
    public static int Run(string[] args)
    {
        int complaints = 1_000_000, queries = 500;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--complaints": complaints = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--queries": queries = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}");
            }
        }
        var directory = Path.Combine(AppContext.BaseDirectory, "Triage");
        var set = TriageSet.LoadLabelled(directory);
        var reports = TriageSet.LoadReports(directory);
        var units = TriageSet.DemoUnits(TriageSet.RosterPath());
        Console.WriteLine($"triage: {set.Count} labelled complaints over {set.Select(l => l.Unit).Distinct().Count()} units ({string.Join(", ",
            set.GroupBy(l => l.Kind).Select(g => $"{g.Key} {g.Count()}"))}); {reports.Count} incident reports");

        using (var engine = TriageSet.NewEngine(units))
        {
            Print("nothing learnt, whole set", TriageSet.Measure(engine, set));
        }
        var even = set.Where(l => l.Id % 2 == 0).ToList();
        var odd = set.Where(l => l.Id % 2 == 1).ToList();
        using (var engine = TriageSet.NewEngine(units))
        {
            Print("nothing learnt, odd half", TriageSet.Measure(engine, odd));
            TriageSet.Learn(engine, even);
            Print("learnt from the even half, odd half", TriageSet.Measure(engine, odd));
        }
        using (var engine = TriageSet.NewEngine(units))
        {
            Print("nothing learnt, even half", TriageSet.Measure(engine, even));
            TriageSet.Learn(engine, odd);
            Print("learnt from the odd half, even half", TriageSet.Measure(engine, even));
        }
        var threshold = new SimilarComplaints.Settings().Threshold;
        var (pairs, expected) = TriageSet.ScoreSimilar(units, set, reports);
        var similar = TriageSet.At(pairs, expected, threshold);
        Console.WriteLine(Line("similar", $"default threshold {threshold:0.00}", $"recall {similar.Recall:P1}", $"precision {similar.Precision:P1}",
            $"{similar.Correct}/{similar.ExpectedPairs} pairs found, {similar.Found} listed"));
        foreach (var e in similar.Errors)
        {
            Console.WriteLine("  " + e);
        }
        for (var t = 0.30; t < 0.71; t += 0.05)
        {
            var at = TriageSet.At(pairs, expected, t);
            Console.WriteLine(Line("similar sweep", $"threshold {t:0.00}", $"recall {at.Recall:P1}", $"precision {at.Precision:P1}"));
        }
        Latency(units, set, complaints, queries);
        return 0;
    }

    private static void Print(string label, TriageSet.Accuracy a)
    {
        Console.WriteLine(Line("accuracy", label, $"n {a.Count}", $"top-1 {a.Top1:P1}", $"top-3 {a.Top3:P1}", $"category {a.Category:P1}"));
        foreach (var miss in a.Misses)
        {
            Console.WriteLine("  miss " + miss);
        }
    }

    private static string Line(params string[] parts) => "triage, " + string.Join(", ", parts);

    private static void Latency(IReadOnlyList<UnitProfile> units, IReadOnlyList<TriageSet.Labelled> set, int complaints, int queries)
    {
        using var engine = TriageSet.NewEngine(units);
        var loading = Stopwatch.StartNew();
        var random = new Random(24);
        const int batch = 10_000;
        for (var start = 0; start < complaints; start += batch)
        {
            var docs = new List<CaseDocument>(batch);
            for (var i = start; i < Math.Min(complaints, start + batch); i++)
            {
                var l = set[random.Next(set.Count)];
                var other = set[random.Next(set.Count)];
                // Each synthetic complaint: a labelled text, half of another's, its own place and number.
                var text = $"{l.Text}{other.Text[..(other.Text.Length / 2)]}地点{Places[random.Next(Places.Length)]}{random.Next(1, 300)}号。";
                docs.Add(new CaseDocument(10_000_000 + i, "B" + i, l.Unit, true, l.Title, text, null, null,
                    TriageSet.Start.AddMinutes(random.Next(0, 60 * 24 * 365))));
            }
            engine.Load(docs);
        }
        engine.Refresh();
        Console.WriteLine(Line("index", $"{engine.CaseCount} complaints", $"loaded in {loading.Elapsed.TotalSeconds:0} s",
            $"managed heap {GC.GetTotalMemory(forceFullCollection: true) / 1024 / 1024} MB"));
        var suggest = new List<double>(queries);
        var segment = new List<double>(queries);
        var phases = new List<double[]>(queries);
        for (var q = 0; q < queries + 20; q++)
        {
            var l = set[q % set.Count];
            var at = TriageSet.Start.AddDays(200 + (q % 100));
            var t0 = Stopwatch.GetTimestamp();
            var s = engine.Suggest(new TriageQuery(null, l.Title, l.Text, null, null, at, l.Unit));
            var t1 = Stopwatch.GetTimestamp();
            _ = TriageText.Words(l.Title + "。" + l.Text);
            var t2 = Stopwatch.GetTimestamp();
            var split = Phases(engine, new TriageQuery(null, l.Title, l.Text, null, null, at, l.Unit));
            if (q >= 20 && s.Units.Count >= 0)
            {
                // The first 20 warm up (JIT, the SmartCn dictionary, the searcher's caches).
                suggest.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                segment.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                phases.Add(split);
            }
        }
        var p95 = TriageSet.Percentile(suggest, 0.95);
        var baseline = TriageSet.Percentile(segment, 0.95);
        Console.WriteLine(Line("latency", $"{engine.CaseCount} complaints", $"{queries} suggestions",
            $"p50 {TriageSet.Percentile(suggest, 0.5):0.0} ms", $"p95 {p95:0.0} ms",
            $"baseline (segmenting the text alone) p95 {baseline:0.00} ms", $"ratio {p95 / Math.Max(baseline, 0.001):0.0}x",
            $"load average {ChannelScoreBench.LoadAverage()}"));
        string[] names = ["segmenting", "units", "similar", "category"];
        Console.WriteLine(Line("latency parts", string.Join(", ", names.Select((n, i) =>
            $"{n} p50 {TriageSet.Percentile(phases.Select(p => p[i]).ToList(), 0.5):0.00} / p95 {TriageSet.Percentile(phases.Select(p => p[i]).ToList(), 0.95):0.00} ms"))));
    }

    /// <summary>The suggestion's parts timed apart (ms): segmenting, units (duties, names, learned), similar, category.</summary>
    private static double[] Phases(TriageEngine engine, TriageQuery query)
    {
        var t0 = Stopwatch.GetTimestamp();
        var words = TriageText.Words(query.Title + "。" + query.Description).Distinct(StringComparer.Ordinal).ToList();
        var t1 = Stopwatch.GetTimestamp();
        var units = engine.RankUnits(words, TriageText.Compact(query.Title + "。" + query.Description));
        var t2 = Stopwatch.GetTimestamp();
        _ = engine.Similar.Find(query, words, units.FirstOrDefault()?.Code);
        var t3 = Stopwatch.GetTimestamp();
        _ = engine.SuggestCategory(words);
        var t4 = Stopwatch.GetTimestamp();
        return [Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds, Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds,
            Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds, Stopwatch.GetElapsedTime(t3, t4).TotalMilliseconds];
    }

    private static readonly string[] Places =
    [
        "朝阳区", "南关区", "宽城区", "二道区", "绿园区", "双阳区", "九台区", "农安县", "榆树市", "德惠市", "船营区", "昌邑区", "龙潭区", "丰满区", "蛟河市",
        "桦甸市", "舒兰市", "磐石市", "永吉县", "铁西区", "铁东区", "梨树县", "伊通县", "公主岭市", "双辽市", "龙山区", "西安区", "东丰县", "东辽县", "东昌区",
    ];
}
