using PingYi.Domain.Complaints;

namespace PingYi.Domain.Workflow;

/// <summary>
/// A validated workflow definition, read from <c>workflows/&lt;id&gt;.v&lt;version&gt;.json</c> by
/// <see cref="WorkflowDefinitionLoader"/>. Immutable; a complaint pins the (id, version) it started under.
/// </summary>
public sealed class WorkflowDefinition
{
    private readonly Dictionary<string, ActionDefinition> _actionsByCode;

    internal WorkflowDefinition(
        string id,
        int version,
        string? title,
        string initial,
        IReadOnlyList<StateDefinition> states,
        IReadOnlyList<ActionDefinition> actions,
        IReadOnlyList<TransitionDefinition> transitions,
        WorkflowDeadlines deadlines,
        string source)
    {
        Id = id;
        Version = version;
        Title = title;
        Initial = initial;
        States = states;
        Actions = actions;
        Transitions = transitions;
        Deadlines = deadlines;
        Source = source;
        _actionsByCode = actions.ToDictionary(a => a.Code, StringComparer.Ordinal);
    }

    public string Id { get; }

    public int Version { get; }

    public string? Title { get; }

    /// <summary>The state code a new complaint starts in.</summary>
    public string Initial { get; }

    /// <summary>The status a new complaint is lodged in (the loader has checked that <see cref="Initial"/> is a state).</summary>
    public ComplaintStatus InitialStatus => States.First(s => s.Code == Initial).Status;

    public IReadOnlyList<StateDefinition> States { get; }

    /// <summary>In file order, which is also the order <see cref="WorkflowEngine.PermittedActions"/> lists them in.</summary>
    public IReadOnlyList<ActionDefinition> Actions { get; }

    public IReadOnlyList<TransitionDefinition> Transitions { get; }

    public WorkflowDeadlines Deadlines { get; }

    /// <summary>并案 (v5 on): which states a primary may be in; null when the definition has no merge action.</summary>
    public MergeRules? Merging { get; init; }

    /// <summary>The file the definition came from (or the name given to <see cref="WorkflowDefinitionLoader.Parse"/>).</summary>
    public string Source { get; }

    public ActionDefinition? FindAction(string code) => _actionsByCode.GetValueOrDefault(code);

    public StateDefinition? FindState(string code) => States.FirstOrDefault(s => s.Code == code);

    public override string ToString() => $"{Id} v{Version}";
}

/// <param name="Code">One of the <see cref="ComplaintStatuses"/> codes.</param>
/// <param name="Terminal">The case has ended here (no deadline runs); an explicit action such as reopen may still leave it.</param>
public sealed record StateDefinition(string Code, ComplaintStatus Status, string Label, bool Terminal);

public sealed record ActionDefinition(string Code, string Label, IReadOnlyList<string> Roles, IReadOnlyList<FieldDefinition> Fields)
{
    /// <summary>
    /// For an action that cannot be undone: the statement the user must tick before the page sends it
    /// (presentation only; the API and the engine do not read it).
    /// </summary>
    public string? Confirm { get; init; }

    public bool Allows(string role) => Roles.Contains(role, StringComparer.Ordinal);

    public FieldDefinition? FindField(string name) => Fields.FirstOrDefault(f => f.Name == name);
}

/// <param name="Name">The API's field name (camelCase).</param>
/// <param name="Label">Chinese name used in forms and error messages.</param>
/// <param name="MaxLength">Characters, for text and unitCode fields.</param>
/// <param name="Min">Lower bound for workingDays and rating fields.</param>
/// <param name="Max">Upper bound for workingDays and rating fields.</param>
public sealed record FieldDefinition(string Name, string Label, FieldType Type, bool Required, int? MaxLength, int? Min, int? Max)
{
    /// <summary>What each score of a rating means, for the form (display only).</summary>
    public IReadOnlyDictionary<int, string> ValueLabels { get; init; } = new Dictionary<int, string>();
}

