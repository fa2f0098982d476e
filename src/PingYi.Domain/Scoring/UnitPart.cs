using System.Globalization;
using System.Text.Json.Nodes;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;

namespace PingYi.Domain.Scoring;

/// <summary>
/// How one unit's inputs become the composite's input: the four questionnaire sources from their overall ratings (the
/// service hall's uncoded answers weighed apart), the inspections, the channel score, the deductions. The one place
/// this is decided: the round's results and a unit's verification file (<see cref="UnitPart"/>) both call it. The
/// lists are put in one order first (ratings by code, inspections and deductions by content), so that the sums are
/// added in the same order whichever way the inputs were read, and a recomputation gives the same double.
/// </summary>
public static class UnitScoring
{
    /// <summary>The sources entered as questionnaires, scored from their overall ratings.</summary>
    public static readonly IReadOnlyList<string> RatedSources = [EvaluationCodes.Deputies, EvaluationCodes.Prefectures, EvaluationCodes.Liaison, EvaluationCodes.ServiceHall];

    public static UnitScoreInput ToScoreInput(
        EvaluationRoundDefinition definition, string unitCode, string name, UnitCategory category, bool serviceHall,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ratings, IReadOnlyDictionary<string, int>? uncodedHall,
        IReadOnlyList<InspectionInput> inspections, IReadOnlyList<DeductionInput> deductions, ChannelScoreResult? channel,
        int overdueWorkingDays, bool accountability)
    {
        var sources = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var code in RatedSources)
        {
            var counts = Ordered(ratings.GetValueOrDefault(code));
            sources[code] = !SourceScores.Applies(code, serviceHall)
                ? null
                : code == EvaluationCodes.ServiceHall
                    // Uncoded answers (the static QR) weigh what the round file says (一事一评, docs/evaluation.md).
                    ? SourceScores.FromRatings(definition, counts, uncodedHall, definition.PublicSurvey.UncodedWeight)
                    : SourceScores.FromRatings(definition, counts);
        }
        sources[EvaluationCodes.Inspectors] = SourceScores.FromInspections(definition, OrderedInspections(inspections));
        sources[EvaluationCodes.Channel] = SourceScores.FromChannel(definition, channel);
        return new UnitScoreInput(unitCode, name, category, sources, overdueWorkingDays, OrderedDeductions(deductions), accountability);
    }

    public static IReadOnlyDictionary<string, int> Ordered(IReadOnlyDictionary<string, int>? counts) =>
        new SortedDictionary<string, int>((counts ?? new Dictionary<string, int>()).Where(c => c.Value > 0).ToDictionary(c => c.Key, c => c.Value), StringComparer.Ordinal);

    public static IReadOnlyList<InspectionInput> OrderedInspections(IEnumerable<InspectionInput> inspections) => inspections
        .Select(i => i with { Severities = i.Severities.Order(StringComparer.Ordinal).ToList() })
        .OrderBy(i => i.Rating, StringComparer.Ordinal).ThenBy(i => string.Join(",", i.Severities), StringComparer.Ordinal)
        .ThenBy(i => i.SeverityWaivedBy is null).ToList();

    public static IReadOnlyList<DeductionInput> OrderedDeductions(IEnumerable<DeductionInput> deductions) =>
        deductions.OrderBy(d => d.Rule ?? string.Empty, StringComparer.Ordinal).ThenBy(d => d.Points).ThenBy(d => d.Counted).ToList();
}

