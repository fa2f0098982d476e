using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// Chinese words of a text, as Lucene.Net's SmartCn analyzer segments them (its HMM dictionary), minus stop words,
/// single characters and bare numbers: what the triage index stores and what a complaint is matched with.
/// </summary>
public static class TriageText
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>
    /// Function words and the words nearly every complaint uses (反映, 工作人员 …): they say nothing about the unit,
    /// the matter or the incident, so they are neither matched nor offered as a reason.
    /// </summary>
    private static readonly HashSet<string> StopWords =
    [
        "我们", "你们", "他们", "她们", "自己", "这个", "那个", "这些", "那些", "什么", "怎么", "为什么", "因为", "所以", "但是", "可是", "而且",
        "还是", "已经", "可以", "没有", "不是", "就是", "一个", "一直", "一次", "两次", "几次", "多次", "现在", "时候", "今天", "昨天", "今年",
        "去年", "上午", "下午", "之后", "以后", "之前", "以前", "然后", "结果", "只能", "只好", "需要", "应该", "希望", "要求", "请求", "能够",
        "反映", "投诉", "举报", "问题", "情况", "相关", "有关", "处理", "工作", "工作人员", "人员", "单位", "部门", "领导", "同志", "群众",
        "本人", "我家", "家里", "说是", "告诉", "表示", "知道", "觉得", "认为", "非常", "特别", "严重", "还有", "以及", "或者", "如果",
        "虽然", "这样", "那样", "这里", "那里", "其中", "进行", "通过", "对于", "关于", "由于", "其他", "其它", "目前", "最后", "一下", "一些",
        "负责", "全省", "管理", "服务", "开展", "指导", "推进", "各级", "各类", "组织",
    ];

    private static readonly SmartChineseAnalyzer Analyzer = new(Version, StopSet());

    private static CharArraySet StopSet()
    {
        var set = new CharArraySet(Version, StopWords, ignoreCase: true);
        foreach (var punctuation in SmartChineseAnalyzer.DefaultStopSet)
        {
            set.Add(punctuation);
        }
        return set;
    }

    /// <summary>The words of <paramref name="text"/> in order, repeats kept.</summary>
    public static List<string> Words(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return words;
        }
        using var stream = Analyzer.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var word = term.ToString();
            if (Keep(word))
            {
                words.Add(word);
            }
        }
        stream.End();
        return words;
    }

    /// <summary>
    /// A word worth matching: two characters or more, not a bare number, no '|' (the case index's separator in
    /// bucketed words; no Chinese word holds one).
    /// </summary>
    private static bool Keep(string word) =>
        word.Length >= 2 && !word.All(c => char.IsAsciiDigit(c) || c is '.' or '-' or '：' or ':') && !word.Contains('|', StringComparison.Ordinal)
        && !StopWords.Contains(word);

    /// <summary>Text for name search: no white space, full-width letters and digits as ASCII.</summary>
    public static string Compact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var b = new System.Text.StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (char.IsWhiteSpace(ch))
            {
                continue;
            }
            b.Append(ch is >= '！' and <= '～' ? (char)(ch - 0xFEE0) : ch);
        }
        return b.ToString();
    }
}
