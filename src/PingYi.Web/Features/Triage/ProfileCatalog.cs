using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// A small, immutable Lucene index of profiles (a unit's duties and names, or a category's description), built
/// whole and swapped when they change: one document per profile, BM25-scored against a complaint's words.
/// </summary>
public sealed class ProfileCatalog : IDisposable
{
    public sealed record Entry(string Key, string Label, string Text, IReadOnlyList<string> Names);

    /// <summary>A profile's BM25 score for a complaint and the complaint's words it contains, rarest first.</summary>
    public sealed record Match(Entry Entry, double Score, IReadOnlyList<string> Words);

    private const string KeyField = "key";
    private const string TextField = "text";

    private readonly RAMDirectory directory = new();
    private readonly DirectoryReader reader;
    private readonly IndexSearcher searcher;
    private readonly Dictionary<string, (Entry Entry, HashSet<string> Words)> byKey = new(StringComparer.Ordinal);

    public ProfileCatalog(IEnumerable<Entry> entries)
    {
        var config = new IndexWriterConfig(TriageText.Version, new WhitespaceAnalyzer(TriageText.Version)) { Similarity = new BM25Similarity() };
        using (var writer = new IndexWriter(directory, config))
        {
            foreach (var e in entries)
            {
                // The names are segmented too: 人力资源和社会保障厅 also matches a complaint about 社会保障.
                var words = TriageText.Words(e.Text + "。" + string.Join("。", e.Names));
                byKey[e.Key] = (e, words.ToHashSet(StringComparer.Ordinal));
                writer.AddDocument(new Document
                {
                    new StringField(KeyField, e.Key, Field.Store.YES),
                    new TextField(TextField, string.Join(' ', words), Field.Store.NO),
                });
            }
            writer.Commit();
        }
        reader = DirectoryReader.Open(directory);
        searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
    }

    public IReadOnlyList<Entry> Entries => byKey.Values.Select(v => v.Entry).ToList();

    /// <summary>Every word of every profile.</summary>
    public HashSet<string> AllWords => byKey.Values.SelectMany(v => v.Words).ToHashSet(StringComparer.Ordinal);

    public Entry? Find(string key) => byKey.TryGetValue(key, out var e) ? e.Entry : null;

    /// <summary>Every profile that shares a word with <paramref name="words"/>, best first.</summary>
    public IReadOnlyList<Match> Search(IReadOnlyCollection<string> words)
    {
        if (words.Count == 0 || byKey.Count == 0)
        {
            return [];
        }
        var query = TriageQueries.AnyOf(TextField, words);
        var hits = searcher.Search(query, byKey.Count).ScoreDocs;
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        int Df(string w)
        {
            if (!df.TryGetValue(w, out var n))
            {
                df[w] = n = reader.DocFreq(new Term(TextField, w));
            }
            return n;
        }
        var matches = new List<Match>(hits.Length);
        foreach (var hit in hits)
        {
            var key = searcher.Doc(hit.Doc).Get(KeyField);
            var (entry, own) = byKey[key];
            var shared = words.Where(own.Contains).OrderBy(Df).ThenByDescending(w => w.Length).ToList();
            matches.Add(new Match(entry, hit.Score, shared));
        }
        return matches;
    }

    public void Dispose()
    {
        reader.Dispose();
        directory.Dispose();
    }
}

internal static class TriageQueries
{
    /// <summary>Lucene's default clause limit; a longer complaint is matched on its first distinct words.</summary>
    private const int MaxWords = 1000;

    public static BooleanQuery AnyOf(string field, IEnumerable<string> words)
    {
        var query = new BooleanQuery();
        foreach (var w in words.Distinct(StringComparer.Ordinal).Take(MaxWords))
        {
            query.Add(new TermQuery(new Term(field, w)), Occur.SHOULD);
        }
        return query;
    }
}
