using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// The complaints in memory (a Lucene <see cref="RAMDirectory"/>), one document per complaint keyed by its id:
/// an upsert replaces it, so an assignment and a later transfer leave the complaint under the unit that holds it.
/// Searches see every upsert at once (near-real-time reader refreshed after each write; a bulk load refreshes less often).
/// Besides its words (<see cref="TextField"/>), a complaint's words are indexed in buckets by the month it was
/// submitted: <see cref="LearnField"/> (assigned complaints, word|month, newest month first in term order) and
/// <see cref="NearField"/> (every complaint, word|month|unit), so the learned search reads only the most recent
/// postings of each word and the similar search only the months and units it asks for, whatever the index's size.
/// A complaint's row version decides between two writers of it: an older version never replaces a newer one, so a
/// start-up load or a catch-up that read the row before a save committed cannot undo what the save wrote.
/// </summary>
public sealed class CaseIndex : IDisposable
{
    public const string IdField = "id";
    public const string NumberField = "tn";
    public const string UnitField = "unit";
    public const string AtField = "at";
    public const string TextField = "text";
    public const string LearnField = "lw";
    public const string NearField = "sw";
    public const string PlaceField = "place";
    public const string OccurredField = "on";
    public const string SequenceField = "seq";

    /// <summary>One hit: the stored fields the suggestions explain themselves with.</summary>
    public sealed record Hit(long Id, string TrackingNumber, string UnitCode, double Score, IReadOnlyList<string> Words, string? Location,
        DateOnly? OccurredOn, DateTime SubmittedAtUtc);

    private const char Separator = '|';

    /// <summary>Words and their counts only: no positions (no phrase is searched), the length norm kept for BM25.</summary>
    private static readonly FieldType WordsType = Frozen(new FieldType(Lucene.Net.Documents.TextField.TYPE_STORED) { IndexOptions = IndexOptions.DOCS_AND_FREQS });

