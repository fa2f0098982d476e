using System.Text.Json;

namespace PingYi.Domain.Workflow;

public static partial class WorkflowDefinitionLoader
{
    private sealed partial class DefinitionReader
    {
        /// <summary>
        /// 并案 comes whole: merge, unmerge and share-answer with the <c>merging</c> section saying which states a primary
        /// may be in. A merge without share-answer would leave the secondary waiting for an answer nothing gives it; unmerge
        /// and share-answer must allow the system role (a declined primary's secondaries go back to intake, an approved
        /// primary's get its answer).
        /// </summary>
        private MergeRules? ReadMerging(JsonElement root, IReadOnlyList<ActionDefinition> actions, IReadOnlyList<StateDefinition> states)
        {
            const string Path = "$.merging";
            string[] parts = ["merge", "unmerge", "share-answer"];
            var present = parts.Where(p => actions.Any(a => a.Code == p)).ToList();
            var hasSection = root.TryGetProperty("merging", out var section);
            if (present.Count > 0 && present.Count < parts.Length)
            {
                Fail("$.actions", $"并案 needs all of {string.Join(", ", parts)}; missing {string.Join(", ", parts.Except(present))}");
            }
            if (present.Count == 0)
            {
                if (hasSection)
                {
                    Fail(Path, "there is no merge action, so no case could be merged");
                }
                return null;
            }
            if (!hasSection)
            {
                Fail(Path, "missing: 并案 needs merging.primaryStates, the states a primary may be in");
            }
            foreach (var code in new[] { "unmerge", "share-answer" })
            {
                if (!actions.First(a => a.Code == code).Roles.Contains(WorkflowRoles.System))
                {
                    Fail("$.actions", $"{code} must allow the system role: a primary's decline unmerges its secondaries and its approval shares the answer");
                }
            }
            ExpectObject(section, Path, "primaryStates", "description");
            OptionalString(section, Path, "description");
            var list = RequiredArray(section, Path, "primaryStates");
            var primaryStates = new List<Complaints.ComplaintStatus>();
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var itemPath = $"{Path}.primaryStates[{i++}]";
                var state = item.ValueKind == JsonValueKind.String ? states.FirstOrDefault(s => s.Code == item.GetString()) : null;
                if (state is null)
                {
                    Fail(itemPath, $"unknown state {item}; states are {string.Join(", ", states.Select(s => s.Code))}");
                }
                if (state!.Terminal || state.Status == Complaints.ComplaintStatus.Merged)
                {
                    Fail(itemPath, $"a primary cannot be {state.Code}: it must be a case still being handled, not itself merged");
                }
                if (primaryStates.Contains(state.Status))
                {
                    Fail(itemPath, $"duplicate state '{state.Code}'");
                }
                primaryStates.Add(state.Status);
            }
            if (primaryStates.Count == 0)
            {
                Fail($"{Path}.primaryStates", "at least one state");
            }
            return new MergeRules(primaryStates);
        }
    }
}
