using System.Text.Json;
using PingYi.Domain.Complaints;
using PingYi.Domain.Complaints.Effects;

namespace PingYi.Domain.Workflow;

public static partial class WorkflowDefinitionLoader
{
    /// <summary>States, actions, their roles and their fields.</summary>
    private sealed partial class DefinitionReader
    {
        private List<StateDefinition> ReadStates(JsonElement root)
        {
            var path = Child("$", "states");
            var array = RequiredArray(root, "$", "states");
            if (array.GetArrayLength() == 0)
            {
                Fail(path, "at least one state is required");
            }
            var states = new List<StateDefinition>();
            var firstAt = new Dictionary<string, string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = $"{path}[{i}]";
                ExpectObject(item, itemPath, "code", "label", "terminal", "description");
                OptionalString(item, itemPath, "description");
                var code = RequiredString(item, itemPath, "code");
                var status = ComplaintStatuses.Codes.All.Where(e => e.Code == code).Select(e => (ComplaintStatus?)e.Value).FirstOrDefault();
                if (status is null)
                {
                    Fail(Child(itemPath, "code"), $"unknown state '{code}'; states must be complaint statuses: {string.Join(", ", ComplaintStatuses.Codes.All.Select(e => e.Code))}");
                }
                if (!firstAt.TryAdd(code, itemPath))
                {
                    Fail(Child(itemPath, "code"), $"duplicate state '{code}' (already at {firstAt[code]})");
                }
                var label = RequiredNonEmptyString(item, itemPath, "label");
                var terminal = OptionalBool(item, itemPath, "terminal") ?? false;
                states.Add(new StateDefinition(code, status!.Value, label, terminal));
                i++;
            }
            return states;
        }

