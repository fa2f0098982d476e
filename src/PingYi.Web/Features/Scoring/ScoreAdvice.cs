using System.Globalization;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The one sentence of the 得分说明 on what would raise a unit's score most: the source with the most points still
/// open (effective weight × (100 − score)) and, when that is the channel, its rate with the most points open and the
/// cases still in hand that would move it. Worked out from the explanation's own figures, never re-scored.
/// </summary>
public static class ScoreAdvice
{
    public static string Sentence(EvaluationRoundDefinition round, IReadOnlyList<GetBreakdown.SourceLine> sources, GetBreakdown.ChannelPart channel)
    {
        var best = sources.Where(s => s.Applies && s.Score is not null && s.EffectiveWeight > 0)
            .Select(s => (Source: s, Gain: s.EffectiveWeight * (SourceScores.Max - s.Score!.Value)))
            .OrderByDescending(x => x.Gain).ThenBy(x => x.Source.Source, StringComparer.Ordinal)
            .FirstOrDefault();
        var open = channel.Cases.Count(c => c.StoppedAtUtc is null && c.EndedBy is null && !c.Overdue);
        var overdue = channel.Cases.Count(c => c.StoppedAtUtc is null && c.EndedBy is null && c.Overdue);
        var inHand = open + overdue > 0
            ? $"；在办 {open} 件按期答复{(overdue > 0 ? $"、已超期 {overdue} 件尽快答复" : "")}，可提高按期办结率、降低超期率"
            : "";
        if (best.Source is null || best.Gain < 0.005)
        {
            return best.Source is null ? $"暂无可计分的来源{inHand}。" : $"各来源均已满分{inHand}。";
        }
        var s = best.Source;
        var text = $"提高得分空间最大的是“{s.Label}”：权重 {F(s.EffectiveWeight)}，现得 {F(s.Score!.Value)} 分，达到满分可使综合得分提高 {F(best.Gain)} 分";
        if (s.Source == EvaluationCodes.Channel)
        {
            var rate = channel.Rates.Values.Where(r => r.Points is not null)
                .Select(r => (Rate: r, Open: r.EffectiveWeight * round.Channel.FullMarks - r.Points!.Value))
                .OrderByDescending(x => x.Open).FirstOrDefault();
            if (rate.Rate is not null && rate.Open >= 0.005)
            {
                text += $"，其中{rate.Rate.Label}失分最多（本项最高 {F(rate.Rate.EffectiveWeight * round.Channel.FullMarks)} 分，现得 {F(rate.Rate.Points!.Value)} 分）";
            }
        }
        return text + inHand + "。";
    }

    private static string F(double value) => ScoreRounding.Round(value).ToString("0.##", CultureInfo.InvariantCulture);
}
