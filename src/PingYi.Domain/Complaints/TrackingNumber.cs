using System.Globalization;

namespace PingYi.Domain.Complaints;

/// <summary>受理编号: <c>ZTC-&lt;year&gt;-&lt;6 digits&gt;</c>, numbered from 1 within each year.</summary>
public static class TrackingNumber
{
    public const string Prefix = "ZTC";

    public static string Format(int year, long sequence)
    {
        if (year is < 2000 or > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(year));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{year:D4}-{sequence:D6}");
    }

    /// <summary>Accepts what people type: lower case, spaces around, full-width hyphens.</summary>
    public static bool TryNormalize(string? input, out string trackingNumber)
    {
        trackingNumber = string.Empty;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 32)
        {
            return false;
        }
        var s = input.Trim().ToUpperInvariant().Replace('－', '-').Replace('—', '-').Replace('–', '-');
        var parts = s.Split('-');
        if (parts.Length != 3 || parts[0] != Prefix || parts[1].Length != 4 || parts[2].Length < 6 || parts[2].Length > 9
            || !parts[1].All(char.IsAsciiDigit) || !parts[2].All(char.IsAsciiDigit))
        {
            return false;
        }
        trackingNumber = s;
        return true;
    }
}