public enum FieldType
{
    /// <summary>Free text; control characters dropped, line breaks kept.</summary>
    Text,

    /// <summary>A unit's code (see <see cref="Units.Unit.IsValidCode"/>); whether the unit exists is the caller's check.</summary>
    UnitCode,

    /// <summary>A whole number of working days; at most <c>deadlines.maxExtensionWorkingDays</c>.</summary>
    WorkingDays,

    /// <summary>A whole number 1–5.</summary>
    Rating,

    /// <summary>satisfied, basically-satisfied or dissatisfied.</summary>
    Satisfaction,

    /// <summary>问题是否解决: resolved, partly or unresolved.</summary>
    Resolution,

    /// <summary>A 受理编号 (normalized); whether the case exists is the caller's check.</summary>
    TrackingNumber,

    /// <summary>true or false (a form's checkbox posts "true"; left out is false).</summary>
    Boolean,
}

/// <param name="PrimaryStates">The states a primary may be in when a case is merged into it (<c>merging.primaryStates</c>).</param>
public sealed record MergeRules(IReadOnlyList<ComplaintStatus> PrimaryStates);

/// <param name="From">The states the action may be fired in.</param>
/// <param name="When">A <see cref="WorkflowConditions"/> code, or null for none.</param>
/// <param name="Index">Position in the file's <c>transitions</c> array, for messages.</param>
public sealed record TransitionDefinition(string Action, IReadOnlyList<string> From, string To, string? When, int Index);

/// <summary>
/// The timers of a definition, as data. Working days use <see cref="Calendar.WorkingDayCalendar"/>; the
/// feedback and reopen windows are calendar days.
/// </summary>
public sealed record WorkflowDeadlines(
    int AcceptWorkingDays,
    int DefaultHandleWorkingDays,
    IReadOnlyDictionary<ProblemCategory, int> HandleWorkingDaysByCategory,
    int ReworkWorkingDays,
    int MaxExtensionWorkingDays,
    int FeedbackWindowDays,
    int ReopenWindowDays,
    int ReminderBeforeDeadlineWorkingDays,
    IReadOnlyList<int> EscalationAfterDeadlineWorkingDays)
{
    /// <summary>
    /// <c>deadlines.supervisionReplyWorkingDays</c>: the default reply deadline of a 督办 notice (v2 on; 3 when a
    /// definition does not say).
    /// </summary>
    public int SupervisionReplyWorkingDays { get; init; } = 3;

    /// <summary>
    /// <c>deadlines.signWorkingDays</c>: the 签收 deadline each assign, transfer and reopen gives the unit (v3 on);
    /// null when the definition has no <c>sign</c> action, and then no case of it has a signing deadline.
    /// </summary>
    public int? SignWorkingDays { get; init; }

    /// <summary>
    /// <c>deadlines.maxSuspensionWorkingDays</c>: the longest a 中止 may last (v4 on); when it has passed the case
    /// resumes by itself. Null when the definition has no <c>resume</c> action.
    /// </summary>
    public int? MaxSuspensionWorkingDays { get; init; }

    /// <summary>The handling deadline for a category: its own entry, else the default.</summary>
    public int HandleWorkingDays(ProblemCategory category) =>
        HandleWorkingDaysByCategory.TryGetValue(category, out var days) ? days : DefaultHandleWorkingDays;

    /// <summary>Whether a supervisor may still reopen a case closed at <paramref name="closedAtUtc"/>.</summary>
    public bool IsWithinReopenWindow(DateTime closedAtUtc, DateTime nowUtc) => nowUtc < closedAtUtc.AddDays(ReopenWindowDays);

    /// <summary>When a case that entered awaiting-feedback at <paramref name="approvedAtUtc"/> closes itself without feedback.</summary>
    public DateTime FeedbackTimeoutUtc(DateTime approvedAtUtc) => approvedAtUtc.AddDays(FeedbackWindowDays);
}
