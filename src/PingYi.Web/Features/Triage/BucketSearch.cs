using System.Buffers;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// BM25 over bucketed words (<see cref="CaseIndex.LearnField"/>: word|month, <see cref="CaseIndex.NearField"/>:
/// word|month|unit): only the buckets asked for are read, yet each complaint is scored exactly as a BM25 search of
/// the plain words over the whole index scores it (the words' statistics and length norms of
/// <see cref="CaseIndex.TextField"/>), summed over the words it holds. One terms enumerator and one postings
/// enumerator per index segment, reused across the terms: the cost is the postings read, not the terms asked.
/// </summary>
internal sealed class BucketSearch
{
    private static readonly BM25Similarity Bm25 = new();

    /// <summary>
    /// Score arrays of this class's own: a search needs them all zero and puts back every entry it touched, while
    /// arrays from <see cref="ArrayPool{T}.Shared"/> come back as other code left them (a chart's, an image's).
    /// </summary>
    private static readonly ArrayPool<float> Scores = ArrayPool<float>.Create(maxArrayLength: 1 << 25, maxArraysPerBucket: 16);

    /// <summary>One word asked for: its BM25 weight and the bucketed terms to read for it.</summary>
    public sealed record Word(string Text, Similarity.SimWeight Weight, List<BytesRef> Terms);

    private readonly IndexSearcher searcher;
    private readonly IndexReader reader;
    private readonly CollectionStatistics collection;

    public BucketSearch(IndexSearcher searcher)
    {
        this.searcher = searcher;
        reader = searcher.IndexReader;
        collection = searcher.CollectionStatistics(CaseIndex.TextField);
    }

    /// <summary>The unit a complaint is under (doc values: no stored fields read).</summary>
    public string UnitOf(int doc)
    {
        var leaf = reader.Leaves[ReaderUtil.SubIndex(doc, reader.Leaves)];
        var units = leaf.AtomicReader.GetSortedDocValues(CaseIndex.UnitField);
        if (units is null)
        {
            return string.Empty;
        }
        var value = new BytesRef();
        units.Get(doc - leaf.DocBase, value);
        return value.Utf8ToString();
    }

    /// <summary>The word's BM25 weight from its statistics over the whole index (<paramref name="context"/>: its postings in <see cref="CaseIndex.TextField"/>).</summary>
    public Similarity.SimWeight WeightOf(string word, TermContext context)
    {
        var weight = Bm25.ComputeWeight(1f, collection, searcher.TermStatistics(new Term(CaseIndex.TextField, word), context));
        // As a search normalizes a clause: BM25 ignores the query norm; no boost.
        weight.Normalize(1f, 1f);
        return weight;
    }

    /// <summary>The bucketed terms of <paramref name="field"/> that start with <paramref name="prefix"/>, over all segments, in term order, with their document counts.</summary>
    public List<(BytesRef Term, int DocFreq)> TermsStartingWith(string field, string prefix)
    {
        var found = new SortedDictionary<BytesRef, int>(BytesRef.UTF8SortedAsUnicodeComparer);
        var start = new BytesRef(prefix);
        foreach (var leaf in reader.Leaves)
        {
            var e = leaf.AtomicReader.GetTerms(field)?.GetEnumerator();
            if (e is null || e.SeekCeil(start) == TermsEnum.SeekStatus.END)
            {
                continue;
            }
            do
            {
                if (!StringHelper.StartsWith(e.Term, start))
                {
                    break;
                }
                var key = BytesRef.DeepCopyOf(e.Term);
                found[key] = found.GetValueOrDefault(key) + e.DocFreq;
            }
            while (e.MoveNext());
        }
        return found.Select(kv => (kv.Key, kv.Value)).ToList();
    }

    /// <summary>
    /// The best <paramref name="take"/> complaints by summed BM25 over <paramref name="words"/>, among those
    /// <paramref name="accept"/> (given a segment, a test of its documents) lets through; ties by index order.
    /// </summary>
    public ScoreDoc[] Top(string field, IReadOnlyList<Word> words, Func<AtomicReaderContext, Func<int, bool>>? accept, int take)
    {
        var scores = Scores.Rent(Math.Max(1, reader.MaxDoc));
        var touched = new List<int>();
        try
        {
            var terms = words.SelectMany(w => w.Terms.Select(t => (Term: t, w.Weight))).OrderBy(t => t.Term, BytesRef.UTF8SortedAsUnicodeComparer).ToList();
            foreach (var leaf in reader.Leaves)
            {
                var e = leaf.AtomicReader.GetTerms(field)?.GetEnumerator();
                if (e is null)
                {
                    continue;
                }
                var test = accept?.Invoke(leaf);
                var scorers = new Dictionary<Similarity.SimWeight, Similarity.SimScorer>(ReferenceEqualityComparer.Instance);
                DocsEnum? docs = null;
                foreach (var (term, weight) in terms)
                {
                    if (!e.SeekExact(term))
                    {
                        continue;
                    }
                    if (!scorers.TryGetValue(weight, out var scorer))
                    {
                        scorers[weight] = scorer = Bm25.GetSimScorer(weight, leaf);
                    }
                    docs = e.Docs(leaf.AtomicReader.LiveDocs, docs, DocsFlags.FREQS);
                    for (var d = docs.NextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = docs.NextDoc())
                    {
                        var at = leaf.DocBase + d;
                        if (scores[at] == 0)
                        {
                            touched.Add(at);
                            if (test is not null && !test(d))
                            {
                                scores[at] = float.NegativeInfinity;
                                continue;
                            }
                        }
                        scores[at] += scorer.Score(d, docs.Freq);
                    }
                }
            }
            return Best(scores, touched, take);
        }
        finally
        {
            foreach (var at in touched)
            {
                scores[at] = 0;
            }
            Scores.Return(scores);
        }
    }

    private static ScoreDoc[] Best(float[] scores, List<int> touched, int take)
    {
        // A min-heap of the best so far: the worst (lowest score, then highest doc) on top.
        var heap = new PriorityQueue<int, (float Score, int NegDoc)>();
        foreach (var at in touched)
        {
            var s = scores[at];
            if (float.IsNegativeInfinity(s))
            {
                continue;
            }
            if (heap.Count < take)
            {
                heap.Enqueue(at, (s, -at));
            }
            else if (heap.TryPeek(out _, out var worst) && (s > worst.Score || (s == worst.Score && -at > worst.NegDoc)))
            {
                heap.EnqueueDequeue(at, (s, -at));
            }
        }
        var best = new ScoreDoc[heap.Count];
        for (var i = best.Length - 1; i >= 0; i--)
        {
            var at = heap.Dequeue();
            best[i] = new ScoreDoc(at, scores[at]);
        }
        return best;
    }
}
