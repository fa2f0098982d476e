using PingYi.Domain.Calendar;

namespace PingYi.Domain.Complaints.Effects;

/// <summary>
/// 签收: the unit signs for the case it was handed (once per assign, transfer or reopen; the workflow's
/// <c>sign-pending</c> condition). Its time against the signing deadline is what the channel's 及时签收率 counts.
/// </summary>
internal sealed class SignEffect : IComplaintEffect
{
    public const string Code = "sign";

    public string Action => Code;

    public void Apply(EffectContext context)
    {
        context.Complaint.SignedAtUtc = context.NowUtc;
        context.PublicNote = ComplaintTexts.Signed;
    }

    public void Record(Complaint complaint, HandlingFacts facts, WorkingDayCalendar calendar) =>
        complaint.CurrentHandling?.Signed(facts.AtUtc);
}
