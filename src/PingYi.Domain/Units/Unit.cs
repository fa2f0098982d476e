namespace PingYi.Domain.Units;

/// <summary>参评单位: an agency that complaints are about and that handles them.</summary>
public sealed class Unit
{
    private Unit()
    {
        Code = Name = Duties = SupervisionPhone = string.Empty;
    }

    public Unit(string code, string name, UnitCategory category, string duties, string supervisionPhone, IEnumerable<string> contactEmails)
    {
        if (!IsValidCode(code))
        {
            throw new ArgumentException("A unit code is 2–16 lower-case ASCII letters, digits or '-'.", nameof(code));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Code = code;
        Name = name.Trim();
        Category = category;
        Duties = duties.Trim();
        SupervisionPhone = supervisionPhone.Trim();
        ContactEmails = contactEmails.Select(e => e.Trim()).Where(e => e.Length > 0).ToList();
    }

    public int Id { get; private set; }

    /// <summary>Short ASCII code such as <c>jyt</c>; used in URLs, the API and handler accounts.</summary>
    public string Code { get; private set; }

    public string Name { get; private set; }

    public UnitCategory Category { get; private set; }

    /// <summary>Public duties text the unit publishes (the 2020 notice asks for it).</summary>
    public string Duties { get; private set; }

    /// <summary>作风评议监督电话.</summary>
    public string SupervisionPhone { get; private set; }

    public List<string> ContactEmails { get; private set; } = [];

    public static bool IsValidCode(string? code) =>
        code is { Length: >= 2 and <= 16 } && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
