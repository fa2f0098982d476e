using PingYi.Web.Features.Triage;

namespace PingYi.Web.Tests.Triage;

/// <summary>
/// The case index's bounded searches (issue 24 §1's latency): the learned search reads only each word's most recent
/// assigned complaints, and the similar search's month buckets never let a complaint outside the window through.
/// </summary>
public sealed class CaseIndexTests
{
    private static readonly DateTime Start = new(2026, 1, 10, 8, 0, 0, DateTimeKind.Utc);

    private static CaseDocument Case(long id, string unit, bool assigned, string text, DateTime at, int version = 0) =>
        new(id, "T" + id, unit, assigned, "反映", text, null, null, at, version);

    [Fact]
    public void A_search_finds_its_complaints_whatever_other_code_left_in_the_shared_array_pool()
    {
        using var index = new CaseIndex();
        const string text = "冰雕节彩灯布展验收拖延";
        index.Upsert([Case(1, "tjj", true, text, Start), Case(2, "zjt", false, text, Start)]);
        // Other code (a chart, an image) returns its float buffers to the process-wide pool without clearing them.
        for (var size = 1; size <= 1 << 12; size *= 2)
        {
            var dirty = System.Buffers.ArrayPool<float>.Shared.Rent(size);
            Array.Fill(dirty, 1f);
            System.Buffers.ArrayPool<float>.Shared.Return(dirty);
        }

        Assert.Equal(["tjj"], index.SearchAssigned(TriageText.Words(text), 40, 3).PerUnit.Keys);
        Assert.Equal([2L], index.SearchEarlier(TriageText.Words(text), ["zjt"], Start.AddDays(-1), Start, before: null, take: 30).Hits.Select(h => h.Id));
    }

    [Fact]
    public void A_complaint_read_before_a_save_does_not_undo_the_save()
    {
        using var index = new CaseIndex();
        const string text = "冰雕节彩灯布展验收拖延";
        // A catch-up (or the start-up load) read the complaint as lodged (version 1); the assignment's save
        // (version 2) reached the index first; the stale read arrives last.
        index.Upsert([Case(7, "tjj", true, text, Start, version: 2)]);
        index.Upsert([Case(7, "fgw", false, text, Start, version: 1)]);
        index.Load([Case(7, "fgw", false, text, Start, version: 1)]);
        index.Refresh();
        Assert.Equal(["tjj"], index.SearchAssigned(TriageText.Words(text), 40, 3).PerUnit.Keys);

        // A transfer (version 3) replaces it; re-reading the same version changes nothing.
        index.Upsert([Case(7, "rh", true, text, Start, version: 3)]);
        index.Upsert([Case(7, "rh", true, text, Start, version: 3)]);
        Assert.Equal(["rh"], index.SearchAssigned(TriageText.Words(text), 40, 3).PerUnit.Keys);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void The_learned_search_reads_a_words_most_recent_assigned_complaints()
    {
        const int cap = 50;
        using var index = new CaseIndex(learnedPostingsPerWord: cap);
        var n = cap + 10;
        // The same matter, assigned to one unit in January and to another in March (a change of duties).
        index.Load(Enumerable.Range(0, n).Select(i => Case(i, "old", true, "冰雕节彩灯验收拖延", Start.AddMinutes(i))));
        index.Load(Enumerable.Range(0, n).Select(i => Case(n + i, "new", true, "冰雕节彩灯验收拖延", Start.AddMonths(2).AddMinutes(i))));
        index.Load([Case(3 * n, "other", false, "冰雕节彩灯验收拖延", Start.AddMonths(3))]);
        index.Refresh();

        var (best, perUnit, _) = index.SearchAssigned(TriageText.Words("冰雕节彩灯验收拖延"), 40, 3);

        Assert.Equal(["new"], perUnit.Keys);
        Assert.Equal(40, perUnit["new"]);
        // Without the cap, both months are read: the earlier unit is learnt as well.
        using var uncapped = new CaseIndex();
        uncapped.Load(Enumerable.Range(0, 2 * n).Select(i => Case(i, i < n ? "old" : "new", true, "冰雕节彩灯验收拖延", Start.AddMonths(i < n ? 0 : 2))));
        uncapped.Refresh();
        Assert.Equal(["new", "old"], uncapped.SearchAssigned(TriageText.Words("冰雕节彩灯验收拖延"), 2 * n, 3).PerUnit.Keys.Order());
        Assert.Equal(3, best.Count);
        Assert.All(best, h => Assert.True(h.SubmittedAtUtc >= Start.AddMonths(2), $"{h.TrackingNumber} is from {h.SubmittedAtUtc:yyyy-MM-dd}"));
        Assert.All(best, h => Assert.Equal(TriageText.Words("反映。冰雕节彩灯验收拖延"), h.Words));
    }

    [Fact]
    public void The_similar_search_keeps_to_its_units_and_its_window_inside_the_month_buckets()
    {
        using var index = new CaseIndex();
        var to = new DateTime(2026, 3, 15, 12, 0, 0, DateTimeKind.Utc);
        var from = to.AddDays(-60);
        index.Upsert(
        [
            Case(1, "zjt", false, "碧溪园小区暖气不热室温太低", from.AddMinutes(-1)), // the bucket's month, a minute early
            Case(2, "zjt", true, "碧溪园小区暖气不热室温太低", from.AddMinutes(1)),
            Case(3, "zjt", false, "碧溪园小区暖气不热室温太低", to), // the same instant, saved later (a higher id)
            Case(4, "rst", false, "碧溪园小区暖气不热室温太低", to.AddDays(-1)), // another unit
            Case(5, "zjt", false, "碧溪园小区暖气不热室温太低", to.AddMinutes(1)), // later
            Case(6, "zjt", false, "东华园小区水管漏水", to.AddDays(-2)), // the unit and the window, no telling word in common
        ]);

        var words = TriageText.Words("碧溪园暖气温度太低，室温十三四度");
        var (hits, _) = index.SearchEarlier(words, ["zjt"], from, to, before: 3, take: 30);

        Assert.Equal([2L], hits.Select(h => h.Id));
        var (both, _) = index.SearchEarlier(words, ["zjt", "rst"], from, to, before: null, take: 30);
        Assert.Equal([2L, 3L, 4L], both.Select(h => h.Id).Order());
    }
}
