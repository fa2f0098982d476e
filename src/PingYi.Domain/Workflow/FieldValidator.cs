using System.Globalization;
using System.Text.Json;
using PingYi.Domain.Common;
using PingYi.Domain.Units;

namespace PingYi.Domain.Workflow;

/// <summary>The outcome of checking an action's fields: typed values when <see cref="IsValid"/>, otherwise Chinese messages keyed by field name.</summary>
public sealed class FieldValidationResult
{
    internal FieldValidationResult(ValidationErrors errors, ValidatedFields values)
    {
        Errors = errors;
        Values = values;
    }

    public bool IsValid => Errors.IsEmpty;

    public ValidationErrors Errors { get; }

    /// <summary>The fields that were present and valid; complete only when <see cref="IsValid"/>.</summary>
    public ValidatedFields Values { get; }
}

/// <summary>
/// Cleaned, typed field values: <see cref="string"/> for text and unitCode (unit codes lower-cased),
/// <see cref="int"/> for workingDays and rating, <see cref="Workflow.Satisfaction"/> for satisfaction.
/// An optional field that was left out or empty is absent.
/// </summary>
public sealed class ValidatedFields(IReadOnlyDictionary<string, object> values)
{
    /// <summary>For actions without fields (the system's timer transitions).</summary>
    public static ValidatedFields Empty { get; } = new(new Dictionary<string, object>());

    public IReadOnlyDictionary<string, object> All { get; } = values;

    public bool Has(string name) => All.ContainsKey(name);

    public string? Text(string name) => All.TryGetValue(name, out var v) ? (string)v : null;

    public int? Int(string name) => All.TryGetValue(name, out var v) ? (int)v : null;

    public Satisfaction? Satisfaction(string name) => All.TryGetValue(name, out var v) ? (Satisfaction)v : null;

    public Resolution? Resolution(string name) => All.TryGetValue(name, out var v) ? (Resolution)v : null;

    /// <summary>A boolean field: false when left out.</summary>
    public bool Bool(string name) => All.TryGetValue(name, out var v) && (bool)v;
}

/// <summary>Checks the fields sent with an action against the action's field definitions.</summary>
public static class FieldValidator
{
    public const int RatingMin = 1;
    public const int RatingMax = 5;

    /// <summary>Used when a text field declares no maxLength.</summary>
    public const int DefaultTextMaxLength = 5000;

    /// <summary>Unit codes are at most 16 characters (<see cref="Unit.IsValidCode"/>).</summary>
    private const int UnitCodeMaxLength = Unit.MaxCodeLength;

    public static FieldValidationResult Validate(ActionDefinition action, WorkflowDeadlines deadlines, IReadOnlyDictionary<string, JsonElement> fields)
    {
        var errors = new ValidationErrors();
        var values = new Dictionary<string, object>(StringComparer.Ordinal);

        foreach (var name in fields.Keys.Where(k => action.FindField(k) is null).Order(StringComparer.Ordinal))
        {
            errors.Add(name, $"“{action.Label}”不需要填写此项。");
        }

        foreach (var field in action.Fields)
        {
            var present = fields.TryGetValue(field.Name, out var element) && element.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
            var reported = false;
            var value = present ? Convert(field, element, deadlines, message => { errors.Add(field.Name, message); reported = true; }) : null;
            if (value is null)
            {
                // Convert reports bad values itself; only a value that is missing or blank is left to report here.
                if (field.Required && !reported)
                {
                    errors.Add(field.Name, field.Type is FieldType.Rating or FieldType.Satisfaction or FieldType.Resolution ? $"请选择{field.Label}。" : $"请填写{field.Label}。");
                }
                continue;
            }
            values[field.Name] = value;
        }

        return new FieldValidationResult(errors, new ValidatedFields(values));
    }

    /// <summary>The typed value, or null when blank (no error) or invalid (error added).</summary>
    private static object? Convert(FieldDefinition field, JsonElement element, WorkflowDeadlines deadlines, Action<string> report) => field.Type switch
    {
        FieldType.Text => ConvertText(field, element, report),
        FieldType.UnitCode => ConvertUnitCode(field, element, report),
        FieldType.WorkingDays => ConvertWorkingDays(field, element, deadlines, report),
        FieldType.Rating => ConvertRating(field, element, report),
        FieldType.Satisfaction => ConvertSatisfaction(field, element, report),
        FieldType.Resolution => ConvertResolution(field, element, report),
        FieldType.TrackingNumber => ConvertTrackingNumber(field, element, report),
        FieldType.Boolean => ConvertBoolean(field, element, report),
        _ => throw new InvalidOperationException($"Unhandled field type {field.Type}."),
    };

