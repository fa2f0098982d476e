using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PingYi.Domain.Common;

namespace PingYi.Domain.Evaluation;

/// <summary>
/// Reads and validates the round files in <c>workflows/evaluation/</c>, named <c>&lt;year&gt;.json</c>, with the
/// same machinery (and the same <c>file: $.path: fault</c> messages) as the workflow definitions: the app
/// refuses to start on a bad round file.
/// </summary>
public static partial class EvaluationRoundLoader
{
    public const string FileNamePattern = "<year>.json";

    /// <summary>Tolerance for "weights add up to 1": the files write decimals such as 0.15.</summary>
    private const double WeightTolerance = 1e-6;

    /// <summary>Every <c>*.json</c> in the folder except <c>*.schema.json</c>; a missing folder means no rounds are defined.</summary>
    public static IReadOnlyList<EvaluationRoundDefinition> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var rounds = Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly)
            .Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(LoadFile)
            .ToList();
        return rounds;
    }

    public static EvaluationRoundDefinition LoadFile(string path)
    {
        var name = Path.GetFileName(path);
        var match = RoundFileName().Match(name);
        if (!match.Success)
        {
            throw Fault(path, "$", $"an evaluation round file must be named {FileNamePattern}, e.g. 2020.json");
        }
        var round = Parse(DefinitionFileReader.ReadText(path, Fault), path);
        if (round.Year.ToString(CultureInfo.InvariantCulture) != match.Groups["year"].Value)
        {
            throw Fault(path, "$.year", $"the year {round.Year} does not match the file name {name}");
        }
        return round;
    }

    public static EvaluationRoundDefinition Parse(string json, string source)
    {
        using var document = DefinitionFileReader.ParseDocument(json, source, Fault);
        return new RoundReader(source).Read(document.RootElement);
    }

    private static Exception Fault(string file, string path, string fault) => new EvaluationRoundException(file, path, fault);

    [GeneratedRegex(@"^(?<year>20[0-9]{2})\.json$")]
    private static partial Regex RoundFileName();

    private sealed class RoundReader(string source) : DefinitionFileReader(source, Fault)
    {
        public EvaluationRoundDefinition Read(JsonElement root)
        {
            const string Root = "$";
            ExpectObject(root, Root, "$schema", "year", "title", "description", "period", "milestones", "reminders", "ratingScales",
                "sources", "questionnaires", "liaison", "inspection", "deductions", "channel", "publicSurvey", "ratingForms");
            OptionalString(root, Root, "$schema");
            OptionalString(root, Root, "description");
            var year = RequiredInt(root, Root, "year");
            if (year is < 2000 or > 2099)
            {
                Fail(Child(Root, "year"), $"a year between 2000 and 2099, found {year}");
            }
            var title = RequiredNonEmptyString(root, Root, "title");

            var periodPath = Child(Root, "period");
            var period = RequiredObject(root, Root, "period");
            ExpectObject(period, periodPath, "start", "end");
            var start = RequiredDate(period, periodPath, "start");
            var end = RequiredDate(period, periodPath, "end");
            if (start.Year != year)
            {
                Fail(Child(periodPath, "start"), $"the period must start in {year}, found {start:yyyy-MM-dd}");
            }
            if (end <= start)
            {
                Fail(Child(periodPath, "end"), $"the period must end after it starts ({start:yyyy-MM-dd})");
            }

            var milestones = ReadMilestones(root, year);
            var reminders = ReadReminders(root);
            var scales = ReadScales(root);
            var sources = ReadSources(root);
            var questionnaires = ReadQuestionnaires(root, scales, sources);
            var liaison = ReadLiaison(root);
            var severities = ReadSeverities(root);
            var deductions = ReadDeductions(root);
            var channel = ReadChannel(root);
            var survey = ReadSurvey(root);
            return new EvaluationRoundDefinition(year, title, start, end, milestones, reminders, scales, sources, questionnaires,
                liaison, severities, deductions, channel, survey, Source) { RatingsPerAccountAndUnit = ReadRatingForms(root) };
        }

        private List<Milestone> ReadMilestones(JsonElement root, int year)
        {
            var path = Child("$", "milestones");
            var array = RequiredArray(root, "$", "milestones");
            var list = new List<Milestone>();
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = $"{path}[{i++}]";
                ExpectObject(item, itemPath, "code", "label", "due", "description");
                OptionalString(item, itemPath, "description");
                var code = RequiredString(item, itemPath, "code");
                if (!EvaluationCodes.Milestones.Contains(code))
                {
                    Fail(Child(itemPath, "code"), $"unknown milestone '{code}'; milestones are {string.Join(", ", EvaluationCodes.Milestones)}");
                }
                if (list.Any(m => m.Code == code))
                {
                    Fail(Child(itemPath, "code"), $"duplicate milestone '{code}'");
                }
                var label = RequiredNonEmptyString(item, itemPath, "label");
                var due = RequiredDate(item, itemPath, "due");
                if (due.Year != year)
                {
                    Fail(Child(itemPath, "due"), $"a due date in {year}, found {due:yyyy-MM-dd}");
                }
                list.Add(new Milestone(code, label, due));
            }
            foreach (var required in EvaluationCodes.Milestones.Where(c => list.All(m => m.Code != c)))
            {
                Fail(path, $"milestone '{required}' is missing");
            }
            return list;
        }

        private ReminderOffsets ReadReminders(JsonElement root)
        {
            var path = Child("$", "reminders");
            var obj = RequiredObject(root, "$", "reminders");
            ExpectObject(obj, path, "daysBefore", "daysAfter");
            return new ReminderOffsets(ReadDays(obj, path, "daysBefore"), ReadDays(obj, path, "daysAfter"));
        }

        private List<int> ReadDays(JsonElement obj, string path, string name)
        {
            var arrayPath = Child(path, name);
            var days = new List<int>();
            var i = 0;
            foreach (var item in RequiredArray(obj, path, name).EnumerateArray())
            {
                var itemPath = $"{arrayPath}[{i++}]";
                var n = ExpectInt(item, itemPath);
                if (n is < 1 or > 60)
                {
                    Fail(itemPath, $"days must be 1–60, found {n}");
                }
                if (days.Contains(n))
                {
                    Fail(itemPath, $"duplicate offset {n}");
                }
                days.Add(n);
            }
            return days;
        }

        private Dictionary<string, RatingScale> ReadScales(JsonElement root)
        {
            var path = Child("$", "ratingScales");
            var obj = RequiredObject(root, "$", "ratingScales");
            var scales = new Dictionary<string, RatingScale>(StringComparer.Ordinal);
            foreach (var p in obj.EnumerateObject())
            {
                var scalePath = Child(path, p.Name);
                if (!KebabCode().IsMatch(p.Name))
                {
                    Fail(scalePath, $"'{p.Name}' is not a valid scale code: use lower-case letters, digits and '-'");
                }
                ExpectObject(p.Value, scalePath, "label", "options");
                var label = RequiredNonEmptyString(p.Value, scalePath, "label");
                var optionsPath = Child(scalePath, "options");
                var options = new List<RatingOption>();
                var i = 0;
                foreach (var o in RequiredArray(p.Value, scalePath, "options").EnumerateArray())
                {
                    var oPath = $"{optionsPath}[{i++}]";
                    ExpectObject(o, oPath, "code", "label", "score");
                    var code = RequiredString(o, oPath, "code");
                    if (!KebabCode().IsMatch(code) && !int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    {
                        Fail(Child(oPath, "code"), $"'{code}' is not a valid option code: lower-case letters, digits and '-'");
                    }
                    if (options.Any(x => x.Code == code))
                    {
                        Fail(Child(oPath, "code"), $"duplicate option '{code}'");
                    }
                    var score = RequiredNumber(o, oPath, "score");
                    if (score is < 0 or > 100)
                    {
                        Fail(Child(oPath, "score"), $"a score is 0–100, found {score}");
                    }
                    options.Add(new RatingOption(code, RequiredNonEmptyString(o, oPath, "label"), score));
                }
                if (options.Count < 2)
                {
                    Fail(optionsPath, "a scale needs at least two options");
                }
                scales[p.Name] = new RatingScale(p.Name, label, options);
            }
            if (!scales.TryGetValue(EvaluationCodes.OverallScale, out var overall))
            {
                Fail(Child(path, EvaluationCodes.OverallScale), "missing: the scale of every overall rating");
            }
            if (!overall.Options.Select(o => o.Code).SequenceEqual(EvaluationCodes.OverallRatings))
            {
                Fail(Child(Child(path, EvaluationCodes.OverallScale), "options"),
                    $"the overall scale's options must be, in order: {string.Join(", ", EvaluationCodes.OverallRatings)}");
            }
            return scales;
        }

        private List<SourceDefinition> ReadSources(JsonElement root)
        {
            var path = Child("$", "sources");
            var array = RequiredArray(root, "$", "sources");
            var sources = new List<SourceDefinition>();
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = $"{path}[{i++}]";
                ExpectObject(item, itemPath, "code", "label", "weight", "description");
                OptionalString(item, itemPath, "description");
                var code = RequiredString(item, itemPath, "code");
                if (!EvaluationCodes.Sources.Contains(code))
                {
                    Fail(Child(itemPath, "code"), $"unknown source '{code}'; sources are {string.Join(", ", EvaluationCodes.Sources)}");
                }
                if (sources.Any(s => s.Code == code))
                {
                    Fail(Child(itemPath, "code"), $"duplicate source '{code}'");
                }
                var label = RequiredNonEmptyString(item, itemPath, "label");
                var weight = RequiredNumber(item, itemPath, "weight");
                if (weight is <= 0 or > 1)
                {
                    Fail(Child(itemPath, "weight"), $"a weight is more than 0 and at most 1, found {weight}");
                }
                sources.Add(new SourceDefinition(code, label, weight, EvaluationCodes.InputOf(code)));
            }
            foreach (var required in EvaluationCodes.Sources.Where(c => sources.All(s => s.Code != c)))
            {
                Fail(path, $"source '{required}' is missing: a round has all six sources");
            }
            var sum = sources.Sum(s => s.Weight);
            if (Math.Abs(sum - 1) > WeightTolerance)
            {
                Fail(path, $"the weights must add up to 1, found {sum.ToString("0.######", CultureInfo.InvariantCulture)}");
            }
            return sources;
        }

        private Dictionary<string, Questionnaire> ReadQuestionnaires(JsonElement root, Dictionary<string, RatingScale> scales, List<SourceDefinition> sources)
        {
            var path = Child("$", "questionnaires");
            var obj = RequiredObject(root, "$", "questionnaires");
            var result = new Dictionary<string, Questionnaire>(StringComparer.Ordinal);
            foreach (var p in obj.EnumerateObject())
            {
                var qPath = Child(path, p.Name);
                var input = sources.FirstOrDefault(s => s.Code == p.Name)?.Input;
                if (p.Name != EvaluationCodes.UnitChannel && input is not (SourceInput.Rating or SourceInput.PublicSurvey))
                {
                    Fail(qPath, $"questionnaires are for the rated sources ({string.Join(", ", sources.Where(s => s.Input is SourceInput.Rating or SourceInput.PublicSurvey).Select(s => s.Code))}) and {EvaluationCodes.UnitChannel}, not '{p.Name}'");
                }
                ExpectObject(p.Value, qPath, "title", "intro", "items");
                var title = RequiredNonEmptyString(p.Value, qPath, "title");
                var intro = OptionalString(p.Value, qPath, "intro");
                var itemsPath = Child(qPath, "items");
                var items = new List<QuestionItem>();
                var i = 0;
                foreach (var item in RequiredArray(p.Value, qPath, "items").EnumerateArray())
                {
                    var itemPath = $"{itemsPath}[{i++}]";
                    ExpectObject(item, itemPath, "code", "label", "scale", "type", "required", "maxLength");
                    var code = RequiredString(item, itemPath, "code");
                    if (!KebabCode().IsMatch(code) || code is "rating" or "comment" or "unit-code")
                    {
                        Fail(Child(itemPath, "code"), $"'{code}' is not a valid item code: lower-case letters, digits and '-', not rating, comment or unit-code");
                    }
                    if (items.Any(x => x.Code == code))
                    {
                        Fail(Child(itemPath, "code"), $"duplicate item '{code}'");
                    }
                    var label = RequiredNonEmptyString(item, itemPath, "label");
                    var type = OptionalString(item, itemPath, "type") ?? "scale";
                    var scale = OptionalString(item, itemPath, "scale");
                    var required = OptionalBool(item, itemPath, "required") ?? false;
                    var maxLength = OptionalInt(item, itemPath, "maxLength");
                    QuestionKind kind;
                    if (type == "scale")
                    {
                        kind = QuestionKind.Scale;
                        if (scale is null)
                        {
                            Fail(Child(itemPath, "scale"), "missing: a scale item names one of $.ratingScales");
                        }
                        if (!scales.ContainsKey(scale))
                        {
                            Fail(Child(itemPath, "scale"), $"unknown scale '{scale}'; scales are {string.Join(", ", scales.Keys)}");
                        }
                        if (maxLength is not null)
                        {
                            Fail(Child(itemPath, "maxLength"), "maxLength applies only to text items");
                        }
                    }
                    else if (type == "text")
                    {
                        kind = QuestionKind.Text;
                        if (scale is not null)
                        {
                            Fail(Child(itemPath, "scale"), "a text item has no scale");
                        }
                        if (maxLength is < 1 or > 2000)
                        {
                            Fail(Child(itemPath, "maxLength"), $"maxLength is 1–2000, found {maxLength}");
                        }
                    }
                    else
                    {
                        Fail(Child(itemPath, "type"), $"unknown item type '{type}'; types are scale, text");
                        return result;
                    }
                    items.Add(new QuestionItem(code, label, kind, scale, required, maxLength ?? 500));
                }
                result[p.Name] = new Questionnaire(p.Name, title, intro, items);
            }
            foreach (var s in sources.Where(s => s.Input is SourceInput.Rating or SourceInput.PublicSurvey).Select(s => s.Code).Append(EvaluationCodes.UnitChannel))
            {
                if (!result.ContainsKey(s))
                {
                    Fail(Child(path, s), $"missing: the questionnaire of '{s}'");
                }
            }
            return result;
        }

        private List<LiaisonGroup> ReadLiaison(JsonElement root)
        {
            var path = Child("$", "liaison");
            var groups = new List<LiaisonGroup>();
            var i = 0;
            foreach (var item in RequiredArray(root, "$", "liaison").EnumerateArray())
            {
                var itemPath = $"{path}[{i++}]";
                ExpectObject(item, itemPath, "name", "accounts", "units");
                var name = RequiredNonEmptyString(item, itemPath, "name");
                var accounts = ReadStrings(item, itemPath, "accounts", a => a.Contains('@', StringComparison.Ordinal), "an account e-mail");
                var units = ReadStrings(item, itemPath, "units", u => u.Length is >= 2 and <= 16 && u.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'), "a unit code");
                groups.Add(new LiaisonGroup(name, accounts, units));
            }
            return groups;
        }

        private List<string> ReadStrings(JsonElement obj, string path, string name, Func<string, bool> valid, string what)
        {
            var arrayPath = Child(path, name);
            var list = new List<string>();
            var i = 0;
            foreach (var item in RequiredArray(obj, path, name).EnumerateArray())
            {
                var itemPath = $"{arrayPath}[{i++}]";
                if (item.ValueKind != JsonValueKind.String || !valid(item.GetString()!))
                {
                    Fail(itemPath, $"expected {what}, found {Describe(item)}");
                }
                if (list.Contains(item.GetString()!))
                {
                    Fail(itemPath, $"duplicate {Describe(item)}");
                }
                list.Add(item.GetString()!);
            }
            if (list.Count == 0)
            {
                Fail(arrayPath, $"at least one {what} is required");
            }
            return list;
        }

        private Dictionary<string, SeverityDefinition> ReadSeverities(JsonElement root)
        {
            var path = Child("$", "inspection");
            var obj = RequiredObject(root, "$", "inspection");
            ExpectObject(obj, path, "severities");
            var sevPath = Child(path, "severities");
            var sev = RequiredObject(obj, path, "severities");
            ExpectObject(sev, sevPath, [.. EvaluationCodes.Severities]);
            var result = new Dictionary<string, SeverityDefinition>(StringComparer.Ordinal);
            foreach (var code in EvaluationCodes.Severities)
            {
                var s = RequiredObject(sev, sevPath, code);
                var sPath = Child(sevPath, code);
                ExpectObject(s, sPath, "label", "points");
                var points = RequiredNumber(s, sPath, "points");
                if (points < 0)
                {
                    Fail(Child(sPath, "points"), $"points cannot be negative, found {points}");
                }
                result[code] = new SeverityDefinition(code, RequiredNonEmptyString(s, sPath, "label"), points);
            }
            return result;
        }

        private DeductionRules ReadDeductions(JsonElement root)
        {
            var path = Child("$", "deductions");
            var obj = RequiredObject(root, "$", "deductions");
            ExpectObject(obj, path, "maxTotalPoints", "rules");
            var max = RequiredNumber(obj, path, "maxTotalPoints");
            if (max <= 0)
            {
                Fail(Child(path, "maxTotalPoints"), $"must be more than 0, found {max}");
            }
            var rulesPath = Child(path, "rules");
            var rules = new List<DeductionRule>();
            var i = 0;
            foreach (var item in RequiredArray(obj, path, "rules").EnumerateArray())
            {
                var itemPath = $"{rulesPath}[{i++}]";
                ExpectObject(item, itemPath, "code", "label", "maxPoints");
                var code = RequiredString(item, itemPath, "code");
                if (!KebabCode().IsMatch(code))
                {
                    Fail(Child(itemPath, "code"), $"'{code}' is not a valid rule code");
                }
                if (rules.Any(r => r.Code == code))
                {
                    Fail(Child(itemPath, "code"), $"duplicate rule '{code}'");
                }
                var label = RequiredNonEmptyString(item, itemPath, "label");
                var points = RequiredNumber(item, itemPath, "maxPoints");
                if (points <= 0 || points > max)
                {
                    Fail(Child(itemPath, "maxPoints"), $"more than 0 and at most maxTotalPoints ({max}), found {points}");
                }
                rules.Add(new DeductionRule(code, label, points));
            }
            if (rules.Count == 0)
            {
                Fail(rulesPath, "at least one rule is required");
            }
            return new DeductionRules(max, rules);
        }

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
            if (w.TryGetProperty(ChannelRates.SignedOnTime, out _))
            {
                Fail(Child(wPath, ChannelRates.SignedOnTime), "及时签收率 is not measured yet: the workflow has no sign action and timer, so it cannot be weighed");
            }
            ExpectObject(w, wPath, [.. ChannelRates.Measured]);
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