    /// <summary>Bucketed words: scored with <see cref="TextField"/>'s norms (the same length), so none of their own.</summary>
    private static readonly FieldType BucketType = Frozen(new FieldType
    {
        IsIndexed = true, IsTokenized = true, IsStored = false, IndexOptions = IndexOptions.DOCS_AND_FREQS, OmitNorms = true,
    });

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }

    private readonly RAMDirectory directory = new();
    private readonly IndexWriter writer;
    private readonly SearcherManager searchers;
    private readonly System.Threading.Lock gate = new();

    /// <param name="learnedPostingsPerWord">See <see cref="LearnedPostingsPerWord"/> (smaller in tests).</param>
    public CaseIndex(int learnedPostingsPerWord = LearnedPostingsPerWord)
    {
        this.learnedPostingsPerWord = learnedPostingsPerWord;
        writer = new IndexWriter(directory, new IndexWriterConfig(TriageText.Version, new WhitespaceAnalyzer(TriageText.Version))
        {
            Similarity = new BM25Similarity(),
            OpenMode = OpenMode.CREATE,
            RAMBufferSizeMB = 128,
        });
        searchers = new SearcherManager(writer, applyAllDeletes: true, new Bm25Searchers());
    }

    /// <summary>Adds or replaces complaints (by id, unless the index holds a newer version); visible to the next search.</summary>
    public void Upsert(IEnumerable<CaseDocument> cases) => Write(cases, refresh: true);

    /// <summary>
    /// Adds or replaces many complaints (a rebuild's batch) as <see cref="Upsert"/> does: segmented on every core, and
    /// made visible to searches at most every <see cref="LoadRefresh"/> (and by the next <see cref="Upsert"/> or <see cref="Refresh"/>).
    /// </summary>
    public void Load(IEnumerable<CaseDocument> cases) => Write(cases, refresh: false);

    /// <summary>Makes everything loaded visible to searches.</summary>
    public void Refresh()
    {
        lock (gate)
        {
            searchers.MaybeRefreshBlocking();
            lastRefresh = System.Diagnostics.Stopwatch.GetTimestamp();
        }
    }

    private static readonly TimeSpan LoadRefresh = TimeSpan.FromSeconds(5);

    private long lastRefresh;

    /// <summary>The row version of each complaint written (under <see cref="gate"/>).</summary>
    private readonly Dictionary<long, int> versions = [];

    private void Write(IEnumerable<CaseDocument> cases, bool refresh)
    {
        var list = cases as IReadOnlyList<CaseDocument> ?? cases.ToList();
        // Segmenting is most of an upsert's cost and needs no lock.
        var docs = list.Count < 64
            ? list.Select(c => (c, ToDocument(c))).ToList()
            : list.AsParallel().AsOrdered().Select(c => (c, ToDocument(c))).ToList();
        lock (gate)
        {
            foreach (var (c, doc) in docs)
            {
                // Checked under the lock, after segmenting: the writer that read the row last wins, not the one that wrote last.
                if (versions.TryGetValue(c.Id, out var held) && held > c.Version)
                {
                    continue;
                }
                versions[c.Id] = c.Version;
                writer.UpdateDocument(new Term(IdField, c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), doc);
            }
            if (refresh || System.Diagnostics.Stopwatch.GetElapsedTime(lastRefresh) >= LoadRefresh)
            {
                searchers.MaybeRefreshBlocking();
                lastRefresh = System.Diagnostics.Stopwatch.GetTimestamp();
            }
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
        var words = TriageText.Words(c.Title + "。" + c.Description);
        var month = MonthOf(c.SubmittedAtUtc);
        var doc = new Document
        {
            new StringField(IdField, c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES),
            new StoredField(NumberField, c.TrackingNumber),
            new StoredField(UnitField, c.UnitCode),
            new SortedDocValuesField(UnitField, new BytesRef(c.UnitCode)),
            new StoredField(AtField, c.SubmittedAtUtc.Ticks),
            new NumericDocValuesField(AtField, c.SubmittedAtUtc.Ticks),
            new NumericDocValuesField(SequenceField, c.Id),
            new Field(TextField, string.Join(' ', words), WordsType),
            // One token per word token, repeats kept: the same length norm and term frequencies as the words.
            new Field(NearField, new Tokens(words.Select(w => NearTerm(w, month, c.UnitCode)).ToList()), BucketType),
        };
        if (c.Assigned)
        {
            doc.Add(new Field(LearnField, new Tokens(words.Select(w => LearnPrefix(w) + NewestFirst(month)).ToList()), BucketType));
        }
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

    private static int MonthOf(DateTime utc) => (utc.Year * 12) + utc.Month - 1;

    private const int MaxMonth = 99_999;

    private static string NewestFirst(int month) => (MaxMonth - month).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);

    private static string LearnPrefix(string word) => word + Separator;

    private static string NearTerm(string word, int month, string unit) =>
        string.Concat(word, Separator.ToString(), month.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), Separator.ToString(), unit);

    /// <summary>The most telling words a search asks for (by IDF): bounds a search's cost however long the complaint.</summary>
    public const int MaxQueryWords = 24;

    /// <summary>A word in more than this share of the complaints says little and costs much: not asked for (large indexes only).</summary>
    private const double MaxDocShare = 0.05;

    private const int CommonWordsFrom = 2000;

    /// <summary>The learned search reads a word's postings newest month first until it has this many complaints ...</summary>
    public const int LearnedPostingsPerWord = 2000;

    private readonly int learnedPostingsPerWord;

    /// <summary>... or this many months of them: a learned word's cost does not grow with the index.</summary>
    public const int LearnedMonths = 36;

    /// <summary>
    /// The best <paramref name="take"/> assigned complaints sharing telling words with <paramref name="words"/>,
    /// reading of each word only its most recent postings (<see cref="LearnedPostingsPerWord"/> complaints, from whole months): how many there are
    /// of each unit, and the best <paramref name="perUnit"/> of each unit in full; with the index's IDF for weighting
    /// words (cached for this search).
    /// </summary>
    public (IReadOnlyList<Hit> Best, IReadOnlyDictionary<string, int> PerUnit, Func<string, double> Idf) SearchAssigned(
        IReadOnlyCollection<string> words, int take, int perUnit)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var (best, idf) = Search(words, (search, asked) =>
        {
            var buckets = asked.Select(w =>
            {
                var terms = new List<BytesRef>();
                var postings = 0;
                // Newest month first (the term order); enough of them for the word's most recent complaints.
                foreach (var (term, df) in search.Bucket.TermsStartingWith(LearnField, LearnPrefix(w)).Take(LearnedMonths))
                {
                    terms.Add(term);
                    if ((postings += df) >= learnedPostingsPerWord)
                    {
                        break;
                    }
                }
                return new BucketSearch.Word(w, search.Bucket.WeightOf(w, search.Context(w)), terms);
            }).ToList();
            var top = search.Bucket.Top(LearnField, buckets, accept: null, take);
            // Only the complaints that count are read in full: the stored fields cost far more than the unit.
            var keep = new List<ScoreDoc>();
            foreach (var sd in top)
            {
                var unit = search.Bucket.UnitOf(sd.Doc);
                counts[unit] = counts.GetValueOrDefault(unit) + 1;
                if (counts[unit] <= perUnit)
                {
                    keep.Add(sd);
                }
            }
            return Hits(search.Searcher, keep);
        });
        return (best, counts, idf);
    }

    /// <summary>
    /// The best <paramref name="take"/> complaints about one of <paramref name="units"/> submitted in [from, to]
    /// sharing telling words with <paramref name="words"/>; with <paramref name="before"/>, only those saved before
    /// it (a lower id: two complaints can share a time stamp). Reads only those units' postings of those months.
    /// </summary>
    public (IReadOnlyList<Hit> Hits, Func<string, double> Idf) SearchEarlier(
        IReadOnlyCollection<string> words, IReadOnlyCollection<string> units, DateTime fromUtc, DateTime toUtc, long? before, int take) =>
        Search(words, (search, asked) =>
        {
            var months = Enumerable.Range(MonthOf(fromUtc), Math.Max(0, MonthOf(toUtc) - MonthOf(fromUtc) + 1)).ToList();
            var buckets = asked.Select(w => new BucketSearch.Word(w, search.Bucket.WeightOf(w, search.Context(w)),
                months.SelectMany(m => units.Select(u => new BytesRef(NearTerm(w, m, u)))).ToList())).ToList();
            return Hits(search.Searcher, search.Bucket.Top(NearField, buckets, leaf =>
            {
                // The months bound the search; the submission time and the id (doc values) make the window exact.
                var at = leaf.AtomicReader.GetNumericDocValues(AtField);
                var sequence = leaf.AtomicReader.GetNumericDocValues(SequenceField);
                return d => at.Get(d) is var t && t >= fromUtc.Ticks && t <= toUtc.Ticks && (before is not { } id || sequence.Get(d) < id);
            }, take));
        });

    /// <summary>A search in progress: the searcher, and each word's statistics over the whole index.</summary>
    private sealed record Searching(IndexSearcher Searcher, BucketSearch Bucket, Func<string, TermContext> Context);

    private (IReadOnlyList<Hit> Hits, Func<string, double> Idf) Search(IReadOnlyCollection<string> words, Func<Searching, List<string>, List<Hit>> search)
    {
        var searcher = searchers.Acquire();
        try
        {
            var reader = searcher.IndexReader;
            var total = Math.Max(1, reader.NumDocs);
            var cache = new Dictionary<string, (TermContext Context, double Idf)>(StringComparer.Ordinal);
            (TermContext Context, double Idf) Stats(string w)
            {
                if (!cache.TryGetValue(w, out var s))
                {
                    var context = TermContext.Build(reader.Context, new Term(TextField, w));
                    var df = context.DocFreq;
                    s = (context, Math.Log(1 + ((total - df + 0.5) / (df + 0.5))));
                    cache[w] = s;
                }
                return s;
            }
            double Idf(string w) => Stats(w).Idf;
            var asked = words.Distinct(StringComparer.Ordinal)
                .Where(w => Stats(w).Context.DocFreq > 0 && (total < CommonWordsFrom || Stats(w).Context.DocFreq <= MaxDocShare * total))
                .OrderByDescending(Idf).Take(MaxQueryWords).ToList();
            return asked.Count == 0 ? ([], Idf) : (search(new Searching(searcher, new BucketSearch(searcher), w => Stats(w).Context), asked), Idf);
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    private static List<Hit> Hits(IndexSearcher searcher, IReadOnlyCollection<ScoreDoc> top)
    {
        var hits = new List<Hit>(top.Count);
        foreach (var sd in top)
        {
            var d = searcher.Doc(sd.Doc);
            var on = d.GetField(OccurredField)?.GetInt32Value();
            hits.Add(new Hit(
                long.Parse(d.Get(IdField), System.Globalization.CultureInfo.InvariantCulture), d.Get(NumberField), d.Get(UnitField), sd.Score,
                Split(d.Get(TextField)), d.Get(PlaceField), on is { } n ? DateOnly.FromDayNumber(n) : null,
                new DateTime(d.GetField(AtField).GetInt64Value()!.Value, DateTimeKind.Utc)));
        }
        return hits;
    }

    private static string[] Split(string? text) => string.IsNullOrEmpty(text) ? [] : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A list of words as a field's tokens (bucketed words hold a unit code, which may hold anything).</summary>
    private sealed class Tokens : Lucene.Net.Analysis.TokenStream
    {
        private readonly IReadOnlyList<string> tokens;
        private readonly Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute term;
        private int next;

        public Tokens(IReadOnlyList<string> tokens)
        {
            this.tokens = tokens;
            term = AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        }

        public override bool IncrementToken()
        {
            if (next >= tokens.Count)
            {
                return false;
            }
            ClearAttributes();
            term.SetEmpty().Append(tokens[next++]);
            return true;
        }

        public override void Reset()
        {
            base.Reset();
            next = 0;
        }
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
