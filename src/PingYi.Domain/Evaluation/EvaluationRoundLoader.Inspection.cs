using System.Text.Json;

namespace PingYi.Domain.Evaluation;

public static partial class EvaluationRoundLoader
{
    /// <summary>Liaison groups, inspection severities and deduction rules.</summary>
    private sealed partial class RoundReader
    {
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

        private DeductionRules ReadDeductions(JsonElement root, IReadOnlyDictionary<string, SeverityDefinition> severities)
        {
            var path = Child("$", "deductions");
            var obj = RequiredObject(root, "$", "deductions");
            ExpectObject(obj, path, "maxTotalPoints", "rules", "findingPunishedBy");
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
            return new DeductionRules(max, rules, ReadFindingPunishedBy(obj, path, severities));
        }

        /// <summary>
        /// One finding is punished once: where an inspection's findings carry severity points and a deduction may cite
        /// that inspection, the file must say which of the two punishes it; a value that allows both (or neither) is refused.
        /// </summary>
        private string? ReadFindingPunishedBy(JsonElement obj, string path, IReadOnlyDictionary<string, SeverityDefinition> severities)
        {
            var rulePath = Child(path, "findingPunishedBy");
            var value = OptionalString(obj, path, "findingPunishedBy");
            if (value is not null && !FindingPunishment.All.Contains(value))
            {
                Fail(rulePath, $"'{value}' would not punish a finding exactly once; name which punishes it: {string.Join(" or ", FindingPunishment.All)}");
            }
            if (value is null && !stored && severities.Values.Any(s => s.Points > 0))
            {
                Fail(rulePath, $"missing: inspection severities carry points and a deduction may cite an inspection, so name which punishes a finding: {string.Join(" or ", FindingPunishment.All)}");
            }
            return value;
        }
    }
}
