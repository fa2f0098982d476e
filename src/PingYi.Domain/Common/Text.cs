using System.Text;

namespace PingYi.Domain.Common;

public static class Text
{
    /// <summary>
    /// Trims and drops control characters; line breaks and tabs are kept in multi-line text and
    /// become spaces in single-line text. Null when nothing is left.
    /// </summary>
    public static string? Clean(string? input, bool multiline)
    {
        if (input is null)
        {
            return null;
        }
        var sb = new StringBuilder(input.Length);
        foreach (var c in input.Replace("\r\n", "\n"))
        {
            if (c is '\n' or '\r' or '\t')
            {
                sb.Append(multiline ? (c == '\t' ? '\t' : '\n') : ' ');
            }
            else if (!char.IsControl(c))
            {
                sb.Append(c);
            }
        }
        var s = sb.ToString().Trim();
        return s.Length == 0 ? null : s;
    }

    /// <summary>Length in characters as a person counts them (a surrogate pair is one).</summary>
    public static int CharacterCount(string s) => s.EnumerateRunes().Count();
}
