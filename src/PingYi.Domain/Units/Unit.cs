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

    /// <summary>
    /// Short names people use for the unit (人社厅, 社保局 …), one per entry; the triage suggestions look for them,
    /// and for <see cref="Name"/>, in a complaint's text.
    /// </summary>
    public List<string> ShortNames { get; private set; } = [];

    /// <summary>作风评议监督电话.</summary>
    public string SupervisionPhone { get; private set; }

    /// <summary>Addresses that receive the unit's notices besides its handlers (e.g. the unit leader's office).</summary>
    public List<string> ContactEmails { get; private set; } = [];

    /// <summary>Resident in the provincial service hall (省政务大厅): evaluated by the hall's questionnaire.</summary>
    public bool ServiceHall { get; private set; }

    /// <summary>The unit's own public evaluation channel (its portal or app page), if it has one.</summary>
    public string? EvaluationChannelUrl { get; private set; }

    /// <summary>A retired unit takes no new complaints and keeps its history; its code is never reused.</summary>
    public bool Active { get; private set; } = true;

    /// <summary>Changes everything but the code, which stays fixed once used.</summary>
    public void Update(string name, UnitCategory category, string duties, string supervisionPhone, IEnumerable<string> contactEmails,
        bool serviceHall, string? evaluationChannelUrl, bool active)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name.Trim();
        Category = category;
        Duties = duties.Trim();
        SupervisionPhone = supervisionPhone.Trim();
        ContactEmails = contactEmails.Select(e => e.Trim()).Where(e => e.Length > 0).ToList();
        ServiceHall = serviceHall;
        EvaluationChannelUrl = string.IsNullOrWhiteSpace(evaluationChannelUrl) ? null : evaluationChannelUrl.Trim();
        Active = active;
    }

    /// <summary>Replaces the short names (blank and repeated entries dropped, order kept).</summary>
    public void SetShortNames(IEnumerable<string> shortNames) =>
        ShortNames = shortNames.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The longest unit code (2–16 lower-case ASCII letters, digits or '-').</summary>
    public const int MaxCodeLength = 16;

    public static bool IsValidCode(string? code) =>
        code is { Length: >= 2 and <= MaxCodeLength } && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
