namespace PingYi.Domain.Workflow;

/// <summary>
/// Who may fire an action. The engine only checks the role; whether a unit handler belongs to the
/// complaint's own unit is the web layer's resource authorization.
/// </summary>
public static class WorkflowRoles
{
    /// <summary>纪检监察工委: accepts, assigns, reviews, approves requests.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>The handler of the complaint's own unit.</summary>
    public const string UnitHandler = "unit-handler";

    public const string Complainant = "complainant";

    /// <summary>Timers and sweeps.</summary>
    public const string System = "system";

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        [Supervisor] = "纪检监察工委",
        [UnitHandler] = "承办单位",
        [Complainant] = "反映人",
        [System] = "系统",
    };

    public static IReadOnlyCollection<string> All => Labels.Keys;

    /// <summary>
    /// The privacy rule, once: who may learn who complained — the name and contacts, whether a case is named at
    /// all, and the exact times of the complainant's own acts (a unit could match a time against its door or
    /// proxy logs). Supervisors only; a unit's handler never does, nor does anyone without a role on the case.
    /// </summary>
    public static bool SeesComplainant(string? role) => role == Supervisor;

    public static bool IsKnown(string? role) => role is not null && Labels.ContainsKey(role);

    public static string LabelOf(string role) => Labels.GetValueOrDefault(role, role);
}
