using System.Globalization;
using System.Text.Json;

namespace PingYi.Domain.Evaluation;

public static partial class EvaluationRoundLoader
{
    /// <summary>The channel score parameters, the rating-form limit and the public survey limits.</summary>
    private sealed partial class RoundReader
    {
        private ChannelScoreParameters ReadChannel(JsonElement root)
        {
            var path = Child("$", "channel");
            var obj = RequiredObject(root, "$", "channel");
            foreach (var legacy in (string[])["basicallySatisfiedCredit", "overduePenaltyPerWorkingDay", "reopenedPenalty", "rejectedReturnPenalty"])
            {
                if (obj.TryGetProperty(legacy, out _))
                {
                    Fail(Child(path, legacy), "the channel block is made of rates now (docs/scoring.md, \"Channel\"): per-case penalties and a 基本满意 credit of its own are gone; use weights, overdueCapWorkingDays, minCases, unrated");
                }
            }
            ExpectObject(obj, path, "countIn", "fullMarks", "weights", "overdueCapWorkingDays", "partlyResolvedCredit", "minCases", "noCases", "unrated");
            var countIn = RequiredString(obj, path, "countIn");
            if (!ChannelRates.CountInRules.Contains(countIn))
            {
                Fail(Child(path, "countIn"), $"unknown rule '{countIn}'; rules are {string.Join(", ", ChannelRates.CountInRules)}");
            }
            var full = RequiredNumber(obj, path, "fullMarks");
            if (full <= 0)
            {
                Fail(Child(path, "fullMarks"), $"must be more than 0, found {full}");
            }
            var wPath = Child(path, "weights");
            var w = RequiredObject(obj, path, "weights");
            ExpectObject(w, wPath, [.. ChannelRates.All]);
            var weights = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var p in w.EnumerateObject())
            {
                var value = ExpectNumber(p.Value, Child(wPath, p.Name));
                if (value is < 0 or > 1)
                {
                    Fail(Child(wPath, p.Name), $"a weight is 0–1, found {value}");
                }
                weights[p.Name] = value;
            }
            if (Math.Abs(weights.Values.Sum() - 1) > WeightTolerance)
            {
                Fail(wPath, $"the weights must add up to 1, found {weights.Values.Sum().ToString("0.######", CultureInfo.InvariantCulture)}");
            }
            var cap = PositiveInt(obj, path, "overdueCapWorkingDays", "working days");
            var credit = RequiredNumber(obj, path, "partlyResolvedCredit");
            if (credit is < 0 or > 1)
            {
                Fail(Child(path, "partlyResolvedCredit"), $"a share 0–1, found {credit}");
            }
            var minCases = RequiredInt(obj, path, "minCases");
            if (minCases is < 0 or > 1000)
            {
                Fail(Child(path, "minCases"), $"0–1000 cases, found {minCases}");
            }
            var noCases = RequiredString(obj, path, "noCases");
            if (!ChannelRates.NoCasesPolicies.Contains(noCases))
            {
                Fail(Child(path, "noCases"), $"unknown policy '{noCases}'; policies are {string.Join(", ", ChannelRates.NoCasesPolicies)} (a unit without cases never gets full marks)");
            }
            var uPath = Child(path, "unrated");
            var unrated = RequiredObject(obj, path, "unrated");
            ExpectObject(unrated, uPath, "countAs", "afterDays");
            var countAs = RequiredString(unrated, uPath, "countAs");
            if (!ChannelRates.UnratedPolicies.Contains(countAs))
            {
                Fail(Child(uPath, "countAs"), $"unknown rule '{countAs}'; rules are {string.Join(", ", ChannelRates.UnratedPolicies)}");
            }
            var afterDays = PositiveInt(unrated, uPath, "afterDays", "days");
            return new ChannelScoreParameters(full, weights, countIn, cap, credit, minCases, noCases, countAs, afterDays);
        }

        private int ReadRatingForms(JsonElement root)
        {
            if (!root.TryGetProperty("ratingForms", out _))
            {
                return EvaluationRoundDefinition.DefaultRatingsPerAccountAndUnit;
            }
            var path = Child("$", "ratingForms");
            var obj = RequiredObject(root, "$", "ratingForms");
            ExpectObject(obj, path, "maxPerAccountAndUnit");
            return PositiveInt(obj, path, "maxPerAccountAndUnit", "ratings");
        }

        /// <summary><c>preview.workingDays</c>: the 公示 after closing, 1–30 working days (default <see cref="AppealCodes.DefaultPreviewWorkingDays"/>).</summary>
        private int ReadPreview(JsonElement root)
        {
            if (!root.TryGetProperty("preview", out _))
            {
                return AppealCodes.DefaultPreviewWorkingDays;
            }
            var path = Child("$", "preview");
            var obj = RequiredObject(root, "$", "preview");
            ExpectObject(obj, path, "workingDays");
            var days = PositiveInt(obj, path, "workingDays", "working days");
            if (days > 30)
            {
                Fail(Child(path, "workingDays"), $"1–30 working days, found {days}");
            }
            return days;
        }

        private PublicSurveyLimits ReadSurvey(JsonElement root)
        {
            var path = Child("$", "publicSurvey");
            var obj = RequiredObject(root, "$", "publicSurvey");
            ExpectObject(obj, path, "perAddressPerHour", "uncodedWeight", "codeValidDays", "review");
            var weight = OptionalNumber(obj, path, "uncodedWeight") ?? PublicSurveyLimits.DefaultUncodedWeight;
            if (weight is < 0 or > 1)
            {
                Fail(Child(path, "uncodedWeight"), $"a weight is 0–1 (an uncoded answer counts as this share of a coded one), found {weight}");
            }
            var days = OptionalInt(obj, path, "codeValidDays") ?? PublicSurveyLimits.DefaultCodeValidDays;
            if (days is < 1 or > 366)
            {
                Fail(Child(path, "codeValidDays"), $"1–366 days, found {days}");
            }
            int burstAnswers = PublicSurveyLimits.DefaultBurstAnswers, burstMinutes = PublicSurveyLimits.DefaultBurstMinutes;
            if (obj.TryGetProperty("review", out _))
            {
                var rPath = Child(path, "review");
                var review = RequiredObject(obj, path, "review");
                ExpectObject(review, rPath, "burstAnswers", "burstMinutes");
                burstAnswers = PositiveInt(review, rPath, "burstAnswers", "answers");
                burstMinutes = PositiveInt(review, rPath, "burstMinutes", "minutes");
                if (burstAnswers < 2)
                {
                    Fail(Child(rPath, "burstAnswers"), $"a burst is at least 2 answers, found {burstAnswers}");
                }
            }
            return new PublicSurveyLimits(PositiveInt(obj, path, "perAddressPerHour", "responses"))
            {
                UncodedWeight = weight,
                CodeValidDays = days,
                BurstAnswers = burstAnswers,
                BurstMinutes = burstMinutes,
            };
        }
    }
}
