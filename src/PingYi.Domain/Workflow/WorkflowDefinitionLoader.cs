using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;

namespace PingYi.Domain.Workflow;

/// <summary>
/// Reads and validates workflow definition files. Validation stops at the first fault and reports it as a
/// <see cref="WorkflowDefinitionException"/> naming the file, the JSON path and the fault, because the app
/// refuses to start on a bad definition and the person fixing it needs one precise pointer.
/// </summary>
public static partial class WorkflowDefinitionLoader
{
    /// <summary>Definitions live at the top of the workflows directory as <c>&lt;id&gt;.v&lt;version&gt;.json</c>.</summary>
    public const string FileNamePattern = "<id>.v<version>.json";

    /// <summary>
    /// Loads every definition in <paramref name="directory"/>: the top-level <c>*.json</c> files except
    /// <c>*.schema.json</c>. Subdirectories (calendars/, and other data such as evaluation schemes) are not
    /// definitions. A top-level file not named <see cref="FileNamePattern"/> is a fault rather than skipped,
    /// so a misnamed definition cannot silently go missing.
    /// </summary>
    public static IReadOnlyList<WorkflowDefinition> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new WorkflowDefinitionException(directory, "$", "workflow directory not found");
        }
        return Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly)
            .Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(LoadFile)
            .ToList();
    }

    /// <summary>Loads one file; its name must agree with the id and version inside it.</summary>
    public static WorkflowDefinition LoadFile(string path)
    {
        var name = Path.GetFileName(path);
        var match = DefinitionFileName().Match(name);
        if (!match.Success)
        {
            throw new WorkflowDefinitionException(path, "$", $"a workflow definition file must be named {FileNamePattern}, e.g. complaint-handling.v1.json");
        }
        var json = DefinitionFileReader.ReadText(path, Fault);
        var definition = Parse(json, path);
        if (definition.Id != match.Groups["id"].Value)
        {
            throw new WorkflowDefinitionException(path, "$.id", $"the id '{definition.Id}' does not match the file name {name}");
        }
        if (definition.Version.ToString(CultureInfo.InvariantCulture) != match.Groups["version"].Value)
        {
            throw new WorkflowDefinitionException(path, "$.version", $"the version {definition.Version} does not match the file name {name}");
        }
        return definition;
    }

    /// <summary>Parses and validates one definition; <paramref name="source"/> names it in messages.</summary>
    public static WorkflowDefinition Parse(string json, string source)
    {
        using var document = DefinitionFileReader.ParseDocument(json, source, Fault);
        return new DefinitionReader(source).Read(document.RootElement);
    }

    /// <summary>Every fault of a workflow file is a <see cref="WorkflowDefinitionException"/>.</summary>
    private static Exception Fault(string file, string path, string fault) => new WorkflowDefinitionException(file, path, fault);

    [GeneratedRegex(@"^(?<id>[a-z][a-z0-9-]*)\.v(?<version>[1-9][0-9]*)\.json$")]
    private static partial Regex DefinitionFileName();

    internal static Regex KebabCode() => DefinitionFileReader.KebabCode();

    [GeneratedRegex(@"^[a-z][A-Za-z0-9]*$")]
    internal static partial Regex CamelName();

    internal static string Child(string path, string property) => DefinitionFileReader.Child(path, property);

    /// <summary>Walks the document once, checking as it goes; every check throws at the path it concerns.</summary>
    private sealed class DefinitionReader(string source) : DefinitionFileReader(source, Fault)
    {
        private const int MaxIdLength = 64;

        private static readonly Dictionary<string, FieldType> FieldTypes = new(StringComparer.Ordinal)
        {
            ["text"] = FieldType.Text,
            ["unitCode"] = FieldType.UnitCode,
            ["workingDays"] = FieldType.WorkingDays,
            ["rating"] = FieldType.Rating,
            ["satisfaction"] = FieldType.Satisfaction,
            ["resolution"] = FieldType.Resolution,
        };

        public WorkflowDefinition Read(JsonElement root)
        {
            const string Root = "$";
            ExpectObject(root, Root, "$schema", "id", "version", "title", "description", "initial", "states", "actions", "transitions", "deadlines");
            OptionalString(root, Root, "$schema");
            OptionalString(root, Root, "description");

            var id = RequiredString(root, Root, "id");
            if (id.Length > MaxIdLength || !KebabCode().IsMatch(id))
            {
                Fail(Child(Root, "id"), $"'{id}' is not a valid id: use lower-case letters, digits and '-', at most {MaxIdLength} characters");
            }
            var version = RequiredInt(root, Root, "version");
            if (version < 1)
            {
                Fail(Child(Root, "version"), $"version must be 1 or more, found {version}");
            }
            var title = OptionalString(root, Root, "title");

            var states = ReadStates(root);
            var stateCodes = states.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);

            var initial = RequiredString(root, Root, "initial");
            if (!stateCodes.Contains(initial))
            {
                Fail(Child(Root, "initial"), $"initial state '{initial}' is not one of the states ({string.Join(", ", states.Select(s => s.Code))})");
            }

            var deadlines = ReadDeadlines(root);
            var actions = ReadActions(root, deadlines);
            var transitions = ReadTransitions(root, actions, states);

            CheckEveryActionHasATransition(actions, transitions);
            CheckTransitionsAreUnambiguous(transitions);
            CheckReachability(states, initial, transitions);
            CheckNoDeadEnds(states, transitions);

            return new WorkflowDefinition(id, version, title, initial, states, actions, transitions, deadlines, Source);
        }

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
                if (!Complaint.KnownEffects.Contains(code))
                {
                    Fail(Child(itemPath, "code"), $"the engine has no effect for action '{code}'; known actions: {string.Join(", ", Complaint.KnownEffects)}");
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
                var fieldPath = $"{path}[{k}]";
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
                var valueLabels = ReadValueLabels(item, fieldPath, type, min ?? FieldValidator.RatingMin, max ?? FieldValidator.RatingMax);
                fields.Add(new FieldDefinition(name, label, type, required, maxLength, min, max) { ValueLabels = valueLabels });
                k++;
            }
            return fields;
        }

        private List<TransitionDefinition> ReadTransitions(JsonElement root, List<ActionDefinition> actions, List<StateDefinition> states)
        {
            var path = Child("$", "transitions");
            var array = RequiredArray(root, "$", "transitions");
            var actionCodes = actions.Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
            var stateCodes = states.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
            var stateList = string.Join(", ", states.Select(s => s.Code));
            var transitions = new List<TransitionDefinition>();
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = $"{path}[{i}]";
                ExpectObject(item, itemPath, "action", "from", "to", "when", "description");
                OptionalString(item, itemPath, "description");
                var action = RequiredString(item, itemPath, "action");
                if (!actionCodes.Contains(action))
                {
                    Fail(Child(itemPath, "action"), $"unknown action '{action}'; it is not in $.actions");
                }

                var fromPath = Child(itemPath, "from");
                var fromArray = RequiredArray(item, itemPath, "from");
                if (fromArray.GetArrayLength() == 0)
                {
                    Fail(fromPath, "at least one source state is required");
                }
                var from = new List<string>();
                var j = 0;
                foreach (var f in fromArray.EnumerateArray())
                {
                    var statePath = $"{fromPath}[{j}]";
                    if (f.ValueKind != JsonValueKind.String)
                    {
                        Fail(statePath, "expected a state code (string)");
                    }
                    var code = f.GetString()!;
                    if (!stateCodes.Contains(code))
                    {
                        Fail(statePath, $"unknown state '{code}'; states are {stateList}");
                    }
                    if (from.Contains(code))
                    {
                        Fail(statePath, $"duplicate state '{code}'");
                    }
                    from.Add(code);
                    j++;
                }

                var to = RequiredString(item, itemPath, "to");
                if (!stateCodes.Contains(to))
                {
                    Fail(Child(itemPath, "to"), $"unknown state '{to}'; states are {stateList}");
                }

                var when = OptionalString(item, itemPath, "when");
                if (when is not null && !WorkflowConditions.IsKnown(when))
                {
                    Fail(Child(itemPath, "when"), $"unknown condition '{when}'; conditions are {string.Join(", ", WorkflowConditions.All)}");
                }
                transitions.Add(new TransitionDefinition(action, from, to, when, i));
                i++;
            }
            return transitions;
        }

        private WorkflowDeadlines ReadDeadlines(JsonElement root)
        {
            var path = Child("$", "deadlines");
            if (!root.TryGetProperty("deadlines", out var d))
            {
                Fail(path, "missing");
            }
            ExpectObject(d, path, "acceptWorkingDays", "handleWorkingDays", "reworkWorkingDays", "maxExtensionWorkingDays",
                "feedbackWindowDays", "reopenWindowDays", "reminders", "escalation", "supervisionReplyWorkingDays");

            var accept = PositiveInt(d, path, "acceptWorkingDays", "working days");

            var handlePath = Child(path, "handleWorkingDays");
            if (!d.TryGetProperty("handleWorkingDays", out var handle))
            {
                Fail(handlePath, "missing");
            }
            if (handle.ValueKind != JsonValueKind.Object)
            {
                Fail(handlePath, "expected an object: { \"default\": n, \"<problem category>\": n }");
            }
            int? handleDefault = null;
            var byCategory = new Dictionary<ProblemCategory, int>();
            foreach (var p in handle.EnumerateObject())
            {
                var pPath = Child(handlePath, p.Name);
                var days = ExpectInt(p.Value, pPath);
                if (days < 1)
                {
                    Fail(pPath, $"working days must be 1 or more, found {days}");
                }
                if (p.Name == "default")
                {
                    handleDefault = days;
                    continue;
                }
                var category = ProblemCategories.Codes.All.Where(e => e.Code == p.Name).Select(e => (ProblemCategory?)e.Value).FirstOrDefault();
                if (category is null)
                {
                    Fail(pPath, $"unknown problem category '{p.Name}'; categories are default, {string.Join(", ", ProblemCategories.Codes.All.Select(e => e.Code))}");
                }
                if (!byCategory.TryAdd(category!.Value, days))
                {
                    Fail(pPath, $"'{p.Name}' appears twice");
                }
            }
            if (handleDefault is null)
            {
                Fail(Child(handlePath, "default"), "missing: the deadline for categories without their own entry");
            }

            var rework = PositiveInt(d, path, "reworkWorkingDays", "working days");
            var maxExtension = PositiveInt(d, path, "maxExtensionWorkingDays", "working days");
            var feedbackWindow = PositiveInt(d, path, "feedbackWindowDays", "days");
            var reopenWindow = PositiveInt(d, path, "reopenWindowDays", "days");

            var remindersPath = Child(path, "reminders");
            if (!d.TryGetProperty("reminders", out var reminders))
            {
                Fail(remindersPath, "missing");
            }
            ExpectObject(reminders, remindersPath, "beforeDeadlineWorkingDays");
            var remindBefore = PositiveInt(reminders, remindersPath, "beforeDeadlineWorkingDays", "working days");

            var escalationPath = Child(path, "escalation");
            if (!d.TryGetProperty("escalation", out var escalation))
            {
                Fail(escalationPath, "missing");
            }
            ExpectObject(escalation, escalationPath, "afterDeadlineWorkingDays");
            var offsetsPath = Child(escalationPath, "afterDeadlineWorkingDays");
            var offsetsArray = RequiredArray(escalation, escalationPath, "afterDeadlineWorkingDays");
            if (offsetsArray.GetArrayLength() != 3)
            {
                Fail(offsetsPath, $"expected three offsets, for escalation levels 1, 2 and 3; found {offsetsArray.GetArrayLength()}");
            }
            var offsets = new List<int>();
            var n = 0;
            foreach (var o in offsetsArray.EnumerateArray())
            {
                var oPath = $"{offsetsPath}[{n}]";
                var value = ExpectInt(o, oPath);
                if (value < 0)
                {
                    Fail(oPath, $"an offset after the deadline cannot be negative, found {value}");
                }
                if (offsets.Count > 0 && value <= offsets[^1])
                {
                    Fail(oPath, $"offsets must increase with the level; {value} does not exceed {offsets[^1]}");
                }
                offsets.Add(value);
                n++;
            }

            var supervisionReply = d.TryGetProperty("supervisionReplyWorkingDays", out _)
                ? PositiveInt(d, path, "supervisionReplyWorkingDays", "working days")
                : 3;
            if (supervisionReply > maxExtension)
            {
                Fail(Child(path, "supervisionReplyWorkingDays"), $"the default reply deadline ({supervisionReply}) exceeds maxExtensionWorkingDays ({maxExtension}), the most a workingDays field accepts");
            }

            return new WorkflowDeadlines(accept, handleDefault!.Value, byCategory, rework, maxExtension, feedbackWindow, reopenWindow, remindBefore, offsets)
            {
                SupervisionReplyWorkingDays = supervisionReply,
            };
        }

        private void CheckEveryActionHasATransition(List<ActionDefinition> actions, List<TransitionDefinition> transitions)
        {
            for (var i = 0; i < actions.Count; i++)
            {
                if (!transitions.Any(t => t.Action == actions[i].Code))
                {
                    Fail($"$.actions[{i}]", $"action '{actions[i].Code}' has no transition");
                }
            }
        }

        private void CheckTransitionsAreUnambiguous(List<TransitionDefinition> transitions)
        {
            for (var b = 0; b < transitions.Count; b++)
            {
                for (var a = 0; a < b; a++)
                {
                    var (first, second) = (transitions[a], transitions[b]);
                    if (first.Action != second.Action)
                    {
                        continue;
                    }
                    var shared = first.From.Intersect(second.From, StringComparer.Ordinal).FirstOrDefault();
                    if (shared is not null && !WorkflowConditions.AreExclusive(first.When, second.When))
                    {
                        Fail($"$.transitions[{b}]", $"'{second.Action}' from '{shared}' overlaps $.transitions[{a}]: their conditions ({first.When ?? "none"}, {second.When ?? "none"}) are not mutually exclusive");
                    }
                }
            }
        }

        private void CheckReachability(List<StateDefinition> states, string initial, List<TransitionDefinition> transitions)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal) { initial };
            var queue = new Queue<string>([initial]);
            while (queue.TryDequeue(out var state))
            {
                foreach (var t in transitions.Where(t => t.From.Contains(state) && reached.Add(t.To)))
                {
                    queue.Enqueue(t.To);
                }
            }
            for (var i = 0; i < states.Count; i++)
            {
                if (!reached.Contains(states[i].Code))
                {
                    Fail($"$.states[{i}]", $"state '{states[i].Code}' is unreachable from the initial state '{initial}'");
                }
            }
        }

        private void CheckNoDeadEnds(List<StateDefinition> states, List<TransitionDefinition> transitions)
        {
            for (var i = 0; i < states.Count; i++)
            {
                var s = states[i];
                if (!s.Terminal && !transitions.Any(t => t.From.Contains(s.Code) && t.To != s.Code))
                {
                    Fail($"$.states[{i}]", $"state '{s.Code}' is not terminal but no transition leaves it; mark it \"terminal\": true or add one");
                }
            }
        }
    }
}
