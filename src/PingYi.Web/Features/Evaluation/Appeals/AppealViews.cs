using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Evaluation.Appeals;

/// <summary>The shapes of the appeal API (docs/evaluation.md, "公示 and 申诉").</summary>
public static class AppealViews
{
    /// <param name="Kind">complaint, deduction, inspection or rating.</param>
    /// <param name="Ref">A tracking number (complaint) or the id of the deduction, inspection or rating form.</param>
    /// <param name="Ground">For a complaint: wrong-unit, malicious or duplicate.</param>
    public sealed record ItemRequest(string? Kind, string? Ref, string? Ground = null);

    public sealed record FileRequest(string? UnitCode, ItemRequest? Item, string? Reason);

    public sealed record DecisionRequest(bool? Upheld, string? Reason);

    public sealed record Item(string Kind, string KindLabel, string Ref, string? Ground, string? GroundLabel);

    public sealed record Appeal(
        long Id, int Year, string UnitCode, string UnitName, Item Item, string Reason, string Status, string StatusLabel,
        string FiledBy, DateTime FiledAt, string? DecidedBy, DateTime? DecidedAt, string? DecisionReason, int Evidence);

    /// <param name="PreviewEndsAt">The end of the 公示 (closing + the scheme's preview working days); null while the round is open.</param>
    /// <param name="PreviewOpen">Units may file appeals now.</param>
    /// <param name="Pending">Appeals not yet decided (approval waits for them).</param>
    public sealed record List(int Year, string RoundStatus, int PreviewWorkingDays, DateTime? PreviewEndsAt, bool PreviewOpen, int Pending, IReadOnlyList<Appeal> Items);

    /// <summary>A decision and the unit's score before and after it (the live result, recomputed).</summary>
    public sealed record Decided(Appeal Appeal, double? ScoreBefore, double? ScoreAfter);

    public static Item ItemOf(Domain.Evaluation.Appeal a) => new(AppealCodes.Kinds.CodeOf(a.Kind), AppealCodes.Kinds.LabelOf(a.Kind), a.Ref, a.Ground,
        a.Ground is null ? null : AppealCodes.Grounds.GetValueOrDefault(a.Ground));
}
