using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// The complaints in memory (a Lucene <see cref="RAMDirectory"/>), one document per complaint keyed by its id:
/// an upsert replaces it, so an assignment and a later transfer leave the complaint under the unit that holds it.
/// Searches see every upsert at once (near-real-time reader refreshed after each write).
/// </summary>
public sealed class CaseIndex : IDisposable
{
    public const string IdField = "id";
    public const string NumberField = "tn";
    public const string UnitField = "unit";
    public const string AssignedField = "assigned";
    public const string AtField = "at";
    public const string TextField = "text";
    public const string PlaceField = "place";
    public const string OccurredField = "on";
    public const string SequenceField = "seq";

    /// <summary>One hit: the stored fields the suggestions explain themselves with.</summary>
    public sealed record Hit(long Id, string TrackingNumber, string UnitCode, double Score, IReadOnlyList<string> Words, string? Location,
        DateOnly? OccurredOn, DateTime SubmittedAtUtc);

    private readonly RAMDirectory directory = new();
    private readonly IndexWriter writer;
    private readonly SearcherManager searchers;
    private readonly System.Threading.Lock gate = new();

    public CaseIndex()
    {
        writer = new IndexWriter(directory, new IndexWriterConfig(TriageText.Version, new WhitespaceAnalyzer(TriageText.Version))
        {
            Similarity = new BM25Similarity(),
            OpenMode = OpenMode.CREATE,
            RAMBufferSizeMB = 64,
        });
        searchers = new SearcherManager(writer, applyAllDeletes: true, new Bm25Searchers());
    }

    /// <summary>Adds or replaces complaints (by id); visible to the next search.</summary>
    public void Upsert(IEnumerable<CaseDocument> cases)
    {
        lock (gate)
        {
            foreach (var c in cases)
            {
                writer.UpdateDocument(new Term(IdField, c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ToDocument(c));
            }
            searchers.MaybeRefreshBlocking();
        }
    }

    /// <summary>Empties the index (before a rebuild from the database).</summary>
    public void Clear()
    {
        lock (gate)
        {
            writer.DeleteAll();
            searchers.MaybeRefreshBlocking();
        }
    }

    public int Count
    {
        get
        {
            var s = searchers.Acquire();
            try
            {
                return s.IndexReader.NumDocs;
            }
            finally
            {
                searchers.Release(s);
            }
        }
    }

    private static Document ToDocument(CaseDocument c)
    {
        var doc = new Document
        {
            new StringField(IdField, c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES),
            new StoredField(NumberField, c.TrackingNumber),
            new StringField(UnitField, c.UnitCode, Field.Store.YES),
            new StringField(AssignedField, c.Assigned ? "1" : "0", Field.Store.NO),
            new Int64Field(AtField, c.SubmittedAtUtc.Ticks, Field.Store.YES),
            new Int64Field(SequenceField, c.Id, Field.Store.NO),
            new TextField(TextField, string.Join(' ', TriageText.Words(c.Title + "。" + c.Description)), Field.Store.YES),
        };
        if (!string.IsNullOrWhiteSpace(c.Location))
        {
            doc.Add(new StoredField(PlaceField, c.Location));
        }
        if (c.OccurredOn is { } on)
        {
            doc.Add(new StoredField(OccurredField, on.DayNumber));
        }
        return doc;
    }

    /// <summary>The most telling words a search asks for (by IDF): bounds a search's cost however long the complaint.</summary>
    public const int MaxQueryWords = 24;

    /// <summary>A word in more than this share of the complaints says little and costs much: not asked for (large indexes only).</summary>
    private const double MaxDocShare = 0.05;

    private const int CommonWordsFrom = 2000;

    /// <summary>
    /// The best <paramref name="take"/> complaints sharing telling words with <paramref name="words"/> among those
    /// <paramref name="filter"/> lets through, with the index's IDF for weighting words (cached for this search).
    /// </summary>
    public (IReadOnlyList<Hit> Hits, Func<string, double> Idf) Search(IReadOnlyCollection<string> words, Filter filter, int take)
    {
        var searcher = searchers.Acquire();
        try
        {
            var reader = searcher.IndexReader;
            var total = Math.Max(1, reader.NumDocs);
            var cache = new Dictionary<string, (int Df, double Idf)>(StringComparer.Ordinal);
            (int Df, double Idf) Stats(string w)
            {
                if (!cache.TryGetValue(w, out var s))
                {
                    var df = reader.DocFreq(new Term(TextField, w));
                    s = (df, Math.Log(1 + ((total - df + 0.5) / (df + 0.5))));
                    cache[w] = s;
                }
                return s;
            }
            double Idf(string w) => Stats(w).Idf;
            var asked = words.Distinct(StringComparer.Ordinal)
                .Where(w => Stats(w).Df > 0 && (total < CommonWordsFrom || Stats(w).Df <= MaxDocShare * total))
                .OrderByDescending(Idf).Take(MaxQueryWords).ToList();
            if (asked.Count == 0)
            {
                return ([], Idf);
            }
            var top = searcher.Search(TriageQueries.AnyOf(TextField, asked), filter, take);
            var hits = new List<Hit>(top.ScoreDocs.Length);
            foreach (var sd in top.ScoreDocs)
            {
                var d = searcher.Doc(sd.Doc);
                var on = d.GetField(OccurredField)?.GetInt32Value();
                hits.Add(new Hit(
                    long.Parse(d.Get(IdField), System.Globalization.CultureInfo.InvariantCulture), d.Get(NumberField), d.Get(UnitField), sd.Score,
                    Split(d.Get(TextField)), d.Get(PlaceField), on is { } n ? DateOnly.FromDayNumber(n) : null,
                    new DateTime(d.GetField(AtField).GetInt64Value()!.Value, DateTimeKind.Utc)));
            }
            return (hits, Idf);
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    private static string[] Split(string? text) => string.IsNullOrEmpty(text) ? [] : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Assigned complaints only; cached per index segment (the learned search runs it for every suggestion).</summary>
    public static readonly Filter Assigned = new CachingWrapperFilter(new QueryWrapperFilter(new TermQuery(new Term(AssignedField, "1"))));

    /// <summary>
    /// Complaints about one of <paramref name="units"/>, submitted in [from, to]; with <paramref name="before"/>, only
    /// those saved before it (a lower id: two complaints can share a time stamp).
    /// </summary>
    public static Filter Earlier(IEnumerable<string> units, DateTime fromUtc, DateTime toUtc, long? before)
    {
        var anyUnit = new BooleanQuery();
        foreach (var u in units.Distinct(StringComparer.Ordinal))
        {
            anyUnit.Add(new TermQuery(new Term(UnitField, u)), Occur.SHOULD);
        }
        var query = new BooleanQuery
        {
            { anyUnit, Occur.MUST },
            { NumericRangeQuery.NewInt64Range(AtField, fromUtc.Ticks, toUtc.Ticks, minInclusive: true, maxInclusive: true), Occur.MUST },
        };
        if (before is { } id)
        {
            query.Add(NumericRangeQuery.NewInt64Range(SequenceField, null, id, minInclusive: true, maxInclusive: false), Occur.MUST);
        }
        return new QueryWrapperFilter(query);
    }

    public void Dispose()
    {
        searchers.Dispose();
        writer.Dispose();
        directory.Dispose();
    }

    private sealed class Bm25Searchers : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = new BM25Similarity() };
    }
}
