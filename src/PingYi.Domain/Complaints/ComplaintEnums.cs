using PingYi.Domain.Common;

namespace PingYi.Domain.Complaints;

/// <summary>问题类别.</summary>
public enum ProblemCategory
{
    Formalism = 1,
    Bureaucratism = 2,
    EightPointRules = 3,
    EpidemicResponse = 4,
    Discipline = 5,
    Other = 6,
}

/// <summary>Where a complaint came in. All are the 直通车 channel; the sub-channel is kept for statistics.</summary>
public enum ComplaintChannel
{
    Web = 1,
    Api = 2,

    /// <summary>来电: taken down by a supervisor from a phone call.</summary>
    Phone = 3,

    /// <summary>来信: registered by a supervisor from a letter (scans as attachments).</summary>
    Letter = 4,

    /// <summary>来访: taken down by a supervisor from a visit in person.</summary>
    Visit = 5,
}

public enum ComplaintStatus
{
    Submitted = 1,
    Declined = 2,
    Assigned = 3,
    UnderReview = 4,
    AwaitingFeedback = 5,
    Closed = 6,

    /// <summary>中止 (workflow v4): the handling deadline stands still while the case waits for the complainant.</summary>
    Suspended = 7,

    /// <summary>已并案 (workflow v5): a secondary that follows its primary's handling until the primary's answer is approved.</summary>
    Merged = 8,
}

public static class ProblemCategories
{
    public static readonly CodeList<ProblemCategory> Codes = new(
        (ProblemCategory.Formalism, "formalism", "形式主义"),
        (ProblemCategory.Bureaucratism, "bureaucratism", "官僚主义"),
        (ProblemCategory.EightPointRules, "eight-point-rules", "违反中央八项规定精神"),
        (ProblemCategory.EpidemicResponse, "epidemic-response", "疫情防控担当作为"),
        (ProblemCategory.Discipline, "discipline", "机关纪律作风"),
        (ProblemCategory.Other, "other", "其他"));
}

public static class ComplaintChannels
{
    public static readonly CodeList<ComplaintChannel> Codes = new(
        (ComplaintChannel.Web, "web", "网页"),
        (ComplaintChannel.Api, "api", "接口"),
        (ComplaintChannel.Phone, "phone", "来电"),
        (ComplaintChannel.Letter, "letter", "来信"),
        (ComplaintChannel.Visit, "visit", "来访"));

    /// <summary>Channels only a supervisor registers (来电/来信/来访 登记), with the time received.</summary>
    public static bool IsStaffRegistered(ComplaintChannel channel) => channel is ComplaintChannel.Phone or ComplaintChannel.Letter or ComplaintChannel.Visit;
}

public static class ComplaintStatuses
{
    public static readonly CodeList<ComplaintStatus> Codes = new(
        (ComplaintStatus.Submitted, "submitted", "待受理"),
        (ComplaintStatus.Declined, "declined", "不予受理"),
        (ComplaintStatus.Assigned, "assigned", "办理中"),
        (ComplaintStatus.UnderReview, "under-review", "审核中"),
        (ComplaintStatus.AwaitingFeedback, "awaiting-feedback", "待评价"),
        (ComplaintStatus.Closed, "closed", "已办结"),
        (ComplaintStatus.Suspended, "suspended", "中止"),
        (ComplaintStatus.Merged, "merged", "已并案"));

    /// <summary>The status as people should read it: what happens next.</summary>
    public const string DissatisfiedAwaitingSupervisors = "不满意，待纪检监察工委处理";

    /// <summary>
    /// The one place that turns a case's state into the status people read (tracking page, inboxes, lists,
    /// the API's statusLabel). A case rated 不满意 is still <see cref="ComplaintStatus.AwaitingFeedback"/> in
    /// the workflow, but it no longer waits for a rating: it waits for the supervisors to reopen or close it.
    /// </summary>
    public static string DisplayLabel(ComplaintStatus status, Workflow.Satisfaction? satisfaction) =>
        status == ComplaintStatus.AwaitingFeedback && satisfaction == Workflow.Satisfaction.Dissatisfied
            ? DissatisfiedAwaitingSupervisors
            : Codes.LabelOf(status);
}
