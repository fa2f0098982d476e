namespace PingYi.Web.Features.Triage;

/// <summary>The units as the triage desk knows them: a profile index of duties and names, and the names to look for.</summary>
internal sealed class UnitCatalog
{
    /// <summary>Names shorter than this are not searched for (a single character is in too many texts).</summary>
    private const int MinNameLength = 2;

    private readonly List<(string Phrase, string Code)> names = [];

    public UnitCatalog(IEnumerable<UnitProfile> profiles)
    {
        Profiles = profiles.ToList();
        Duties = new ProfileCatalog(Profiles.Select(p => new ProfileCatalog.Entry(p.Code, p.Name, p.Duties, [p.Name, .. p.ShortNames])));
        foreach (var p in Profiles)
        {
            codes[p.Id] = p.Code;
            foreach (var phrase in NamesOf(p))
            {
                names.Add((phrase, p.Code));
            }
        }
        // Longest first: 省人力资源和社会保障厅 is reported rather than its part 人社.
        names.Sort((a, b) => b.Phrase.Length.CompareTo(a.Phrase.Length));
    }

    public IReadOnlyList<UnitProfile> Profiles { get; }

    private readonly Dictionary<int, string> codes = [];

    public string? CodeOf(int? id) => id is { } unitId ? codes.GetValueOrDefault(unitId) : null;

    public ProfileCatalog Duties { get; }

    /// <summary>The full name, the name without its 省/省委 prefix (人力资源和社会保障厅), and each short name.</summary>
    private static IEnumerable<string> NamesOf(UnitProfile p)
    {
        var all = new List<string> { TriageText.Compact(p.Name) };
        foreach (var prefix in new[] { "省委", "省" })
        {
            if (p.Name.StartsWith(prefix, StringComparison.Ordinal) && p.Name.Length - prefix.Length >= 3)
            {
                all.Add(TriageText.Compact(p.Name[prefix.Length..]));
                break;
            }
        }
        all.AddRange(p.ShortNames.Select(TriageText.Compact));
        return all.Where(n => n.Length >= MinNameLength).Distinct(StringComparer.Ordinal);
    }

    /// <summary>Per unit, the longest of its names found in the text (a phrase inside a longer found name does not count again).</summary>
    public Dictionary<string, string> FindNames(string compactText)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var covered = new bool[compactText.Length];
        foreach (var (phrase, code) in names)
        {
            for (var at = compactText.IndexOf(phrase, StringComparison.Ordinal); at >= 0; at = compactText.IndexOf(phrase, at + 1, StringComparison.Ordinal))
            {
                if (covered[at] && covered[at + phrase.Length - 1])
                {
                    continue;
                }
                Array.Fill(covered, true, at, phrase.Length);
                found.TryAdd(code, phrase);
            }
        }
        return found;
    }
}
