using PingYi.Domain.Evaluation;

namespace PingYi.Domain.Tests.Evaluation;

/// <summary>
/// Golden cases of the channel score, computed by hand from the 2020 round file's <c>channel</c> section:
/// full marks 100; weights quality 0.25, on-time 0.3, satisfaction 0.25, rework 0.1, overdue 0.1;
/// 基本满意 credit 0.6; 0.5 per working day overdue; 2 per reopened round; 1 per rejected return.
/// </summary>
public sealed class ChannelScoreCalculatorTests
{
    private static readonly ChannelScoreParameters P =
        EvaluationRoundLoader.LoadFile(Path.Combine(RepoPaths.Workflows, "evaluation", "2020.json")).Channel;

    private static ChannelTally Tally(int rounds = 0, int deadlines = 0, int responses = 0, int onTime = 0, int overdue = 0, int days = 0,
        int sendBacks = 0, int ratings = 0, int ratingSum = 0, int satisfied = 0, int basically = 0, int dissatisfied = 0,
        int reopened = 0, int rejected = 0) =>
        new(rounds, deadlines, responses, onTime, overdue, days, sendBacks, ratings, ratingSum, satisfied, basically, dissatisfied, reopened, rejected);

    [Fact]
    public void The_round_file_holds_the_parameters_these_cases_were_computed_with()
    {
        Assert.Equal(100, P.FullMarks);
        Assert.Equal([0.25, 0.3, 0.25, 0.1, 0.1], new[] { "quality", "on-time", "satisfaction", "rework", "overdue" }.Select(k => P.Weights[k]));
        Assert.Equal((0.6, 0.5, 2.0, 1.0, "full-marks"), (P.BasicallySatisfiedCredit, P.OverduePenaltyPerWorkingDay, P.ReopenedPenalty, P.RejectedReturnPenalty, P.NoCasesPolicy));
    }

    [Fact]
    public void Every_part_and_every_deduction()
    {
        // quality (4 − 1) / 4 = 0.75 (ratings 5, 4, 3: sum 12, average 4); on-time 4/5 = 0.8;
        // satisfaction (2 + 0.6 × 1) / 4 = 0.65; rework 1 − 1/5 = 0.8; overdue 1 − 1/5 = 0.8.
        // Base = 100 × (0.25×0.75 + 0.3×0.8 + 0.25×0.65 + 0.1×0.8 + 0.1×0.8) = 100 × (0.1875 + 0.24 + 0.1625 + 0.08 + 0.08) = 75.
        // Deductions 0.5 × 3 days + 2 × 1 reopened + 1 × 1 rejected = 1.5 + 2 + 1 = 4.5 → 70.5.
        var r = ChannelScoreCalculator.Score(P, Tally(rounds: 4, deadlines: 5, responses: 5, onTime: 4, overdue: 1, days: 3, sendBacks: 1,
            ratings: 3, ratingSum: 12, satisfied: 2, basically: 1, dissatisfied: 1, reopened: 1, rejected: 1));

        Assert.Equal(70.5, r.Score);
        Assert.False(r.NoCases);
        Assert.Equal(0.75, r.Quality!.Value, 10);
        Assert.Equal(0.8, r.OnTime!.Value, 10);
        Assert.Equal(0.65, r.Satisfaction!.Value, 10);
        Assert.Equal(0.8, r.Rework!.Value, 10);
        Assert.Equal(0.8, r.Overdue!.Value, 10);
        Assert.Equal(75, r.Base, 10);
        Assert.Equal((1.5, 2.0, 1.0), (r.OverduePenalty, r.ReopenedPenalty, r.RejectedReturnPenalty));
    }

    [Fact]
    public void Parts_without_inputs_are_left_out_and_the_weights_re_normalised()
    {
        // No approved rating, one 不满意 (未评价 are not counted at all): quality is left out.
        // on-time 1/2 = 0.5, satisfaction 0/1 = 0, rework 1 − 0/2 = 1, overdue 1 − 1/2 = 0.5.
        // Weights present 0.3 + 0.25 + 0.1 + 0.1 = 0.75; weighted 0.15 + 0 + 0.1 + 0.05 = 0.30; base 100 × 0.30 / 0.75 = 40.
        // Minus 0.5 × 4 days = 2 → 38.
        var r = ChannelScoreCalculator.Score(P, Tally(rounds: 2, deadlines: 2, responses: 2, onTime: 1, overdue: 1, days: 4, dissatisfied: 1));

        Assert.Null(r.Quality);
        Assert.Equal(40, r.Base, 10);
        Assert.Equal(38, r.Score);
    }

    [Fact]
    public void A_clean_record_without_ratings_gets_full_marks()
    {
        // on-time 2/2, rework 1, overdue 1 over weights 0.3 + 0.1 + 0.1: 100 × 0.5 / 0.5 = 100.
        var r = ChannelScoreCalculator.Score(P, Tally(rounds: 2, deadlines: 2, responses: 2, onTime: 2));
        Assert.Equal(100, r.Score);
    }

    [Fact]
    public void A_round_still_within_its_deadline_at_the_cut_off_measures_nothing_yet_and_loses_nothing()
    {
        var r = ChannelScoreCalculator.Score(P, Tally(rounds: 1));
        Assert.Equal(100, r.Score);
        Assert.False(r.NoCases);
    }

    [Fact]
    public void A_unit_without_cases_gets_the_no_cases_policy()
    {
        var full = ChannelScoreCalculator.Score(P, ChannelTally.Empty);
        Assert.Equal((100.0, true, false), (full.Score, full.NoCases, full.Excluded));

        var excluded = ChannelScoreCalculator.Score(P with { NoCasesPolicy = "exclude" }, ChannelTally.Empty);
        Assert.Equal((true, true), (excluded.NoCases, excluded.Excluded));
    }

    [Fact]
    public void Deductions_cannot_take_the_score_below_zero()
    {
        // Overdue part 1 − 1/1 = 0 is the only part: base 0; 0.5 × 250 = 125 deducted; kept at 0.
        var r = ChannelScoreCalculator.Score(P, Tally(rounds: 1, deadlines: 1, overdue: 1, days: 250));
        Assert.Equal(0, r.Base);
        Assert.Equal(0, r.Score);
    }

    [Fact]
    public void Rework_above_one_send_back_per_response_counts_as_zero_and_the_score_is_rounded_to_two_decimals()
    {
        // quality: ratings 5, 4, 4 → 13/3; (13/3 − 1)/4 = 10/12 = 0.8333…; on-time 3/3 = 1; rework 1 − min(1, 4/3) = 0; overdue 1 − 0/3 = 1.
        // Weights 0.25 + 0.3 + 0.1 + 0.1 = 0.75; weighted 0.208333… + 0.3 + 0 + 0.1 = 0.608333…; base 100 × 0.608333… / 0.75 = 81.1111… → 81.11.
        var r = ChannelScoreCalculator.Score(P, Tally(rounds: 1, deadlines: 3, responses: 3, onTime: 3, sendBacks: 4, ratings: 3, ratingSum: 13));
        Assert.Equal(0, r.Rework);
        Assert.Equal(81.11, r.Score);
    }
}
