using System.Globalization;
using PingYi.Domain.Common;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// The from/to filter of the staff lists: two optional China dates (YYYY-MM-DD), both days included, read as the
/// UTC instants that bound them. Bad input is reported on the fields with Chinese messages.
/// </summary>
public readonly record struct DateRange(DateTime? StartUtc, DateTime? EndUtc)
{
    public static DateRange Parse(string? from, string? to, ValidationErrors errors)
    {
        var fromDate = ParseDate(from, "from", errors);
        var toDate = ParseDate(to, "to", errors);
        if (fromDate is { } earliest && toDate is { } latest && latest < earliest)
        {
            errors.Add("to", "结束日期不能早于开始日期。");
        }
        return new DateRange(
            fromDate is { } f ? ChinaTime.StartOfDayUtc(f) : null,
            toDate is { } t ? ChinaTime.StartOfDayUtc(t.AddDays(1)) : null);
    }

    private static DateOnly? ParseDate(string? text, string field, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }
        errors.Add(field, "日期格式应为 YYYY-MM-DD。");
        return null;
    }
}
