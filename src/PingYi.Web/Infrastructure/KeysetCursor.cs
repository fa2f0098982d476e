using System.Globalization;
using System.Text;

namespace PingYi.Web.Infrastructure;

/// <summary>The opaque cursor of a newest-first keyset page: the (time, id) of the last row shown.</summary>
public static class KeysetCursor
{
    public static string Encode(DateTime at, long id) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{at.Ticks}:{id}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A cursor of a sorted list: the order's name, the last row's key (ticks or a number) and its id.</summary>
    public static string Encode(string order, long value, long id) =>
        Url(string.Create(CultureInfo.InvariantCulture, $"{order}:{value}:{id}"));

    /// <summary>The (key, id) of a cursor made by <see cref="Encode(string, long, long)"/> for the same <paramref name="order"/>; null otherwise.</summary>
    public static (long Value, long Id)? Decode(string cursor, string order)
    {
        var parts = Text(cursor)?.Split(':');
        return parts is { Length: 3 } && parts[0] == order
               && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
               && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? (value, id)
            : null;
    }

    private static string Url(string text) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? Text(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            return Encoding.ASCII.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static (DateTime At, long Id)? Decode(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split(':');
            return parts.Length == 2
                   && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks is > 0 and <= 3155378975999999999
                   && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? (new DateTime(ticks, DateTimeKind.Utc), id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