/// <summary>
/// One unit's part of an approved round: the scoring figures of the scheme and every input of the unit that entered its
/// result, as the unit may see them (counts of ratings by overall rating, inspections by rating and severities,
/// deductions by rule and points, the channel's counts and the category means it used — no evaluator, no complainant,
/// no text), and a random nonce so that the fingerprint cannot be found by trying likely counts. Its canonical JSON
/// (<see cref="CanonicalJson"/>) is what the unit's fingerprint is the SHA-256 of; the round's fingerprint covers every
/// unit's (docs/evaluation.md, "Fingerprint"). <see cref="Compute"/> recomputes the unit's figures from it alone.
/// </summary>
public sealed record UnitPart(
    int Year, int SchemeVersion, EvaluationRoundDefinition Scheme, string Nonce, string UnitCode, UnitCategory Category, bool ServiceHall,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Ratings, IReadOnlyDictionary<string, int> UncodedServiceHall,
    IReadOnlyList<InspectionInput> Inspections, IReadOnlyList<DeductionInput> Deductions, UnitPart.ChannelInputs? Channel)
{
    public const string Format = "pingyi.unit-inputs/1";

    /// <param name="CountedToUtc">The cut-off the channel was counted to.</param>
    /// <param name="Means">The category means the channel score used (<see cref="ChannelScoreResult.Means"/>).</param>
    public sealed record ChannelInputs(DateTime CountedToUtc, ChannelTally Tally, ChannelCategoryMeans Means);

    /// <summary>The unit's figures from this part alone (rank 0: the ranking needs the other units).</summary>
    public UnitResult Compute()
    {
        var channel = Channel is null ? null : ChannelScoreCalculator.ScoreUnit(Scheme, Channel.Tally, Channel.Means);
        return RankingCalculator.Composite(Scheme, UnitScoring.ToScoreInput(Scheme, UnitCode, UnitCode, Category, ServiceHall, Ratings,
            UncodedServiceHall, Inspections, Deductions, channel, Channel?.Tally.WorkingDaysOverdue ?? 0, false));
    }

    public string Fingerprint() => CanonicalJson.Sha256(ToJson());

    public JsonObject ToJson()
    {
        var ratings = new JsonObject();
        foreach (var source in UnitScoring.RatedSources.Where(s => SourceScores.Applies(s, ServiceHall)))
        {
            ratings[source] = Counts(Ratings.GetValueOrDefault(source));
        }
        return new JsonObject
        {
            ["format"] = Format,
            ["year"] = Year,
            ["schemeVersion"] = SchemeVersion,
            ["scheme"] = ScoringScheme.ToJson(Scheme),
            ["nonce"] = Nonce,
            ["unit"] = new JsonObject { ["code"] = UnitCode, ["category"] = UnitCategories.Codes.CodeOf(Category), ["serviceHall"] = ServiceHall },
            ["ratings"] = ratings,
            ["serviceHallUncoded"] = ServiceHall ? Counts(UncodedServiceHall) : null,
            ["inspections"] = new JsonArray(UnitScoring.OrderedInspections(Inspections).Select(i => (JsonNode)new JsonObject
            {
                ["rating"] = i.Rating,
                ["severities"] = new JsonArray(i.Severities.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                // One finding, one punishment: a deduction citing this inspection stands instead of its severity points.
                ["severityWaived"] = i.SeverityWaivedBy is not null,
            }).ToArray()),
            ["deductions"] = new JsonArray(UnitScoring.OrderedDeductions(Deductions).Select(d => (JsonNode)new JsonObject
            {
                ["rule"] = d.Rule,
                ["points"] = d.Points,
                // Not counted: its finding is punished by the inspection's severity points instead.
                ["counted"] = d.Counted,
            }).ToArray()),
            ["channel"] = Channel is null ? null : new JsonObject
            {
                ["countedTo"] = Channel.CountedToUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["tally"] = TallyJson(Channel.Tally),
                ["categoryMeans"] = new JsonObject
                {
                    ["raw"] = Channel.Means.Raw,
                    ["satisfied"] = Channel.Means.Satisfied,
                    ["resolved"] = Channel.Means.Resolved,
                },
            },
        };
    }

    /// <summary>Reads a part back (from a downloaded file); a missing or malformed member → <see cref="FormatException"/> naming it.</summary>
    public static UnitPart FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (Str(json, "format") != Format)
        {
            throw new FormatException($"$.format: expected \"{Format}\"");
        }
        var unit = Obj(json, "unit", "$");
        if (!UnitCategories.Codes.TryParse(Str(unit, "category", "$.unit"), out var category))
        {
            throw new FormatException("$.unit.category: unknown category");
        }
        var serviceHall = Bool(unit, "serviceHall", "$.unit");
        var ratings = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (source, counts) in Obj(json, "ratings", "$"))
        {
            ratings[source] = ReadCounts(counts, $"$.ratings.{source}");
        }
        var inspections = Arr(json, "inspections", "$").Select((node, i) =>
        {
            var o = node as JsonObject ?? throw new FormatException($"$.inspections[{i}]: an object");
            // A waived inspection is scored on its rating alone; the part does not name the deduction that stands instead (0).
            return new InspectionInput(Str(o, "rating", $"$.inspections[{i}]"),
                Arr(o, "severities", $"$.inspections[{i}]").Select(s => s?.GetValue<string>() ?? throw new FormatException($"$.inspections[{i}].severities: strings")).ToList(),
                SeverityWaivedBy: Bool(o, "severityWaived", $"$.inspections[{i}]") ? 0 : null);
        }).ToList();
        var deductions = Arr(json, "deductions", "$").Select((node, i) =>
        {
            var o = node as JsonObject ?? throw new FormatException($"$.deductions[{i}]: an object");
            return new DeductionInput(o["rule"]?.GetValue<string>(), Num(o, "points", $"$.deductions[{i}]"), Counted: Bool(o, "counted", $"$.deductions[{i}]"));
        }).ToList();
        ChannelInputs? channel = null;
        if (json["channel"] is JsonObject c)
        {
            var means = Obj(c, "categoryMeans", "$.channel");
            channel = new ChannelInputs(
                DateTime.SpecifyKind(DateTime.ParseExact(Str(c, "countedTo", "$.channel"), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), DateTimeKind.Utc),
                ReadTally(Obj(c, "tally", "$.channel")),
                new ChannelCategoryMeans(OptNum(means, "raw"), OptNum(means, "satisfied"), OptNum(means, "resolved")));
        }
        return new UnitPart(Int(json, "year", "$"), Int(json, "schemeVersion", "$"), ScoringScheme.FromJson(Obj(json, "scheme", "$"), Int(json, "year", "$")),
            Str(json, "nonce"), Str(unit, "code", "$.unit"), category, serviceHall, ratings,
            json["serviceHallUncoded"] is JsonObject uncoded ? ReadCounts(uncoded, "$.serviceHallUncoded") : new Dictionary<string, int>(),
            inspections, deductions, channel);
    }

    private static JsonObject Counts(IReadOnlyDictionary<string, int>? counts)
    {
        var o = new JsonObject();
        foreach (var (code, n) in UnitScoring.Ordered(counts))
        {
            o[code] = n;
        }
        return o;
    }

    private static Dictionary<string, int> ReadCounts(JsonNode? node, string path) =>
        (node as JsonObject ?? throw new FormatException($"{path}: an object of counts")).ToDictionary(p => p.Key,
            p => AsInt(p.Value) is { } n && n >= 0 ? n : throw new FormatException($"{path}.{p.Key}: a count"), StringComparer.Ordinal);

    /// <summary>The channel's counts, by the names of <see cref="ChannelTally"/>'s members (camelCase).</summary>
    private static readonly (string Name, Func<ChannelTally, int> Get)[] TallyFields =
    [
        ("handlingRounds", t => t.HandlingRounds), ("deadlines", t => t.Deadlines), ("responses", t => t.Responses), ("onTime", t => t.OnTime),
        ("overdue", t => t.Overdue), ("workingDaysOverdue", t => t.WorkingDaysOverdue), ("cappedWorkingDaysOverdue", t => t.CappedWorkingDaysOverdue),
        ("sendBacks", t => t.SendBacks), ("reopened", t => t.Reopened), ("rejectedReturns", t => t.RejectedReturns),
        ("qualityRatings", t => t.QualityRatings), ("qualitySum", t => t.QualitySum), ("satisfied", t => t.Satisfied),
        ("basicallySatisfied", t => t.BasicallySatisfied), ("dissatisfied", t => t.Dissatisfied), ("unratedSatisfaction", t => t.UnratedSatisfaction),
        ("resolved", t => t.Resolved), ("partlyResolved", t => t.PartlyResolved), ("unresolved", t => t.Unresolved),
        ("unratedResolution", t => t.UnratedResolution), ("signDeadlines", t => t.SignDeadlines), ("signedOnTime", t => t.SignedOnTime),
        ("ratedByCallback", t => t.RatedByCallback), ("callbackNotReached", t => t.CallbackNotReached),
    ];

    private static JsonObject TallyJson(ChannelTally t)
    {
        var o = new JsonObject();
        foreach (var (name, get) in TallyFields)
        {
            o[name] = get(t);
        }
        return o;
    }

    private static ChannelTally ReadTally(JsonObject o)
    {
        var v = TallyFields.Select(f => Int(o, f.Name, "$.channel.tally")).ToArray();
        return new ChannelTally(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17],
            v[18], v[19], v[20], v[21], v[22], v[23]);
    }

    internal static string Str(JsonObject o, string name, string path = "$") =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException($"{path}.{name}: a string");

    internal static int Int(JsonObject o, string name, string path) =>
        AsInt(o[name]) ?? throw new FormatException($"{path}.{name}: an integer");

    internal static double Num(JsonObject o, string name, string path) =>
        AsDouble(o[name]) ?? throw new FormatException($"{path}.{name}: a number");

    internal static double? OptNum(JsonObject o, string name) => AsDouble(o[name]);

    /// <summary>A JSON number as a double, however the node was made (parsed or built).</summary>
    internal static double? AsDouble(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    internal static int? AsInt(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
        && int.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    internal static bool Bool(JsonObject o, string name, string path) =>
        o[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw new FormatException($"{path}.{name}: true or false");

    internal static JsonObject Obj(JsonObject o, string name, string path) =>
        o[name] as JsonObject ?? throw new FormatException($"{path}.{name}: an object");

    internal static JsonArray Arr(JsonObject o, string name, string path) =>
        o[name] as JsonArray ?? throw new FormatException($"{path}.{name}: an array");
}

/// <summary>
/// The figures of a scheme that scoring reads, as JSON (in a unit's part and the round's fingerprint), and back into a
/// definition that carries only them: sources with weights (in the scheme's order: the weighted mean adds them in it),
/// the satisfaction scale's scores, inspection severity points, deduction caps, the channel block and the weight of the
/// service hall's uncoded answers.
/// </summary>
public static class ScoringScheme
{
    public static JsonObject ToJson(EvaluationRoundDefinition d)
    {
        var c = d.Channel;
        var weights = new JsonObject();
        foreach (var (code, weight) in c.Weights.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            weights[code] = weight;
        }
        return new JsonObject
        {
            ["sources"] = new JsonArray(d.Sources.Select(s => (JsonNode)new JsonObject { ["code"] = s.Code, ["weight"] = s.Weight }).ToArray()),
            ["satisfaction"] = new JsonArray(d.Overall.Options.Select(o => (JsonNode)new JsonObject { ["code"] = o.Code, ["score"] = o.Score }).ToArray()),
            ["severities"] = Map(d.Severities.Values.Select(s => (s.Code, s.Points))),
            ["deductions"] = new JsonObject
            {
                ["maxTotalPoints"] = d.Deductions.MaxTotalPoints,
                ["rules"] = Map(d.Deductions.Rules.Select(r => (r.Code, r.MaxPoints))),
            },
            ["channel"] = new JsonObject
            {
                ["fullMarks"] = c.FullMarks,
                ["weights"] = weights,
                ["countIn"] = c.CountIn,
                ["overdueCapWorkingDays"] = c.OverdueCapWorkingDays,
                ["partlyResolvedCredit"] = c.PartlyResolvedCredit,
                ["minCases"] = c.MinCases,
                ["noCases"] = c.NoCasesPolicy,
                ["unrated"] = new JsonObject { ["countAs"] = c.UnratedPolicy, ["afterDays"] = c.UnratedAfterDays },
            },
            ["serviceHallUncodedWeight"] = d.PublicSurvey.UncodedWeight,
        };
    }

    /// <summary>A definition with the scoring figures of <paramref name="json"/> and nothing else (no questionnaires, liaison or dates).</summary>
    public static EvaluationRoundDefinition FromJson(JsonObject json, int year)
    {
        const string P = "$.scheme";
        var sources = UnitPart.Arr(json, "sources", P).Select((n, i) =>
        {
            var o = n as JsonObject ?? throw new FormatException($"{P}.sources[{i}]: an object");
            var code = UnitPart.Str(o, "code", $"{P}.sources[{i}]");
            return new SourceDefinition(code, EvaluationCodes.SourceLabels.GetValueOrDefault(code) ?? code, UnitPart.Num(o, "weight", $"{P}.sources[{i}]"), EvaluationCodes.InputOf(code));
        }).ToList();
        var options = UnitPart.Arr(json, "satisfaction", P).Select((n, i) =>
        {
            var o = n as JsonObject ?? throw new FormatException($"{P}.satisfaction[{i}]: an object");
            var code = UnitPart.Str(o, "code", $"{P}.satisfaction[{i}]");
            return new RatingOption(code, code, UnitPart.Num(o, "score", $"{P}.satisfaction[{i}]"));
        }).ToList();
        var severities = UnitPart.Obj(json, "severities", P).ToDictionary(p => p.Key,
            p => new SeverityDefinition(p.Key, p.Key, UnitPart.AsDouble(p.Value) ?? throw new FormatException($"{P}.severities.{p.Key}: a number")), StringComparer.Ordinal);
        var deductions = UnitPart.Obj(json, "deductions", P);
        var rules = UnitPart.Obj(deductions, "rules", $"{P}.deductions").Select(p =>
            new DeductionRule(p.Key, p.Key, UnitPart.AsDouble(p.Value) ?? throw new FormatException($"{P}.deductions.rules.{p.Key}: a number"))).ToList();
        var c = UnitPart.Obj(json, "channel", P);
        const string C = P + ".channel";
        var unrated = UnitPart.Obj(c, "unrated", C);
        var channel = new ChannelScoreParameters(
            UnitPart.Num(c, "fullMarks", C),
            UnitPart.Obj(c, "weights", C).ToDictionary(p => p.Key, p => UnitPart.AsDouble(p.Value) ?? throw new FormatException($"{C}.weights.{p.Key}: a number"), StringComparer.Ordinal),
            UnitPart.Str(c, "countIn", C), UnitPart.Int(c, "overdueCapWorkingDays", C), UnitPart.Num(c, "partlyResolvedCredit", C),
            UnitPart.Int(c, "minCases", C), UnitPart.Str(c, "noCases", C), UnitPart.Str(unrated, "countAs", $"{C}.unrated"),
            UnitPart.Int(unrated, "afterDays", $"{C}.unrated"));
        var day = new DateOnly(year, 1, 1);
        return new EvaluationRoundDefinition(year, $"{year}", day, day, [], new ReminderOffsets([], []),
            new Dictionary<string, RatingScale> { [EvaluationCodes.OverallScale] = new(EvaluationCodes.OverallScale, EvaluationCodes.OverallScale, options) },
            sources, new Dictionary<string, Questionnaire>(), [], severities,
            new DeductionRules(UnitPart.Num(deductions, "maxTotalPoints", $"{P}.deductions"), rules), channel,
            new PublicSurveyLimits(0) { UncodedWeight = UnitPart.Num(json, "serviceHallUncodedWeight", P) }, "verification file");
    }

    private static JsonObject Map(IEnumerable<(string Code, double Value)> pairs)
    {
        var o = new JsonObject();
        foreach (var (code, value) in pairs.OrderBy(p => p.Code, StringComparer.Ordinal))
        {
            o[code] = value;
        }
        return o;
    }
}

/// <summary>
/// The round's fingerprint: the SHA-256 of the canonical JSON of the year, the scheme version and its scoring figures,
/// the previous round the two-year rule looked back to with its bottom two, and every unit's code with its part's
/// fingerprint (by code). Each unit's inputs are thus covered through its part's fingerprint.
/// </summary>
public static class RoundFingerprint
{
    public const string Format = "pingyi.round-inputs/1";

    public static JsonObject Document(int year, int schemeVersion, EvaluationRoundDefinition scheme, int? previousYear,
        IEnumerable<string> previousBottomTwo, IEnumerable<(string UnitCode, string Fingerprint)> units) => new()
    {
        ["format"] = Format,
        ["year"] = year,
        ["schemeVersion"] = schemeVersion,
        ["scheme"] = ScoringScheme.ToJson(scheme),
        ["previousYear"] = previousYear,
        ["previousBottomTwo"] = new JsonArray(previousBottomTwo.Order(StringComparer.Ordinal).Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
        ["units"] = new JsonArray(units.OrderBy(u => u.UnitCode, StringComparer.Ordinal)
            .Select(u => (JsonNode)new JsonObject { ["unitCode"] = u.UnitCode, ["fingerprint"] = u.Fingerprint }).ToArray()),
    };
}
