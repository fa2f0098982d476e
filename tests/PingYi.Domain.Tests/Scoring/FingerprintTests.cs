using System.Text.Json.Nodes;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;

namespace PingYi.Domain.Tests.Scoring;

/// <summary>
/// The canonical form fingerprints are taken over (RFC 8785) and a unit's part: written, read back and recomputed alone,
/// it gives the figures the whole round gave the unit, and its fingerprint moves with any input.
/// </summary>
public sealed class FingerprintTests
{
    private static readonly EvaluationRoundDefinition Round =
        EvaluationRoundLoader.LoadFile(RepoPaths.Combine("workflows", "evaluation", "2026.json"));

    [Theory]
    // RFC 8785, appendix B (IEEE 754 → ECMAScript), and the figures a part carries.
    [InlineData(0.0, "0")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(-1.5e-7, "-1.5e-7")]
    [InlineData(333333333.3333333, "333333333.3333333")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(295147905179352830000.0, "295147905179352830000")]
    [InlineData(4.5, "4.5")]
    [InlineData(0.002, "0.002")]
    [InlineData(0.225, "0.225")]
    [InlineData(91.85436622807018, "91.85436622807018")]
    [InlineData(100.0, "100")]
    public void Numbers_are_written_as_ecmascript_writes_them(double value, string expected) =>
        Assert.Equal(expected, CanonicalJson.Number(value));

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_without_whitespace_and_strings_escaped_only_where_json_must()
    {
        var node = JsonNode.Parse("""{ "b": [1, 2.50, true, null], "a": "x\"\\\n\u0001é中", "\u20ac": 1, "\r": 2, "1": { "z": 1e1, "y": "" } }""");
        Assert.Equal("{\"\\r\":2,\"1\":{\"y\":\"\",\"z\":10},\"a\":\"x\\\"\\\\\\n\\u0001é中\",\"b\":[1,2.5,true,null],\"€\":1}", CanonicalJson.Serialize(node));
        // Whitespace and member order do not change the fingerprint; a value does.
        Assert.Equal(CanonicalJson.Sha256(JsonNode.Parse("""{"a":1,"b":2}""")), CanonicalJson.Sha256(JsonNode.Parse("{ \"b\" : 2,\n \"a\" : 1.0 }")));
        Assert.NotEqual(CanonicalJson.Sha256(JsonNode.Parse("""{"a":1,"b":2}""")), CanonicalJson.Sha256(JsonNode.Parse("""{"a":1,"b":3}""")));
        Assert.Equal(64, CanonicalJson.Sha256(node).Length);
    }

    private static ChannelTally Tally(int cases, int unrated) => new(
        HandlingRounds: cases, Deadlines: cases, Responses: cases - 1, OnTime: cases - 2, Overdue: 2, WorkingDaysOverdue: 7, CappedWorkingDaysOverdue: 7,
        SendBacks: 1, Reopened: 0, RejectedReturns: 0, QualityRatings: cases - 1, QualitySum: 4 * (cases - 1), Satisfied: cases - 3 - unrated,
        BasicallySatisfied: 1, Dissatisfied: 1, UnratedSatisfaction: unrated, Resolved: cases - 3 - unrated, PartlyResolved: 1, Unresolved: 1,
        UnratedResolution: unrated, SignDeadlines: cases, SignedOnTime: cases - 1);

    [Fact]
    public void A_units_part_read_back_from_its_file_recomputes_the_figures_the_whole_round_gave_it()
    {
        // Three units of one category: few cases (drawn toward the category's mean) and unrated answers (counted at the
        // category's mean rate) make the channel depend on the others, through the means the part carries.
        var units = new[]
        {
            new ChannelUnit("few", UnitCategory.Government, Tally(4, 1)),
            new ChannelUnit("many", UnitCategory.Government, Tally(30, 3)),
            new ChannelUnit("none", UnitCategory.Government, ChannelTally.Empty),
        };
        var channel = ChannelScoreCalculator.ScoreRound(Round, units);
        Assert.NotNull(channel["few"].ShrunkTowards);
        Assert.NotNull(channel["few"].Means.Raw);
        Assert.NotNull(channel["few"].Means.Satisfied);
        Assert.Null(channel["many"].Means.Raw);

        var ratings = new Dictionary<string, IReadOnlyDictionary<string, int>>
        {
            [EvaluationCodes.Deputies] = new Dictionary<string, int> { ["satisfied"] = 3, ["basically-satisfied"] = 2 },
            [EvaluationCodes.ServiceHall] = new Dictionary<string, int> { ["dissatisfied"] = 1, ["satisfied"] = 7 },
        };
        var uncoded = new Dictionary<string, int> { ["satisfied"] = 4 };
        IReadOnlyList<InspectionInput> inspections = [new("satisfied", ["minor", "major"]), new("basically-satisfied", [])];
        IReadOnlyList<DeductionInput> deductions = [new("procedure", 1.5), new(null, 0.25)];
        foreach (var code in new[] { "few", "many", "none" })
        {
            var input = UnitScoring.ToScoreInput(Round, code, code, UnitCategory.Government, true, ratings, uncoded, inspections, deductions,
                channel[code], 7, false);
            var whole = RankingCalculator.Compute(Round, [input], new HashSet<string>()).SelectMany(c => c.Units).Single();
            var tally = units.Single(u => u.UnitCode == code).Tally;
            var part = new UnitPart(2026, 3, Round, "00112233445566778899aabbccddeeff", code, UnitCategory.Government, true, ratings, uncoded,
                inspections, deductions, new UnitPart.ChannelInputs(new DateTime(2026, 12, 31, 16, 0, 0, DateTimeKind.Utc), tally, channel[code].Means));

            var file = JsonNode.Parse(part.ToJson().ToJsonString())!.AsObject();
            var read = UnitPart.FromJson(file);
            var again = read.Compute();
            Assert.Equal((whole.Score, whole.Weighted, whole.Deductions), (again.Score, again.Weighted, again.Deductions));
            Assert.Equal(whole.Sources.OrderBy(s => s.Key), again.Sources.OrderBy(s => s.Key));
            Assert.Equal(part.Fingerprint(), read.Fingerprint());
            Assert.Equal(part.Fingerprint(), CanonicalJson.Sha256(file));

            // Any input changed: another fingerprint.
            var tampered = file.DeepClone().AsObject();
            tampered["ratings"]![EvaluationCodes.Deputies]!["satisfied"] = 4;
            Assert.NotEqual(part.Fingerprint(), CanonicalJson.Sha256(tampered));
        }
    }

    [Fact]
    public void The_round_document_lists_every_units_fingerprint_by_code()
    {
        var a = RoundFingerprint.Document(2026, 1, Round, 2025, ["b", "a"], [("zz", "1"), ("aa", "2")]);
        var b = RoundFingerprint.Document(2026, 1, Round, 2025, ["a", "b"], [("aa", "2"), ("zz", "1")]);
        Assert.Equal(CanonicalJson.Serialize(a), CanonicalJson.Serialize(b));
        Assert.NotEqual(CanonicalJson.Sha256(a), CanonicalJson.Sha256(RoundFingerprint.Document(2026, 1, Round, 2025, ["a", "b"], [("aa", "2"), ("zz", "3")])));
        Assert.NotEqual(CanonicalJson.Sha256(a), CanonicalJson.Sha256(RoundFingerprint.Document(2026, 2, Round, 2025, ["a", "b"], [("aa", "2"), ("zz", "1")])));
    }
}
