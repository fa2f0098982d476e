using PingYi.Domain.Complaints;

namespace PingYi.Domain.Tests.Handling;

/// <summary>
/// The aggregate's text for people comes from ComplaintTexts.json. Stored timeline events keep the wording they
/// were written with, so each text is pinned here as the aggregate wrote it when it still held the strings.
/// </summary>
public sealed class ComplaintTextsTests
{
    private static readonly DateTime Due = DateTime.SpecifyKind(new DateTime(2020, 10, 27, 16, 0, 0), DateTimeKind.Utc);
    private static readonly DateTime Before = DateTime.SpecifyKind(new DateTime(2020, 10, 20, 16, 0, 0), DateTimeKind.Utc);

    public static TheoryData<string, string> Rendered => new()
    {
        { "已收到您反映的问题", ComplaintTexts.Submitted },
        { "指定本单位承办人：张三", ComplaintTexts.HandlerAssigned("张三") },
        { "张三 认领了本件", ComplaintTexts.HandlerClaimed("张三") },
        { "补充说明（附件 2 个）", ComplaintTexts.SupplementWithAttachments("补充说明", 2) },
        { "您已评价过本次办理结果，请等待纪检监察工委处理。", ComplaintTexts.AlreadyRated },
        { "评价期限未到或反映人已评价，不能自动办结。", ComplaintTexts.FeedbackWindowOpen },
        { "不能转办给当前承办单位。", ComplaintTexts.TransferToSameUnit },
        { "没有待答复的督办通知。", ComplaintTexts.NoOpenSupervision },
        { "当前状态为“待受理”，不能执行该操作。", ComplaintTexts.NotAllowedInStatus("待受理") },
        { "已受理，交省教育厅办理，办理期限至 2020-10-27 24:00。", ComplaintTexts.Assigned("省教育厅", Due) },
        { "已转交省教育厅办理，办理期限至 2020-10-27 24:00。", ComplaintTexts.Transferred("省教育厅", Due) },
        { "不予受理：不属于受理范围", ComplaintTexts.Declined("不属于受理范围") },
        { "不予受理：", ComplaintTexts.Declined(null) },
        { "承办单位调整，正在重新确定承办单位。", ComplaintTexts.ReturnApproved },
        { "办理期限延长至 2020-10-27 24:00。", ComplaintTexts.ExtensionApproved(Due) },
        { "调查核实情况：已核实\n整改措施：已整改", ComplaintTexts.Responded("已核实", "已整改") },
        { "办理结果：已整改完毕", ComplaintTexts.Approved("已整改完毕") },
        { "办理结果未通过审核，已退回承办单位重新办理。", ComplaintTexts.SentBack },
        { "评价：满意", ComplaintTexts.Rated("满意", null) },
        { "评价：不满意。没有解决", ComplaintTexts.Rated("不满意", "没有解决") },
        { "已重新交办，办理期限至 2020-10-27 24:00。", ComplaintTexts.Reopened(Due) },
        { "已办结。", ComplaintTexts.Closed },
        { "评价期满未评价，自动办结。", ComplaintTexts.FeedbackTimeout },
        { "催办：请加快", ComplaintTexts.Urged("请加快") },
        { "督办通知 DB-2020-0001：抓紧办理。请于 2020-10-27 24:00 前答复。", ComplaintTexts.Supervised("DB-2020-0001", "抓紧办理", Due) },
        { "督办通知 DB-2020-0001：抓紧办理！请于 2020-10-27 24:00 前答复。", ComplaintTexts.Supervised("DB-2020-0001", "抓紧办理！  ", Due) },
        { "答复督办 DB-2020-0001：已答复", ComplaintTexts.SupervisionAnswered("DB-2020-0001", "已答复") },
        { "督办通知 DB-2020-0001 未答复，因案件转办而撤销；如需继续督办，请对新的承办单位另行督办。", ComplaintTexts.SupervisionWithdrawn("DB-2020-0001", transferred: true) },
        { "督办通知 DB-2020-0001 未答复，因案件退回重新确定承办单位而撤销；如需继续督办，请对新的承办单位另行督办。", ComplaintTexts.SupervisionWithdrawn("DB-2020-0001", transferred: false) },
        { "受理期限（2020-10-27 24:00）已过，尚未受理。", ComplaintTexts.AcceptOverdue(Due) },
        { "距办理期限（2020-10-27 24:00）不足 2 个工作日，已提醒承办单位。", ComplaintTexts.DeadlineReminder(Due, 2) },
        { "已超过办理期限（2020-10-27 24:00），未报送办理情况。", ComplaintTexts.Overdue(Due) },
        { "超期满 3 个工作日，升级为 2 级督办。", ComplaintTexts.Escalated(3, 2) },
        { "督办通知 DB-2020-0001 距答复期限（2020-10-27 24:00）不足 2 个工作日，已提醒承办单位。", ComplaintTexts.SupervisionReminder("DB-2020-0001", Due, 2) },
        { "督办通知 DB-2020-0001 答复期限（2020-10-27 24:00）已过，未答复。", ComplaintTexts.SupervisionOverdue("DB-2020-0001", Due) },
        { "督办通知 DB-2020-0001 超过答复期限满 5 个工作日仍未答复，升级为 3 级。", ComplaintTexts.SupervisionEscalated("DB-2020-0001", 5, 3) },
        { "根据新发布的 2020 年节假日安排，督办通知 DB-2020-0001 的答复期限重新计算为 2020-10-27 24:00（原期限 2020-10-20 24:00 系按周一至周五推算）。", ComplaintTexts.SupervisionRecounted(2020, "DB-2020-0001", Due, Before) },
        { "根据新发布的 2020 年节假日安排，受理期限重新计算为 2020-10-27 24:00。", ComplaintTexts.DeadlineRecounted(2020, accept: true, Due) },
        { "根据新发布的 2020 年节假日安排，办理期限重新计算为 2020-10-27 24:00。", ComplaintTexts.DeadlineRecounted(2020, accept: false, Due) },
        { "原期限 2020-10-20 24:00 系按周一至周五推算（2020 年节假日安排当时尚未发布）。", ComplaintTexts.DeadlineRecountedBefore(Before, 2020) },
    };

