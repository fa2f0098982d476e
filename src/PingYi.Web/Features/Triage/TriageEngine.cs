using System.Text.Json;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// The triage desk's suggestions for one complaint, from its text alone: up to three units (their duties and
/// names, and the complaints the committee has assigned to each), a category, and earlier similar complaints —
/// each with the reasons a person can check. One per node (a singleton), kept current by <see cref="TriageIndexSync"/>
/// and <see cref="TriageSaveInterceptor"/>; thread-safe.
/// </summary>
public sealed class TriageEngine : IDisposable
{
    /// <summary>
    /// Weights of the three unit signals, each first scaled to 0..1 across the units: duties and names relative to the
    /// best unit's, the learned signal as the unit's share of all learned evidence (see <see cref="Share"/>).
    /// </summary>
    public sealed record Weights(double Duties = 1.0, double Learned = 0.4, double Name = 0.7, double Saturation = 2.0);

    public const int MaxUnits = 3;

    /// <summary>How many assigned complaints the learned signal looks at, and how many of them count per unit.</summary>
    private const int LearnedHits = 40;
    private const int LearnedPerUnit = 3;
    private const int MaxReasonWords = 6;

    private readonly CaseIndex cases = new();
    private readonly ProfileCatalog categories = new(LoadCategories());
    private readonly HashSet<string> styleWords;
    private volatile UnitCatalog units = new([]);

    public TriageEngine(Weights? weights = null, SimilarComplaints.Settings? similar = null)
    {
        UnitWeights = weights ?? new Weights();
        styleWords = categories.AllWords;
        Similar = new SimilarComplaints(cases, similar ?? new SimilarComplaints.Settings());
    }

    public Weights UnitWeights { get; }

    public SimilarComplaints Similar { get; }

    /// <summary>False until the first rebuild from the database has finished (suggestions until then lack the learned part).</summary>
    public bool Ready { get; internal set; }

    public int CaseCount => cases.Count;

    /// <summary>Replaces the unit profiles (at start, and when an admin changed a unit).</summary>
    public void SetUnits(IEnumerable<UnitProfile> profiles) => units = new UnitCatalog(profiles);

    public IReadOnlyList<UnitProfile> Units => units.Profiles;

    public string? UnitCodeOf(int? unitId) => units.CodeOf(unitId);

    /// <summary>
    /// Adds or replaces complaints: a new one, or one just assigned or transferred (a save's own, or one another node
    /// saved). A complaint read at an older version than the index holds is left as it is.
    /// </summary>
    public void Upsert(IEnumerable<CaseDocument> documents) => cases.Upsert(documents);

    /// <summary>
    /// Adds or replaces many complaints at once (the start-up rebuild's batches), as <see cref="Upsert"/> does:
    /// segmented on every core and made visible to searches every few seconds, all of them by <see cref="EndRebuild"/>.
    /// </summary>
    public void Load(IEnumerable<CaseDocument> documents) => cases.Load(documents);

    /// <summary>Makes everything <see cref="Load"/>ed visible to searches.</summary>
    public void Refresh() => cases.Refresh();

    /// <summary>The start-up rebuild has read everything: all of it visible, the learned part complete.</summary>
    internal void EndRebuild()
    {
        Refresh();
        Ready = true;
    }

    public TriageSuggestions Suggest(TriageQuery query)
    {
        var words = TriageText.Words(query.Title + "。" + query.Description);
        var distinct = words.Distinct(StringComparer.Ordinal).ToList();
        var unitList = RankUnits(distinct, TriageText.Compact(query.Title + "。" + query.Description));
        var similar = Similar.Find(query, distinct, unitList.FirstOrDefault()?.Code);
        return new TriageSuggestions(unitList, SuggestCategory(distinct), similar);
    }

    /// <summary>
    /// The units a citizen's own words point to (<c>/complaints/new</c>: 查找 over the matter, 您反映的问题可能涉及):
    /// <see cref="RankUnits"/> over <paramref name="text"/>, the same evidence a supervisor's suggestion weighs. Only
    /// unit names leave this method, never another complaint's words.
    /// </summary>
    public IReadOnlyList<UnitSuggestion> UnitsFor(string? text) =>
        string.IsNullOrWhiteSpace(text) || units.Profiles.Count == 0 ? []
            : RankUnits(TriageText.Words(text).Distinct(StringComparer.Ordinal).ToList(), TriageText.Compact(text));

