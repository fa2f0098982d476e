namespace PingYi.Domain.Complaints.Effects;

/// <summary>
/// The table of effects, one per workflow action code. <see cref="Complaint.Perform"/> applies an action through
/// it, the workflow definition loader rejects an action that is not in it, and the timeline replays read which
/// deadline an action starts from it, so each of those rules is written once.
/// </summary>
public static class ComplaintEffects
{
    // In the order the loader's message lists them.
    private static readonly IComplaintEffect[] Effects =
    [
        new AssignEffect(),
        new TransferEffect(),
        new DeclineEffect(),
        new RequestReturnEffect(),
        new ApproveReturnEffect(),
        new RejectReturnEffect(),
        new RejectExtensionEffect(),
        new RequestExtensionEffect(),
        new ApproveExtensionEffect(),
        new RespondEffect(),
        new ApproveEffect(),
        new SendBackEffect(),
        new FeedbackEffect(),
        new ReopenEffect(),
        new CloseEffect(),
        new FeedbackTimeoutEffect(),
        new UrgeEffect(),
        new SuperviseEffect(),
        new AnswerSupervisionEffect(),
        new SignEffect(),
        new RequestSuspensionEffect(),
        new ApproveSuspensionEffect(),
        new RejectSuspensionEffect(),
        new ResumeEffect(),
        new MergeEffect(),
        new UnmergeEffect(),
        new ShareAnswerEffect(),
        new LinkEffect(),
    ];

    private static readonly Dictionary<string, IComplaintEffect> Table = Build(Effects);

    /// <summary>
    /// The action codes there is an effect for. The loader rejects a definition naming any other action, so an
    /// unknown action stops start-up instead of failing when first used.
    /// </summary>
    public static IReadOnlySet<string> KnownActions { get; } = new HashSet<string>(Effects.Select(e => e.Action), StringComparer.Ordinal);

    /// <summary>
    /// The deadline an action on the timeline starts, or null if it starts none: the intake's <c>submit</c> starts
    /// the accept deadline, and each workflow action the one its effect declares.
    /// </summary>
    public static StartedDeadline? DeadlineStartedBy(string action) =>
        action == ComplaintActions.Submit ? StartedDeadline.Accept : Find(action)?.Starts;

    internal static IComplaintEffect? Find(string action) => Table.GetValueOrDefault(action);

    private static Dictionary<string, IComplaintEffect> Build(IComplaintEffect[] effects)
    {
        var table = new Dictionary<string, IComplaintEffect>(StringComparer.Ordinal);
        foreach (var effect in effects)
        {
            if (!table.TryAdd(effect.Action, effect))
            {
                throw new InvalidOperationException($"Two effects for action '{effect.Action}'.");
            }
        }
        return table;
    }
}
