namespace PingYi.Web.Features.Triage;

/// <summary>
/// Earlier complaints about the same unit (the one the complaint names, or the suggested one) that look like the
/// same matter: submitted within <see cref="Settings.Window"/> before it, sharing telling words (an IDF-weighted
/// cosine over their word sets), the same place and a close date of the event when both give one.
/// </summary>
public sealed class SimilarComplaints(CaseIndex cases, SimilarComplaints.Settings settings)
{
    /// <param name="Threshold">The least score listed (0..1); see docs/triage.md for how it was chosen.</param>
    public sealed record Settings(double Threshold = 0.5, int WindowDays = 60, int Candidates = 30, int Take = 5);

    public Settings Options => settings;


    /// <summary>An event date further apart than this (in days) counts against the pair.</summary>
    private const int CloseDays = 3;

    public IReadOnlyList<SimilarComplaint> Find(TriageQuery query, IReadOnlyCollection<string> words, string? suggestedUnit)
    {
        var units = new[] { query.UnitCode, suggestedUnit }.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (units.Count == 0 || words.Count == 0)
        {
            return [];
        }
        var (hits, idf) = cases.SearchEarlier(words, units, query.SubmittedAtUtc.AddDays(-settings.WindowDays), query.SubmittedAtUtc, query.Id, settings.Candidates);
        var asked = words.ToHashSet(StringComparer.Ordinal);
        var found = new List<SimilarComplaint>();
        foreach (var hit in hits)
        {
            var (score, reasons) = Score(asked, query.Location, query.OccurredOn, query.SubmittedAtUtc, hit, idf);
            if (score >= settings.Threshold)
            {
                found.Add(new SimilarComplaint(hit.TrackingNumber, Math.Round(score, 3), reasons));
            }
        }
        return found.OrderByDescending(f => f.Score).Take(settings.Take).ToList();
    }

    private static (double Score, List<string> Reasons) Score(
        HashSet<string> words, string? location, DateOnly? occurredOn, DateTime submittedAtUtc, CaseIndex.Hit hit, Func<string, double> idf)
    {
        var other = hit.Words.ToHashSet(StringComparer.Ordinal);
        var shared = words.Where(other.Contains).OrderByDescending(idf).ToList();
        if (shared.Count == 0)
        {
            return (0, []);
        }
        double Mass(IEnumerable<string> set) => set.Sum(w => idf(w) * idf(w));
        var text = Mass(shared) / Math.Sqrt(Mass(words) * Mass(other));
        var reasons = new List<string> { $"相同的词：{string.Join("、", shared.Take(8))}" };
        // The same incident is corroborated by the place and the date of the event. Places are compared by character
        // pairs (a place name is often segmented into single characters), after the province and city.
        var place = Unknown;
        if (Places.Similarity(location, hit.Location) is { } p)
        {
            place = p;
            if (p >= SamePlace)
            {
                reasons.Add($"地点相近：{hit.Location}");
            }
        }
        var date = Unknown;
        if (occurredOn is { } a && hit.OccurredOn is { } b)
        {
            var apart = Math.Abs(a.DayNumber - b.DayNumber);
            date = apart <= 1 ? 1 : apart <= CloseDays ? 0.5 : 0;
            if (apart <= CloseDays)
            {
                reasons.Add(apart == 0 ? $"事发日期相同：{a:yyyy-MM-dd}" : $"事发日期相近：{b:yyyy-MM-dd}、{a:yyyy-MM-dd}");
            }
        }
        var score = (TextWeight * text) + (PlaceWeight * place) + (DateWeight * date);
        var days = (int)Math.Floor((submittedAtUtc - hit.SubmittedAtUtc).TotalDays);
        reasons.Add(days == 0 ? "同一天提交" : $"早 {days} 天提交");
        return (score, reasons);
    }

    private const double TextWeight = 0.45;
    private const double PlaceWeight = 0.35;
    private const double DateWeight = 0.2;

    /// <summary>What an unknown place or date (either complaint gives none) counts for.</summary>
    private const double Unknown = 0.15;

    /// <summary>A place similarity from which the place is given as a reason.</summary>
    private const double SamePlace = 0.5;
}
