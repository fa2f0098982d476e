using System.Globalization;
using System.Text;

namespace PingYi.Web.Infrastructure;

/// <summary>The opaque cursor of a newest-first keyset page: the (time, id) of the last row shown.</summary>
public static class KeysetCursor
{
    public static string Encode(DateTime at, long id) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{at.Ticks}:{id}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

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
