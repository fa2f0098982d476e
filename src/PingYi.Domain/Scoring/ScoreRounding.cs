namespace PingYi.Domain.Scoring;

/// <summary>
/// The one rounding of the scoring area: every figure a page, the rankings, an xlsx export or the API shows is
/// rounded here, to <see cref="Decimals"/> places, half away from zero (x.xx5 → x.xx + 0.01), so that they agree
/// to the last digit. Nothing in the scoring area calls <see cref="Math.Round(double)"/> itself.
/// </summary>
public static class ScoreRounding
{
    public const int Decimals = 2;

    public static double Round(double value) => Math.Round(value, Decimals, MidpointRounding.AwayFromZero);

    public static double? Round(double? value) => value is { } v ? Round(v) : null;

    /// <summary>
    /// Rounds parts that add up to a total so that the rounded parts add up to the rounded total (largest remainder):
    /// what an explanation shows as "points" per part, where each part differs from its exact value by less than
    /// 0.01 and the column sums to the figure shown beside it.
    /// </summary>
    public static IReadOnlyList<double> Apportion(IReadOnlyList<double> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        const double unit = 100; // 10^Decimals
        var total = (long)Math.Round(Round(parts.Sum()) * unit);
        var floors = parts.Select(p => (long)Math.Floor(Math.Round(p * unit, 6))).ToArray();
        var missing = total - floors.Sum();
        // Hand out the hundredths still missing to the parts with the largest remainders (first part first on a tie);
        // a negative "missing" (only from float noise) takes them back from the smallest.
        var order = Enumerable.Range(0, parts.Count)
            .OrderByDescending(i => Math.Round(parts[i] * unit, 6) - floors[i]).ThenBy(i => i).ToList();
        for (var k = 0; missing != 0 && order.Count > 0; k++)
        {
            var i = missing > 0 ? order[k % order.Count] : order[order.Count - 1 - (k % order.Count)];
            floors[i] += Math.Sign(missing);
            missing -= Math.Sign(missing);
        }
        return floors.Select(f => f / unit).ToList();
    }
}
