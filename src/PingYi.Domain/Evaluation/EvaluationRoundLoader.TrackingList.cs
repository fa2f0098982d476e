using System.Text.Json;

namespace PingYi.Domain.Evaluation;

public static partial class EvaluationRoundLoader
{
    private sealed partial class RoundReader
    {
        /// <summary>
        /// <c>trackingList</c>: what a unit on the previous year's tracking list must do in this round. Optional: a round
        /// file without it (2020's) sets no follow-up.
        /// </summary>
        private TrackingListFollowUpRules? ReadTrackingList(JsonElement root, DateOnly periodStart, DateOnly periodEnd)
        {
            if (!root.TryGetProperty("trackingList", out _))
            {
                return null;
            }
            var path = Child("$", "trackingList");
            var obj = RequiredObject(root, "$", "trackingList");
            ExpectObject(obj, path, "planDue", "rectifiedDue", "extraInspections");
            var planDue = RequiredDate(obj, path, "planDue");
            var rectifiedDue = RequiredDate(obj, path, "rectifiedDue");
            var extra = PositiveInt(obj, path, "extraInspections", "inspections");
            if (planDue < periodStart || planDue >= periodEnd)
            {
                Fail(Child(path, "planDue"), $"a date in the period ({periodStart:yyyy-MM-dd} to {periodEnd:yyyy-MM-dd}), found {planDue:yyyy-MM-dd}");
            }
            if (rectifiedDue <= planDue || rectifiedDue > periodEnd)
            {
                Fail(Child(path, "rectifiedDue"), $"after planDue ({planDue:yyyy-MM-dd}) and not after the period's end ({periodEnd:yyyy-MM-dd}), found {rectifiedDue:yyyy-MM-dd}");
            }
            if (extra > 12)
            {
                Fail(Child(path, "extraInspections"), $"1–12 inspections, found {extra}");
            }
            return new TrackingListFollowUpRules(planDue, rectifiedDue, extra);
        }
    }
}