    private static object? ConvertText(FieldDefinition field, JsonElement element, Action<string> report)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            report($"{field.Label}应为文字。");
            return null;
        }
        var text = Text.Clean(element.GetString(), multiline: true);
        if (text is null)
        {
            return null;
        }
        var max = field.MaxLength ?? DefaultTextMaxLength;
        var length = Text.CharacterCount(text);
        if (length > max)
        {
            report($"{field.Label}不能超过 {max} 个字（当前 {length} 个字）。");
            return null;
        }
        return text;
    }

    private static object? ConvertUnitCode(FieldDefinition field, JsonElement element, Action<string> report)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            report($"{field.Label}应为单位代码。");
            return null;
        }
        var code = Text.Clean(element.GetString(), multiline: false)?.ToLowerInvariant();
        if (code is null)
        {
            return null;
        }
        if (Text.CharacterCount(code) > (field.MaxLength ?? UnitCodeMaxLength) || !Unit.IsValidCode(code))
        {
            report($"{field.Label}格式不正确。");
            return null;
        }
        return code;
    }

    private static object? ConvertTrackingNumber(FieldDefinition field, JsonElement element, Action<string> report)
    {
        var text = element.ValueKind == JsonValueKind.String ? Text.Clean(element.GetString(), multiline: false) : null;
        if (text is null && element.ValueKind == JsonValueKind.String)
        {
            return null;
        }
        if (!Complaints.TrackingNumber.TryNormalize(text, out var number))
        {
            report($"{field.Label}格式不正确。");
            return null;
        }
        return number;
    }

    /// <summary>JSON true/false, or a form's "true"/"on"/"false".</summary>
    private static object? ConvertBoolean(FieldDefinition field, JsonElement element, Action<string> report)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String when Text.Clean(element.GetString(), multiline: false) is not { } s:
                return null;
            case JsonValueKind.String when element.GetString()!.Trim() is "true" or "on":
                return true;
            case JsonValueKind.String when element.GetString()!.Trim() == "false":
                return false;
            default:
                report($"{field.Label}应为 true 或 false。");
                return null;
        }
    }

    private static object? ConvertWorkingDays(FieldDefinition field, JsonElement element, WorkflowDeadlines deadlines, Action<string> report)
    {
        if (!TryInt(element, out var days, out var blank))
        {
            if (!blank)
            {
                report($"{field.Label}应为整数（工作日）。");
            }
            return null;
        }
        var min = field.Min ?? 1;
        var max = field.Max ?? deadlines.MaxExtensionWorkingDays;
        if (days < min)
        {
            report($"{field.Label}至少为 {min} 个工作日。");
            return null;
        }
        if (days > max)
        {
            report($"{field.Label}不能超过 {max} 个工作日。");
            return null;
        }
        return days;
    }

    private static object? ConvertRating(FieldDefinition field, JsonElement element, Action<string> report)
    {
        var min = field.Min ?? RatingMin;
        var max = field.Max ?? RatingMax;
        if (!TryInt(element, out var rating, out var blank))
        {
            if (!blank)
            {
                report($"{field.Label}应为 {min} 到 {max} 之间的整数。");
            }
            return null;
        }
        if (rating < min || rating > max)
        {
            report($"{field.Label}应为 {min} 到 {max} 之间的整数。");
            return null;
        }
        return rating;
    }

    private static object? ConvertResolution(FieldDefinition field, JsonElement element, Action<string> report)
    {
        var code = element.ValueKind == JsonValueKind.String ? Text.Clean(element.GetString(), multiline: false) : null;
        if (code is null && element.ValueKind == JsonValueKind.String)
        {
            return null;
        }
        if (!Resolutions.Codes.TryParse(code, out var resolution))
        {
            var choices = string.Join("、", Resolutions.Codes.All.Select(e => $"{e.Code}（{e.Label}）"));
            report($"{field.Label}应为 {choices} 之一。");
            return null;
        }
        return resolution;
    }

    private static object? ConvertSatisfaction(FieldDefinition field, JsonElement element, Action<string> report)
    {
        var code = element.ValueKind == JsonValueKind.String ? Text.Clean(element.GetString(), multiline: false) : null;
        if (code is null && element.ValueKind == JsonValueKind.String)
        {
            return null;
        }
        if (!Satisfactions.Codes.TryParse(code, out var satisfaction))
        {
            var choices = string.Join("、", Satisfactions.Codes.All.Select(e => $"{e.Code}（{e.Label}）"));
            report($"{field.Label}应为 {choices} 之一。");
            return null;
        }
        return satisfaction;
    }

    /// <summary>A JSON integer, or a string holding one (HTML forms post strings).</summary>
    private static bool TryInt(JsonElement element, out int value, out bool blank)
    {
        blank = false;
        if (element.ValueKind == JsonValueKind.Number)
        {
            return element.TryGetInt32(out value);
        }
        if (element.ValueKind == JsonValueKind.String)
        {
            var s = Text.Clean(element.GetString(), multiline: false);
            blank = s is null;
            return int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }
        value = 0;
        return false;
    }
}
