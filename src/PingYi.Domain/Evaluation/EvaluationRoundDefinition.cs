namespace PingYi.Domain.Evaluation;

/// <summary>
/// One year's evaluation round as defined in <c>workflows/evaluation/&lt;year&gt;.json</c>: the period, the
/// milestones units file documents for, the six sources with their weights, the rating scales and
/// questionnaires, the liaison assignments, the inspection severities, the deduction rules and the
/// channel-score parameters the scoring step reads.
/// </summary>
public sealed record EvaluationRoundDefinition(
    int Year,
    string Title,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    IReadOnlyList<Milestone> Milestones,
    ReminderOffsets Reminders,
    IReadOnlyDictionary<string, RatingScale> Scales,
    IReadOnlyList<SourceDefinition> Sources,
    IReadOnlyDictionary<string, Questionnaire> Questionnaires,
    IReadOnlyList<LiaisonGroup> Liaison,
    IReadOnlyDictionary<string, SeverityDefinition> Severities,
    DeductionRules Deductions,
    ChannelScoreParameters Channel,
    PublicSurveyLimits PublicSurvey,
    string Source)
{
    public const int DefaultRatingsPerAccountAndUnit = 10;

    /// <summary>
    /// <c>ratingForms.maxPerAccountAndUnit</c>: how many ratings one evaluator account enters for one unit before
    /// each further one waits for a Supervisor's confirmation.
    /// </summary>
    public int RatingsPerAccountAndUnit { get; init; } = DefaultRatingsPerAccountAndUnit;

    /// <summary>
    /// <c>preview.workingDays</c>: the 公示 after the round closes, in working days from the closing day — each unit
    /// sees its own score and breakdown and may appeal (申诉) one input at a time.
    /// </summary>
    public int PreviewWorkingDays { get; init; } = AppealCodes.DefaultPreviewWorkingDays;

    /// <summary>
    /// <c>trackingList</c>: the follow-up of the units on the previous year's tracking list (重点跟踪对象), or null when
    /// the round file sets none.
    /// </summary>
    public TrackingListFollowUpRules? TrackingList { get; init; }

    /// <summary>The scale of every overall rating: its codes are the API's <c>rating</c> values.</summary>
    public RatingScale Overall => Scales[EvaluationCodes.OverallScale];

    public SourceDefinition? FindSource(string code) => Sources.FirstOrDefault(s => s.Code == code);

    public Milestone? FindMilestone(string code) => Milestones.FirstOrDefault(m => m.Code == code);

    /// <summary>The questionnaire evaluators of <paramref name="source"/> answer (or the public answers, for service-hall and a unit's own channel).</summary>
    public Questionnaire QuestionnaireFor(string source) => Questionnaires[source];

    /// <summary>Whether a liaison account (by e-mail) is assigned <paramref name="unitCode"/>.</summary>
    public bool LiaisonCovers(string email, string unitCode) =>
        Liaison.Any(g => g.Accounts.Contains(email, StringComparer.OrdinalIgnoreCase) && g.Units.Contains(unitCode, StringComparer.Ordinal));

    public IEnumerable<string> LiaisonUnitsOf(string email) =>
        Liaison.Where(g => g.Accounts.Contains(email, StringComparer.OrdinalIgnoreCase)).SelectMany(g => g.Units).Distinct(StringComparer.Ordinal);

    public override string ToString() => $"evaluation {Year}";
}

/// <summary>
/// What a unit on the previous year's tracking list must do in this round: file its rectification plan (整改方案) by
/// <paramref name="PlanDue"/>, have the problems that put it there rectified by <paramref name="RectifiedDue"/> (both
/// as items of the 整改台账 made when the round opens), and be inspected at least <paramref name="ExtraInspections"/>
/// times (明察暗访) in the round.
/// </summary>
public sealed record TrackingListFollowUpRules(DateOnly PlanDue, DateOnly RectifiedDue, int ExtraInspections);

/// <summary>A document every unit files by a date (实施方案 due 1 September, 自评情况报告 due 30 November in 2020).</summary>
public sealed record Milestone(string Code, string Label, DateOnly Due);

/// <summary>When reminders go out: days before each due date, and days after it while the document is missing.</summary>
public sealed record ReminderOffsets(IReadOnlyList<int> DaysBefore, IReadOnlyList<int> DaysAfter);

public sealed record RatingOption(string Code, string Label, double Score);

/// <summary>A named scale such as 满意/基本满意/不满意; each option carries the score the ranking gives it.</summary>
public sealed record RatingScale(string Code, string Label, IReadOnlyList<RatingOption> Options)
{
    public RatingOption? Find(string? code) => Options.FirstOrDefault(o => o.Code == code);
}