    [Theory]
    [MemberData(nameof(Rendered))]
    public void Each_text_reads_as_the_aggregate_wrote_it(string expected, string actual) => Assert.Equal(expected, actual);

    [Fact]
    public void The_file_holds_exactly_the_texts_the_aggregate_uses()
    {
        Assert.Equal(
            [
                "accept-deadline-recounted", "accept-overdue", "already-rated", "approved", "assigned", "closed",
                "deadline-recounted-before", "deadline-reminder", "declined", "escalated", "extension-approved",
                "feedback-timeout", "feedback-window-open", "full-stop", "handle-deadline-recounted", "handler-assigned", "handler-claimed", "link-self", "linked", "merge-forwarded",
                "merge-into-self", "merge-not-forwarded", "merge-other-unit", "merge-primary-is-secondary", "merge-primary-state", "merge-self-is-primary",
                "merged", "merged-in", "merged-internal", "no-open-supervision",
                "not-allowed-in-status", "overdue", "rated", "rated-with-comment", "reopened", "responded", "resumed", "resumed-at-limit",
                "resumed-on-supplement", "return-approved", "sent-back", "sign-escalated", "sign-late", "sign-on-time", "sign-overdue", "sign-reminder", "signed",
                "signed-on-answer", "submitted", "supervised", "supervision-answered", "supervision-escalated", "supervision-overdue",
                "supervision-recounted", "supervision-reminder", "supervision-withdrawn-on-return",
                "supervision-withdrawn-on-transfer", "supplement-with-attachments", "suspended", "suspension-limit",
                "suspension-requested", "suspension-when-overdue", "transfer-to-same-unit", "transferred",
                "unit-undetermined", "unmerged", "unmerged-internal", "unmerged-out", "urged",
            ],
            ComplaintTexts.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_value_is_written_as_it_is_even_with_braces() =>
        Assert.Equal("不予受理：{due} 与 {reason}", ComplaintTexts.Declined("{due} 与 {reason}"));
}
