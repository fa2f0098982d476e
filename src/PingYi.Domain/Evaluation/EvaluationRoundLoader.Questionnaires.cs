using System.Globalization;
using System.Text.Json;

namespace PingYi.Domain.Evaluation;

public static partial class EvaluationRoundLoader
{
    /// <summary>Rating scales, sources and their weights, and the questionnaires built on them.</summary>
    private sealed partial class RoundReader
    {
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
                    items.Add(ReadQuestionItem(item, $"{itemsPath}[{i++}]", items, scales));
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

        /// <summary>One item of a questionnaire: a scale item names a rating scale, a text item has a length limit.</summary>
        private QuestionItem ReadQuestionItem(JsonElement item, string itemPath, List<QuestionItem> items, Dictionary<string, RatingScale> scales)
        {
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
                if (maxLength is < 1 or > QuestionItem.MaxTextLength)
                {
                    Fail(Child(itemPath, "maxLength"), $"maxLength is 1–{QuestionItem.MaxTextLength}, found {maxLength}");
                }
            }
            else
            {
                Fail(Child(itemPath, "type"), $"unknown item type '{type}'; types are scale, text");
                return null!;
            }
            return new QuestionItem(code, label, kind, scale, required, maxLength ?? 500);
        }
    }
}
