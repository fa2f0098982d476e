using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PingYi.Domain.Common;

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
    private sealed partial class DefinitionReader(string source) : DefinitionFileReader(source, Fault)
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
            ["trackingNumber"] = FieldType.TrackingNumber,
            ["boolean"] = FieldType.Boolean,
        };

        public WorkflowDefinition Read(JsonElement root)
        {
            const string Root = "$";
            ExpectObject(root, Root, "$schema", "id", "version", "title", "description", "initial", "states", "actions", "transitions", "deadlines", "merging");
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
            CheckSignDeadline(actions, deadlines);
            CheckSuspension(actions, deadlines);
            var merging = ReadMerging(root, actions, states);
            CheckTransitionsAreUnambiguous(transitions);
            CheckReachability(states, initial, transitions);
            CheckNoDeadEnds(states, transitions);

            return new WorkflowDefinition(id, version, title, initial, states, actions, transitions, deadlines, Source) { Merging = merging };
        }

        /// <summary>A <c>sign</c> action needs its deadline, and a signing deadline without the action could never be met.</summary>
        private void CheckSignDeadline(IReadOnlyList<ActionDefinition> actions, WorkflowDeadlines deadlines)
        {
            var hasSign = actions.Any(a => a.Code == "sign");
            if (hasSign && deadlines.SignWorkingDays is null)
            {
                Fail("$.deadlines.signWorkingDays", "missing: the sign action needs the working days a unit has to sign for a case");
            }
            if (!hasSign && deadlines.SignWorkingDays is not null)
            {
                Fail("$.deadlines.signWorkingDays", "there is no sign action, so no unit could meet a signing deadline");
            }
        }

        /// <summary>
        /// 中止 comes whole: the request, both answers and the resume, with the longest a suspension may last (the
        /// timer that resumes a forgotten case). A part alone could stop a clock that nothing restarts.
        /// </summary>
        private void CheckSuspension(IReadOnlyList<ActionDefinition> actions, WorkflowDeadlines deadlines)
        {
            string[] parts = ["request-suspension", "approve-suspension", "reject-suspension", "resume"];
            var present = parts.Where(p => actions.Any(a => a.Code == p)).ToList();
            if (present.Count > 0 && present.Count < parts.Length)
            {
                Fail("$.actions", $"中止 needs all of {string.Join(", ", parts)}; missing {string.Join(", ", parts.Except(present))}");
            }
            if (present.Count > 0 && deadlines.MaxSuspensionWorkingDays is null)
            {
                Fail("$.deadlines.maxSuspensionWorkingDays", "missing: 中止 needs the longest a suspension may last before the case resumes by itself");
            }
            if (present.Count == 0 && deadlines.MaxSuspensionWorkingDays is not null)
            {
                Fail("$.deadlines.maxSuspensionWorkingDays", "there is no 中止 action, so no case could be suspended");
            }
            if (present.Count > 0 && !actions.First(a => a.Code == "resume").Roles.Contains(WorkflowRoles.System))
            {
                Fail("$.actions", "resume must allow the system role: the case resumes by itself on the complainant's supplement and after maxSuspensionWorkingDays");
            }
        }
    }
}
