namespace PingYi.Domain.Workflow;

/// <summary>
/// The fixed vocabulary of transition conditions. The caller answers the base facts about one complaint
/// (<see cref="ReturnRequested"/>, <see cref="ExtensionRequested"/>, <see cref="Dissatisfied"/>,
/// <see cref="WithinReopenWindow"/>); the negations are derived here, never asked, so that two transitions
/// guarded by a condition and its negation can never both apply.
/// </summary>
public static class WorkflowConditions
{
    /// <summary>The unit's request to return a misrouted case awaits a supervisor.</summary>
    public const string ReturnRequested = "return-requested";

    /// <summary>The unit's extension request awaits a supervisor.</summary>
    public const string ExtensionRequested = "extension-requested";

    /// <summary>The unit's request to suspend the handling deadline (中止) awaits a supervisor (workflow v4).</summary>
    public const string SuspensionRequested = "suspension-requested";

    /// <summary>No return, extension or suspension request is pending (derived).</summary>
    public const string NoPendingRequest = "no-pending-request";

    /// <summary>The feedback being given is 不满意.</summary>
    public const string Dissatisfied = "dissatisfied";

    /// <summary>The feedback being given is 满意 or 基本满意 (derived).</summary>
    public const string NotDissatisfied = "not-dissatisfied";

    /// <summary>The case was closed less than <c>deadlines.reopenWindowDays</c> ago.</summary>
    public const string WithinReopenWindow = "within-reopen-window";

    /// <summary>A 督办 notice issued to the handling unit awaits its answer (workflow v2).</summary>
    public const string SupervisionOpen = "supervision-open";

    /// <summary>The handling unit has a 签收 deadline running and has not signed for the case (workflow v3).</summary>
    public const string SignPending = "sign-pending";

    /// <summary>The facts a caller's predicate is asked about.</summary>
    public static IReadOnlyList<string> BaseFacts { get; } = [ReturnRequested, ExtensionRequested, Dissatisfied, WithinReopenWindow, SupervisionOpen, SignPending, SuspensionRequested];

    public static IReadOnlyList<string> All { get; } = [ReturnRequested, ExtensionRequested, NoPendingRequest, Dissatisfied, NotDissatisfied, WithinReopenWindow, SupervisionOpen, SignPending, SuspensionRequested];

    public static bool IsKnown(string? condition) => condition is not null && All.Contains(condition, StringComparer.Ordinal);

    /// <summary>Evaluates a condition (null: none) against the caller's answers to the base facts.</summary>
    public static bool Evaluate(string? condition, Func<string, bool> facts) => condition switch
    {
        null => true,
        NoPendingRequest => !facts(ReturnRequested) && !facts(ExtensionRequested) && !facts(SuspensionRequested),
        NotDissatisfied => !facts(Dissatisfied),
        ReturnRequested or ExtensionRequested or Dissatisfied or WithinReopenWindow or SupervisionOpen or SignPending or SuspensionRequested => facts(condition),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, "Unknown workflow condition."),
    };

    /// <summary>
    /// Whether no complaint can satisfy both conditions at once. Two transitions of one action out of one
    /// state must be exclusive, otherwise the machine could not choose.
    /// </summary>
    public static bool AreExclusive(string? a, string? b) => (a, b) switch
    {
        (Dissatisfied, NotDissatisfied) or (NotDissatisfied, Dissatisfied) => true,
        (ReturnRequested or ExtensionRequested or SuspensionRequested, NoPendingRequest) or (NoPendingRequest, ReturnRequested or ExtensionRequested or SuspensionRequested) => true,
        _ => false,
    };

    /// <summary>Why an action is refused when <paramref name="condition"/> does not hold, in Chinese.</summary>
    public static string ExplainUnmet(string condition, WorkflowDeadlines deadlines) => condition switch
    {
        ReturnRequested => "没有待审批的退回申请",
        ExtensionRequested => "没有待审批的延期申请",
        NoPendingRequest => "已有待审批的退回、延期或中止申请",
        SuspensionRequested => "没有待审批的中止申请",
        Dissatisfied => "评价不是“不满意”",
        NotDissatisfied => "评价为“不满意”",
        WithinReopenWindow => $"已超过办结后 {deadlines.ReopenWindowDays} 天的重新交办期限",
        SupervisionOpen => "没有待答复的督办通知",
        SignPending => "本件已签收",
        _ => condition,
    };
}

/// <summary>
/// The base facts as a record, for callers that prefer not to write the predicate by hand:
/// <c>engine.Fire(status, action, role, new WorkflowFacts { ReturnRequested = true }.Evaluate)</c>.
/// </summary>
public sealed record WorkflowFacts
{
    public bool ReturnRequested { get; init; }

    public bool ExtensionRequested { get; init; }

    public bool Dissatisfied { get; init; }

    public bool WithinReopenWindow { get; init; }

    public bool SupervisionOpen { get; init; }

    public bool SignPending { get; init; }

    public bool SuspensionRequested { get; init; }

    public static WorkflowFacts None { get; } = new();

    public bool Evaluate(string fact) => fact switch
    {
        WorkflowConditions.ReturnRequested => ReturnRequested,
        WorkflowConditions.ExtensionRequested => ExtensionRequested,
        WorkflowConditions.Dissatisfied => Dissatisfied,
        WorkflowConditions.WithinReopenWindow => WithinReopenWindow,
        WorkflowConditions.SupervisionOpen => SupervisionOpen,
        WorkflowConditions.SignPending => SignPending,
        WorkflowConditions.SuspensionRequested => SuspensionRequested,
        _ => throw new ArgumentOutOfRangeException(nameof(fact), fact, "Not a base workflow fact."),
    };
}
