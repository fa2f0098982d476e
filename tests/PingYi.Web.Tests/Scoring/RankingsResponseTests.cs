using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Features.Scoring;

namespace PingYi.Web.Tests.Scoring;

/// <summary>
/// The rankings API's rows: a unit with no score from any source has no composite to compare, so it reads
/// <c>score</c> null, <c>rank</c> null and <c>ranked</c> false, never a 0 at the bottom of its category.
/// </summary>
public sealed class RankingsResponseTests
{
    private static readonly EvaluationRoundDefinition Round =
        EvaluationRoundLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "workflows", "evaluation", "2020.json"));

    private static UnitScoreInput Unit(string code, double? channel, double? deputies) =>
        new(code, code, UnitCategory.Government, new Dictionary<string, double?>
        {
            [EvaluationCodes.Channel] = channel,
            [EvaluationCodes.Deputies] = deputies,
        }, 0, []);

    [Fact]
    public void A_unit_with_no_source_is_listed_unranked_with_no_score_and_the_others_keep_their_ranks()
    {
        var categories = RankingCalculator.Compute(Round, [Unit("a", 90, 80), Unit("b", 70, null), Unit("none", null, null)], new HashSet<string>());
        var response = GetRankings.ToResponse(new RoundResults(2020, false, false, null, new DateTime(2020, 12, 10), null, categories));
        var rows = response.Categories.Single(c => c.Category == UnitCategories.Codes.CodeOf(UnitCategory.Government)).Units;

        var none = rows.Single(r => r.UnitCode == "none");
        Assert.False(none.Ranked);
        Assert.Null(none.Score);
        Assert.Null(none.Rank);
        Assert.False(none.TrackingList);

        Assert.Equal([("a", 1), ("b", 2)], rows.Where(r => r.Ranked).Select(r => (r.UnitCode, r.Rank!.Value)));
        Assert.All(rows.Where(r => r.Ranked), r => Assert.NotNull(r.Score));
    }
}