/// <summary>How a source's inputs arrive.</summary>
public enum SourceInput
{
    /// <summary>Evaluator accounts fill a form per unit (or upload the xlsx of paper forms).</summary>
    Rating,

    /// <summary>The public questionnaire reached by QR code (the service hall).</summary>
    PublicSurvey,

    /// <summary>Inspectors record inspections.</summary>
    Inspection,

    /// <summary>Computed from the case record; nothing is entered.</summary>
    Computed,
}

public sealed record SourceDefinition(string Code, string Label, double Weight, SourceInput Input);

public enum QuestionKind
{
    Scale,
    Text,
}

/// <summary>One item of a questionnaire: a choice on a scale, or free text.</summary>
public sealed record QuestionItem(string Code, string Label, QuestionKind Kind, string? Scale, bool Required, int MaxLength)
{
    /// <summary>The most a text item's <c>maxLength</c> may be, and so the longest answer any questionnaire takes.</summary>
    public const int MaxTextLength = 2000;
}

public sealed record Questionnaire(string Code, string Title, string? Intro, IReadOnlyList<QuestionItem> Items);

/// <summary>党建联系片: the liaison accounts of a group rate only the units assigned to it.</summary>
public sealed record LiaisonGroup(string Name, IReadOnlyList<string> Accounts, IReadOnlyList<string> Units);

public sealed record SeverityDefinition(string Code, string Label, double Points);

public sealed record DeductionRule(string Code, string Label, double MaxPoints);

/// <param name="FindingPunishedBy">
/// <c>deductions.findingPunishedBy</c>: which punishes a finding that both an inspection's severity points and a
/// deduction citing that inspection would punish — <see cref="FindingPunishment.Inspection"/> or
/// <see cref="FindingPunishment.Deduction"/> (docs/scoring.md, "Deductions"). Null only where the two cannot meet
/// (no severity carries points).
/// </param>
public sealed record DeductionRules(double MaxTotalPoints, IReadOnlyList<DeductionRule> Rules, string? FindingPunishedBy = null)
{
    public DeductionRule? Find(string? code) => Rules.FirstOrDefault(r => r.Code == code);
}

/// <summary>The values of <c>deductions.findingPunishedBy</c>: one finding is punished once, by one of the two.</summary>
public static class FindingPunishment
{
    /// <summary>The inspection's severity points stand; a deduction citing that inspection (directly or through a ledger item made from it) is not counted.</summary>
    public const string Inspection = "inspection";

    /// <summary>The deduction stands; the cited inspection is scored on its rating alone, without its severity points.</summary>
    public const string Deduction = "deduction";

    public static readonly IReadOnlyList<string> All = [Inspection, Deduction];
}

/// <summary>
/// Parameters of the 直通车 channel score (docs/scoring.md, "Channel"): which evaluation round a handling round
/// counts in, the weights of the rates, the cap on working days overdue per case, the credit of 部分解决, the
/// credibility threshold, what a unit without cases gets and how unrated answers count. Every figure is a
/// proposal for the committee to set: the seed notice gives none.
/// </summary>
/// <param name="Weights">One weight per rate code of <see cref="ChannelRates.All"/> the round uses; they add up to 1.</param>
/// <param name="CountIn"><see cref="ChannelRates.DeadlineYear"/> or <see cref="ChannelRates.AssignedYear"/>.</param>
/// <param name="OverdueCapWorkingDays">Working days overdue beyond which one case weighs no more.</param>
/// <param name="PartlyResolvedCredit">What 部分解决 counts for in the 解决率 (已解决 1, 未解决 0).</param>
/// <param name="MinCases">Below this many cases the score is drawn toward the category's mean in proportion.</param>
/// <param name="NoCasesPolicy"><see cref="ChannelRates.Exclude"/> or <see cref="ChannelRates.CategoryMean"/>.</param>
/// <param name="UnratedPolicy"><see cref="ChannelRates.CategoryMean"/> or <see cref="ChannelRates.Lowest"/>.</param>
/// <param name="UnratedAfterDays">Calendar days after approval an answer still without a rating counts as unrated.</param>
public sealed record ChannelScoreParameters(
    double FullMarks,
    IReadOnlyDictionary<string, double> Weights,
    string CountIn,
    int OverdueCapWorkingDays,
    double PartlyResolvedCredit,
    int MinCases,
    string NoCasesPolicy,
    string UnratedPolicy,
    int UnratedAfterDays);

/// <summary>The codes of the channel block: its rates and its rules.</summary>
public static class ChannelRates
{
    public const string SignedOnTime = "signedOnTime";
    public const string ClosedOnTime = "closedOnTime";
    public const string Overdue = "overdue";
    public const string Resolved = "resolved";
    public const string Satisfied = "satisfied";
    public const string Quality = "quality";
    public const string Rework = "rework";

