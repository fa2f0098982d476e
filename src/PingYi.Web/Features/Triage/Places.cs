using System.Text.RegularExpressions;

namespace PingYi.Web.Features.Triage;

/// <summary>How alike two places named in complaints are: the Dice coefficient of their character pairs.</summary>
public static partial class Places
{
    /// <summary>
    /// 0..1, or null when either is blank. The province and city in front (吉林省长春市 …) are dropped first: two
    /// places in the same city are not the same place for that.
    /// </summary>
    public static double? Similarity(string? a, string? b)
    {
        var x = Pairs(a);
        var y = Pairs(b);
        if (x.Count == 0 || y.Count == 0)
        {
            return null;
        }
        var common = 0;
        var rest = new List<string>(y);
        foreach (var pair in x)
        {
            if (rest.Remove(pair))
            {
                common++;
            }
        }
        return 2.0 * common / (x.Count + y.Count);
    }

    private static List<string> Pairs(string? place)
    {
        var text = Prefix().Replace(TriageText.Compact(place), string.Empty);
        var pairs = new List<string>();
        for (var i = 0; i + 1 < text.Length; i++)
        {
            pairs.Add(text.Substring(i, 2));
        }
        if (pairs.Count == 0 && text.Length == 1)
        {
            pairs.Add(text);
        }
        return pairs;
    }

    [GeneratedRegex("^(\\p{IsCJKUnifiedIdeographs}{2,3}省)?(\\p{IsCJKUnifiedIdeographs}{2,4}市)?")]
    private static partial Regex Prefix();
}