        private List<ActionDefinition> ReadActions(JsonElement root, WorkflowDeadlines deadlines)
        {
            var path = Child("$", "actions");
            var array = RequiredArray(root, "$", "actions");
            if (array.GetArrayLength() == 0)
            {
                Fail(path, "at least one action is required");
            }
            var actions = new List<ActionDefinition>();
            var firstAt = new Dictionary<string, string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = $"{path}[{i}]";
                ExpectObject(item, itemPath, "code", "label", "roles", "fields", "confirm", "description");
                OptionalString(item, itemPath, "description");
                var code = RequiredString(item, itemPath, "code");
                if (!KebabCode().IsMatch(code))
                {
                    Fail(Child(itemPath, "code"), $"'{code}' is not a valid action code: use lower-case letters, digits and '-'");
                }
                if (!firstAt.TryAdd(code, itemPath))
                {
                    Fail(Child(itemPath, "code"), $"duplicate action '{code}' (already at {firstAt[code]})");
                }
                // Effects are checked like the rest of a definition: an action the aggregate cannot apply
                // would pass start-up and fail on first use.
                if (!ComplaintEffects.KnownActions.Contains(code))
                {
                    Fail(Child(itemPath, "code"), $"the engine has no effect for action '{code}'; known actions: {string.Join(", ", ComplaintEffects.KnownActions)}");
                }
                var label = RequiredNonEmptyString(item, itemPath, "label");
                var roles = ReadRoles(item, itemPath);
                var fields = ReadFields(item, itemPath, deadlines);
                var confirm = OptionalString(item, itemPath, "confirm");
                if (confirm is not null && string.IsNullOrWhiteSpace(confirm))
                {
                    Fail(Child(itemPath, "confirm"), "must not be empty");
                }
                actions.Add(new ActionDefinition(code, label, roles, fields) { Confirm = confirm });
                i++;
            }
            return actions;
        }

        private List<string> ReadRoles(JsonElement action, string actionPath)
        {
            var path = Child(actionPath, "roles");
            var array = RequiredArray(action, actionPath, "roles");
            if (array.GetArrayLength() == 0)
            {
                Fail(path, $"an action needs at least one role ({string.Join(", ", WorkflowRoles.All)})");
            }
            var roles = new List<string>();
            var j = 0;
            foreach (var item in array.EnumerateArray())
            {
                var rolePath = $"{path}[{j}]";
                if (item.ValueKind != JsonValueKind.String)
                {
                    Fail(rolePath, "expected a role name (string)");
                }
                var role = item.GetString()!;
                if (!WorkflowRoles.IsKnown(role))
                {
                    Fail(rolePath, $"unknown role '{role}'; roles are {string.Join(", ", WorkflowRoles.All)}");
                }
                if (roles.Contains(role))
                {
                    Fail(rolePath, $"duplicate role '{role}'");
                }
                roles.Add(role);
                j++;
            }
            return roles;
        }

        private List<FieldDefinition> ReadFields(JsonElement action, string actionPath, WorkflowDeadlines deadlines)
        {
            var fields = new List<FieldDefinition>();
            if (!action.TryGetProperty("fields", out var array))
            {
                return fields;
            }
            var path = Child(actionPath, "fields");
            if (array.ValueKind != JsonValueKind.Array)
            {
                Fail(path, "expected an array");
            }
            var firstAt = new Dictionary<string, string>(StringComparer.Ordinal);
            var k = 0;
            foreach (var item in array.EnumerateArray())
            {
                fields.Add(ReadField(item, $"{path}[{k}]", firstAt, deadlines));
                k++;
            }
            return fields;
        }

        private FieldDefinition ReadField(JsonElement item, string fieldPath, Dictionary<string, string> firstAt, WorkflowDeadlines deadlines)
        {
            ExpectObject(item, fieldPath, "name", "label", "type", "required", "maxLength", "min", "max", "valueLabels", "description");
            OptionalString(item, fieldPath, "description");
            var name = RequiredString(item, fieldPath, "name");
            if (!CamelName().IsMatch(name))
            {
                Fail(Child(fieldPath, "name"), $"'{name}' is not a valid field name: use camelCase letters and digits");
            }
            if (!firstAt.TryAdd(name, fieldPath))
            {
                Fail(Child(fieldPath, "name"), $"duplicate field '{name}' (already at {firstAt[name]})");
            }
            var label = RequiredNonEmptyString(item, fieldPath, "label");
            var typeName = RequiredString(item, fieldPath, "type");
            if (!FieldTypes.TryGetValue(typeName, out var type))
            {
                Fail(Child(fieldPath, "type"), $"unknown field type '{typeName}'; types are {string.Join(", ", FieldTypes.Keys)}");
            }
            var required = OptionalBool(item, fieldPath, "required") ?? false;
            var maxLength = OptionalInt(item, fieldPath, "maxLength");
            var min = OptionalInt(item, fieldPath, "min");
            var max = OptionalInt(item, fieldPath, "max");

            if (maxLength is not null && type is not (FieldType.Text or FieldType.UnitCode))
            {
                Fail(Child(fieldPath, "maxLength"), $"maxLength applies only to text and unitCode fields, not {typeName}");
            }
            if (maxLength is < 1)
            {
                Fail(Child(fieldPath, "maxLength"), $"maxLength must be 1 or more, found {maxLength}");
            }
            CheckRange(fieldPath, type, typeName, min, max, deadlines);
            var valueLabels = ReadValueLabels(item, fieldPath, type, min ?? FieldValidator.RatingMin, max ?? FieldValidator.RatingMax);
            return new FieldDefinition(name, label, type, required, maxLength, min, max) { ValueLabels = valueLabels };
        }

        /// <summary>min/max: only on workingDays (1 up to the extension cap) and rating (the rating scale) fields.</summary>
        private void CheckRange(string fieldPath, FieldType type, string typeName, int? min, int? max, WorkflowDeadlines deadlines)
        {
            if ((min is not null || max is not null) && type is not (FieldType.WorkingDays or FieldType.Rating))
            {
                Fail(Child(fieldPath, min is not null ? "min" : "max"), $"min and max apply only to workingDays and rating fields, not {typeName}");
            }
            if (type == FieldType.WorkingDays)
            {
                if (min is < 1)
                {
                    Fail(Child(fieldPath, "min"), $"working days must be 1 or more, found {min}");
                }
                if (max is < 1)
                {
                    Fail(Child(fieldPath, "max"), $"working days must be 1 or more, found {max}");
                }
                if (max > deadlines.MaxExtensionWorkingDays)
                {
                    Fail(Child(fieldPath, "max"), $"max {max} exceeds deadlines.maxExtensionWorkingDays ({deadlines.MaxExtensionWorkingDays})");
                }
            }
            if (type == FieldType.Rating)
            {
                if (min is < FieldValidator.RatingMin or > FieldValidator.RatingMax)
                {
                    Fail(Child(fieldPath, "min"), $"a rating is {FieldValidator.RatingMin}–{FieldValidator.RatingMax}, found min {min}");
                }
                if (max is < FieldValidator.RatingMin or > FieldValidator.RatingMax)
                {
                    Fail(Child(fieldPath, "max"), $"a rating is {FieldValidator.RatingMin}–{FieldValidator.RatingMax}, found max {max}");
                }
            }
            if (min is not null && max is not null && min > max)
            {
                Fail(Child(fieldPath, "min"), $"min {min} is greater than max {max}");
            }
        }

        /// <summary>What each score of a rating field means ({"1": "…", …}): display only, checked against min–max.</summary>
        private Dictionary<int, string> ReadValueLabels(JsonElement field, string fieldPath, FieldType type, int min, int max)
        {
            var labels = new Dictionary<int, string>();
            if (!field.TryGetProperty("valueLabels", out var value))
            {
                return labels;
            }
            var path = Child(fieldPath, "valueLabels");
            if (type != FieldType.Rating)
            {
                Fail(path, "valueLabels apply only to rating fields");
            }
            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(path, $"expected an object, found {Describe(value)}");
            }
            foreach (var p in value.EnumerateObject())
            {
                if (!int.TryParse(p.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var score) || score < min || score > max)
                {
                    Fail(Child(path, p.Name), $"'{p.Name}' is not a score from {min} to {max}");
                }
                if (p.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(p.Value.GetString()))
                {
                    Fail(Child(path, p.Name), "expected a non-empty string");
                }
                labels[score] = p.Value.GetString()!;
            }
            return labels;
        }
    }
}