    /// <summary>Every rate the API names, in the order the explanation lists them.</summary>
    public static readonly IReadOnlyList<string> All = [SignedOnTime, ClosedOnTime, Overdue, Resolved, Satisfied, Quality, Rework];

    /// <summary>A handling round counts in the round of the year (China time) in which its deadline, as first set, fell.</summary>
    public const string DeadlineYear = "deadline-year";

    /// <summary>A handling round counts in the round of the year (China time) in which the unit was handed the case.</summary>
    public const string AssignedYear = "assigned-year";

    public static readonly IReadOnlyList<string> CountInRules = [DeadlineYear, AssignedYear];

    /// <summary>No cases: the channel is left out of the unit's composite, the other sources re-weighted.</summary>
    public const string Exclude = "exclude";

    /// <summary>No cases: the category's mean channel score. Unrated: the category's mean rate, never above the unit's own.</summary>
    public const string CategoryMean = "category-mean";

    /// <summary>Unrated: counted as the lowest answer (不满意, 未解决).</summary>
    public const string Lowest = "lowest";

    public static readonly IReadOnlyList<string> NoCasesPolicies = [Exclude, CategoryMean];

    public static readonly IReadOnlyList<string> UnratedPolicies = [CategoryMean, Lowest];

    /// <summary>The Chinese name of each rate, as the explanation and its export show it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        [SignedOnTime] = "及时签收率",
        [ClosedOnTime] = "按期办结率",
        [Overdue] = "超期率",
        [Resolved] = "解决率",
        [Satisfied] = "满意率",
        [Quality] = "办理质量",
        [Rework] = "返工率",
    };
}

/// <summary>
/// The public questionnaire's limits and channels: the flood limit per address; how much an answer through the static
/// QR (no evaluation code) weighs against a coded one (一事一评); how long a code stays good; and when uncoded answers
/// for one unit come in a burst (then they wait for a Supervisor's review).
/// </summary>
public sealed record PublicSurveyLimits(int PerAddressPerHour)
{
    /// <summary>1: an uncoded answer counts as much as a coded one (the behaviour before evaluation codes).</summary>
    public const double DefaultUncodedWeight = 1;
    public const int DefaultCodeValidDays = 30;
    public const int DefaultBurstAnswers = 5;
    public const int DefaultBurstMinutes = 10;

    /// <summary><c>uncodedWeight</c>, 0–1: the share of a coded answer one uncoded answer counts for in the source's mean.</summary>
    public double UncodedWeight { get; init; } = DefaultUncodedWeight;

    /// <summary><c>codeValidDays</c>: days from a batch's making until its codes expire.</summary>
    public int CodeValidDays { get; init; } = DefaultCodeValidDays;

    /// <summary><c>review.burstAnswers</c> uncoded answers for one unit within <see cref="BurstMinutes"/> are a burst.</summary>
    public int BurstAnswers { get; init; } = DefaultBurstAnswers;

    public int BurstMinutes { get; init; } = DefaultBurstMinutes;
}

/// <summary>Fixed codes the API and the files share.</summary>
public static class EvaluationCodes
{
    public const string Deputies = "deputies";
    public const string ServiceHall = "service-hall";
    public const string Prefectures = "prefectures";
    public const string Inspectors = "inspectors";
    public const string Liaison = "liaison";
    public const string Channel = "channel";

    /// <summary>A unit's own online evaluation channel: answered by the public, feeds its self-evaluation, not one of the six sources.</summary>
    public const string UnitChannel = "unit-channel";

    public static readonly IReadOnlyList<string> Sources = [Deputies, ServiceHall, Prefectures, Inspectors, Liaison, Channel];

    /// <summary>The Chinese name of each of <see cref="Sources"/>.</summary>
    public static readonly IReadOnlyDictionary<string, string> SourceLabels = new Dictionary<string, string>
    {
        [Deputies] = "人大代表政协委员",
        [ServiceHall] = "省政务大厅",
        [Prefectures] = "市(州)直单位",
        [Inspectors] = "义务监督员明察暗访",
        [Liaison] = "党建联系片",
        [Channel] = "直通车平台",
    };

    public const string OverallScale = "satisfaction";

    public static readonly IReadOnlyList<string> OverallRatings = ["satisfied", "basically-satisfied", "dissatisfied"];

    public static readonly IReadOnlyList<string> Severities = ["minor", "major", "serious"];

    public static readonly IReadOnlyList<string> Milestones = ["implementation-plan", "self-evaluation-report"];

    public static SourceInput InputOf(string source) => source switch
    {
        ServiceHall => SourceInput.PublicSurvey,
        Inspectors => SourceInput.Inspection,
        Channel => SourceInput.Computed,
        _ => SourceInput.Rating,
    };
}
