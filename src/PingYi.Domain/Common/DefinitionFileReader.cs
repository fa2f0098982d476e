using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PingYi.Domain.Common;

/// <summary>
/// The machinery every definition file under <c>workflows/</c> is read with (the complaint workflow, the
/// evaluation rounds): strict JSON parsing and typed accessors that stop at the first fault and report it
/// as one exception naming the file, the JSON path and the fault. Each loader subclasses it with its own
/// exception type, so that start-up can say which kind of file is broken while the messages stay alike.
/// </summary>
public abstract partial class DefinitionFileReader(string source, Func<string, string, string, Exception> fault)
{
    /// <summary>The file (or name) the messages cite.</summary>
    protected string Source { get; } = source;

    /// <summary>Parses strict JSON (no comments, no trailing commas); malformed JSON is a fault at <c>$</c> with its line and position.</summary>
    public static JsonDocument ParseDocument(string json, string source, Func<string, string, string, Exception> fault)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : string.Empty;
            throw fault(source, "$", $"malformed JSON{where}: {FirstSentence(ex.Message)}");
        }
    }

    /// <summary>Reads a file's text; an unreadable file is a fault at <c>$</c>.</summary>
    public static string ReadText(string path, Func<string, string, string, Exception> fault)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw fault(path, "$", $"cannot read the file: {ex.Message}");
        }
    }

    private static string FirstSentence(string message)
    {
        var oneLine = message.ReplaceLineEndings(" ");
        var cut = oneLine.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? oneLine[..cut] : oneLine).Trim();
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainPropertyName();

    [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    public static partial Regex KebabCode();

    /// <summary>The JSON path of a property: <c>$.a.b</c>, or <c>$.a['x-y']</c> when the name needs quoting.</summary>
    public static string Child(string path, string property) =>
        PlainPropertyName().IsMatch(property) ? $"{path}.{property}" : $"{path}['{property}']";

    protected void ExpectObject(JsonElement element, string path, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Fail(path, $"expected an object, found {Describe(element)}");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in element.EnumerateObject())
        {
            if (!allowed.Contains(p.Name, StringComparer.Ordinal))
            {
                Fail(Child(path, p.Name), $"unknown property '{p.Name}'; allowed here: {string.Join(", ", allowed)}");
            }
            if (!seen.Add(p.Name))
            {
                Fail(Child(path, p.Name), $"property '{p.Name}' appears twice");
            }
        }
    }

    protected string RequiredString(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            Fail(Child(path, name), "missing");
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(Child(path, name), $"expected a string, found {Describe(value)}");
        }
        return value.GetString()!;
    }

    protected string RequiredNonEmptyString(JsonElement obj, string path, string name)
    {
        var value = RequiredString(obj, path, name);
        if (string.IsNullOrWhiteSpace(value))
        {
            Fail(Child(path, name), "must not be empty");
        }
        return value;
    }

    protected string? OptionalString(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(Child(path, name), $"expected a string, found {Describe(value)}");
        }
        return value.GetString();
    }

    protected bool? OptionalBool(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Fail(Child(path, name), $"expected true or false, found {Describe(value)}");
        }
        return value.GetBoolean();
    }

    protected int RequiredInt(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            Fail(Child(path, name), "missing");
        }
        return ExpectInt(value, Child(path, name));
    }

    protected int? OptionalInt(JsonElement obj, string path, string name) =>
        obj.TryGetProperty(name, out var value) ? ExpectInt(value, Child(path, name)) : null;

    protected int PositiveInt(JsonElement obj, string path, string name, string unit)
    {
        var value = RequiredInt(obj, path, name);
        if (value < 1)
        {
            Fail(Child(path, name), $"{unit} must be 1 or more, found {value}");
        }
        return value;
    }

    protected int ExpectInt(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n))
        {
            return n;
        }
        throw fault(Source, path, $"expected a whole number, found {Describe(value)}");
    }

    /// <summary>A number (weights, points, scores); never NaN or infinite, which JSON cannot spell anyway.</summary>
    protected double RequiredNumber(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            Fail(Child(path, name), "missing");
        }
        return ExpectNumber(value, Child(path, name));
    }

    protected double? OptionalNumber(JsonElement obj, string path, string name) =>
        obj.TryGetProperty(name, out var value) ? ExpectNumber(value, Child(path, name)) : null;

    protected double ExpectNumber(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var n) && double.IsFinite(n))
        {
            return n;
        }
        throw fault(Source, path, $"expected a number, found {Describe(value)}");
    }

    /// <summary>A calendar date written <c>yyyy-MM-dd</c>.</summary>
    protected DateOnly RequiredDate(JsonElement obj, string path, string name)
    {
        var text = RequiredString(obj, path, name);
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Fail(Child(path, name), $"expected a date written yyyy-MM-dd, found \"{text}\"");
        }
        return date;
    }

    protected JsonElement RequiredArray(JsonElement obj, string path, string name) => Required(obj, path, name, JsonValueKind.Array, "an array");

    protected JsonElement RequiredObject(JsonElement obj, string path, string name) => Required(obj, path, name, JsonValueKind.Object, "an object");

    private JsonElement Required(JsonElement obj, string path, string name, JsonValueKind kind, string expected)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            Fail(Child(path, name), "missing");
        }
        if (value.ValueKind != kind)
        {
            Fail(Child(path, name), $"expected {expected}, found {Describe(value)}");
        }
        return value;
    }

    protected static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };

    [DoesNotReturn]
    protected void Fail(string path, string message) => throw fault(Source, path, message);
}
