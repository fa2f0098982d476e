using System.Globalization;
using System.Text.Json;

namespace PingYi.Domain.Calendar;

/// <summary>One listed day of a holiday-cn year file: a statutory holiday (off) or an adjusted workday (调休, on).</summary>
public sealed record HolidayDay(string Name, DateOnly Date, bool IsOffDay);

/// <summary>
/// One year file in the holiday-cn format (<c>{ "year", "papers", "days": [{ "name", "date", "isOffDay" }] }</c>).
/// A file may list days of the neighbouring years: 2019.json lists 2018-12-29..31 because that New Year break
/// straddles the year boundary.
/// </summary>
public sealed record HolidayYear(int Year, IReadOnlyList<HolidayDay> Days)
{
    /// <summary>Parses one year file; <paramref name="source"/> names the file in error messages.</summary>
    /// <exception cref="CalendarDataException">The JSON is malformed or does not follow the format.</exception>
    public static HolidayYear Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new CalendarDataException(source, "$", $"malformed JSON: {OneLine(ex.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CalendarDataException(source, "$", "expected an object with year, papers and days");
            }
            var year = ReadYear(root, source);
            return new HolidayYear(year, ReadDays(root, source, year));
        }
    }

    private static int ReadYear(JsonElement root, string source)
    {
        if (!root.TryGetProperty("year", out var yearElement))
        {
            throw new CalendarDataException(source, "$.year", "missing");
        }
        if (yearElement.ValueKind != JsonValueKind.Number || !yearElement.TryGetInt32(out var year) || year is < 1900 or > 9999)
        {
            throw new CalendarDataException(source, "$.year", $"expected a four-digit year, found {yearElement.GetRawText()}");
        }
        return year;
    }

    private static List<HolidayDay> ReadDays(JsonElement root, string source, int year)
    {
        if (!root.TryGetProperty("days", out var daysElement))
        {
            throw new CalendarDataException(source, "$.days", "missing");
        }
        if (daysElement.ValueKind != JsonValueKind.Array)
        {
            throw new CalendarDataException(source, "$.days", "expected an array");
        }

        var days = new List<HolidayDay>();
        var seen = new HashSet<DateOnly>();
        var index = 0;
        foreach (var item in daysElement.EnumerateArray())
        {
            days.Add(ReadDay(item, $"$.days[{index}]", source, year, seen));
            index++;
        }
        return days;
    }

    /// <summary>One entry of <c>days</c>; <paramref name="seen"/> collects the dates so far to refuse a repeat.</summary>
    private static HolidayDay ReadDay(JsonElement item, string path, string source, int year, HashSet<DateOnly> seen)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new CalendarDataException(source, path, "expected an object with name, date and isOffDay");
        }

        var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
        if (name is null)
        {
            throw new CalendarDataException(source, path + ".name", "missing or not a string");
        }

        if (!item.TryGetProperty("date", out var d) || d.ValueKind != JsonValueKind.String)
        {
            throw new CalendarDataException(source, path + ".date", "missing or not a string");
        }
        if (!DateOnly.TryParseExact(d.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new CalendarDataException(source, path + ".date", $"'{d.GetString()}' is not a date in yyyy-MM-dd form");
        }
        // A break may spill over New Year, nothing more: a date two years away is a typo.
        if (Math.Abs(date.Year - year) > 1)
        {
            throw new CalendarDataException(source, path + ".date", $"{date:yyyy-MM-dd} is too far from the file's year {year}");
        }
        if (!seen.Add(date))
        {
            throw new CalendarDataException(source, path + ".date", $"{date:yyyy-MM-dd} is listed twice");
        }

        if (!item.TryGetProperty("isOffDay", out var off) || off.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new CalendarDataException(source, path + ".isOffDay", "missing or not true/false");
        }

        return new HolidayDay(name, date, off.GetBoolean());
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}

/// <summary>A holiday calendar file is unreadable or does not follow the holiday-cn format.</summary>
public sealed class CalendarDataException(string file, string jsonPath, string fault)
    : Exception($"{file}: {jsonPath}: {fault}")
{
    public string File { get; } = file;

    public string JsonPath { get; } = jsonPath;

    public string Fault { get; } = fault;
}