    /// <summary>Up to <see cref="MaxUnits"/> active units, best first; only units with some evidence are listed.</summary>
    public IReadOnlyList<UnitSuggestion> RankUnits(IReadOnlyCollection<string> words, string compactText)
    {
        var catalog = units;
        var duties = catalog.Duties.Search(words).ToDictionary(m => m.Entry.Key, StringComparer.Ordinal);
        var maxDuty = duties.Count == 0 ? 0 : duties.Values.Max(m => m.Score);
        var named = catalog.FindNames(compactText);
        // A unit's name in an assigned complaint tells whom the complainant talked to (……说不归他们), not who
        // handles such matters; names are their own signal, so they are not asked of the learned complaints.
        var learned = Learned(words.Where(x => !named.Values.Any(n => n.Contains(x, StringComparison.Ordinal))).ToList());
        var allLearned = learned.Values.Sum(l => l.Score);
        var w = UnitWeights;
        var scale = w.Duties + w.Name + (learned.Count > 0 ? w.Learned : 0);
        var ranked = new List<UnitSuggestion>();
        foreach (var profile in catalog.Profiles.Where(p => p.Active))
        {
            var d = duties.TryGetValue(profile.Code, out var dm) ? Scale(dm.Score, maxDuty) : 0;
            var l = learned.TryGetValue(profile.Code, out var lm) ? Share(lm.Score, allLearned) : 0;
            var n = named.TryGetValue(profile.Code, out var phrase) ? 1 : 0;
            if (d + l + n <= 0)
            {
                continue;
            }
            var reasons = new List<string>();
            if (phrase is not null)
            {
                reasons.Add(phrase == profile.Name ? $"文中提到单位名称“{phrase}”" : $"文中提到“{phrase}”（{profile.Name}的常用名称）");
            }
            if (dm is { Words.Count: > 0 })
            {
                reasons.Add($"与职能简介相符的词：{string.Join("、", dm.Words.Take(MaxReasonWords))}");
            }
            if (lm is not null)
            {
                reasons.Add($"与此前交办该单位的 {lm.Cases} 件反映相同的词：{string.Join("、", lm.Words.Take(MaxReasonWords))}");
            }
            ranked.Add(new UnitSuggestion(profile.Code, profile.Name, Math.Round(((w.Duties * d) + (w.Learned * l) + (w.Name * n)) / scale, 3), reasons));
        }
        return ranked.OrderByDescending(r => r.Score).ThenBy(r => r.Code, StringComparer.Ordinal).Take(MaxUnits).ToList();
    }

    /// <summary>
    /// A signal's score on 0..1: relative to the best unit's, times how strong the best is (BM25 saturating at
    /// <see cref="Weights.Saturation"/>), so one weak shared word does not count as full evidence.
    /// </summary>
    private double Scale(double score, double best) =>
        best <= 0 ? 0 : score / best * (best / (best + UnitWeights.Saturation));

    /// <summary>
    /// The learned signal on 0..1: the unit's share of the learned evidence of all units, times how strong that
    /// evidence is in all (saturating as <see cref="Scale"/>). Assigned complaints that agree on one unit count fully;
    /// a few weak hits spread over several units count little, rather than the best of them counting as full evidence.
    /// </summary>
    private double Share(double score, double all) =>
        all <= 0 ? 0 : score / all * (all / (all + UnitWeights.Saturation));

    private sealed record LearnedUnit(double Score, int Cases, IReadOnlyList<string> Words);

    /// <summary>The assigned complaints closest to these words, summed per unit (the best few of each).</summary>
    private Dictionary<string, LearnedUnit> Learned(IReadOnlyCollection<string> words)
    {
        // How a complaint is worded (推诿, 拖延, 态度 …) says nothing about which unit it is about.
        var (best, perUnit, idf) = cases.SearchAssigned(words.Where(w => !styleWords.Contains(w)).ToList(), LearnedHits, LearnedPerUnit);
        var result = new Dictionary<string, LearnedUnit>(StringComparer.Ordinal);
        var asked = words.ToHashSet(StringComparer.Ordinal);
        foreach (var group in best.GroupBy(h => h.UnitCode, StringComparer.Ordinal))
        {
            var shared = group.SelectMany(h => h.Words.Where(asked.Contains).Distinct(StringComparer.Ordinal))
                .GroupBy(x => x, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenByDescending(g => idf(g.Key))
                .Select(g => g.Key).ToList();
            result[group.Key] = new LearnedUnit(group.Sum(h => h.Score), perUnit[group.Key], shared);
        }
        return result;
    }

    /// <summary>The category whose description shares the most telling words; 其他 with score 0 when none does.</summary>
    public CategorySuggestion SuggestCategory(IReadOnlyCollection<string> words)
    {
        var matches = categories.Search(words).Where(m => m.Entry.Key != OtherCategory).ToList();
        if (matches.Count == 0)
        {
            return new CategorySuggestion(OtherCategory, 0, ["未发现与其他类别相符的词"]);
        }
        var best = matches[0];
        var share = best.Score / matches.Sum(m => m.Score);
        return new CategorySuggestion(best.Entry.Key, Math.Round(share, 3),
            [$"与“{best.Entry.Label}”相符的词：{string.Join("、", best.Words.Take(MaxReasonWords))}"]);
    }

    private const string OtherCategory = "other";

    private static IEnumerable<ProfileCatalog.Entry> LoadCategories()
    {
        using var stream = typeof(TriageEngine).Assembly.GetManifestResourceStream("PingYi.Web.Features.Triage.TriageCategories.json")
            ?? throw new InvalidOperationException("TriageCategories.json is not embedded.");
        using var json = JsonDocument.Parse(stream);
        foreach (var c in json.RootElement.GetProperty("categories").EnumerateObject())
        {
            if (!Domain.Complaints.ProblemCategories.Codes.TryParse(c.Name, out var category))
            {
                throw new InvalidOperationException($"TriageCategories.json names an unknown category '{c.Name}'.");
            }
            yield return new ProfileCatalog.Entry(c.Name, Domain.Complaints.ProblemCategories.Codes.LabelOf(category), c.Value.GetString() ?? string.Empty, []);
        }
    }

    public void Dispose()
    {
        cases.Dispose();
        categories.Dispose();
    }
}
