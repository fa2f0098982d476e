using System.Text.Json;

namespace PingYi.Domain.Workflow;

public static partial class WorkflowDefinitionLoader
{
    /// <summary>Transitions and the checks on the whole graph (every action used, no overlap, reachability, no dead ends).</summary>
    private sealed partial class DefinitionReader
    {
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

                var from = ReadFromStates(item, itemPath, stateCodes, stateList);

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

        private List<string> ReadFromStates(JsonElement item, string itemPath, HashSet<string> stateCodes, string stateList)
        {
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
            return from;
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
