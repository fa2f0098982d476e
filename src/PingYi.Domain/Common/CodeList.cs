namespace PingYi.Domain.Common;

/// <summary>
/// The fixed vocabulary of an enum: the kebab-case code the API and the workflow files use,
/// and the Chinese label the pages show. One table per enum keeps the three spellings together.
/// </summary>
public sealed class CodeList<TEnum> where TEnum : struct, Enum
{
    private readonly (TEnum Value, string Code, string Label)[] _entries;

    public CodeList(params (TEnum Value, string Code, string Label)[] entries)
    {
        var missing = Enum.GetValues<TEnum>().Except(entries.Select(e => e.Value)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"{typeof(TEnum).Name} has no code for {string.Join(", ", missing)}.");
        }
        _entries = entries;
    }

    public IReadOnlyList<(TEnum Value, string Code, string Label)> All => _entries;

    public string CodeOf(TEnum value) => Find(value).Code;

    public string LabelOf(TEnum value) => Find(value).Label;

    public bool TryParse(string? code, out TEnum value)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = entry.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>"a、b、c" — for error messages that list the accepted codes.</summary>
    public string CodesForMessage => string.Join("、", _entries.Select(e => e.Code));

    private (TEnum Value, string Code, string Label) Find(TEnum value)
    {
        foreach (var entry in _entries)
        {
            if (EqualityComparer<TEnum>.Default.Equals(entry.Value, value))
            {
                return entry;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, null);
    }
}
