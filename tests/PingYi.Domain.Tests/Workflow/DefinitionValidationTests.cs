using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Workflow;

/// <summary>
/// Each broken variant is the small valid definition below with one JSON fragment replaced; the loader must
/// name the JSON path and the fault in one line.
/// </summary>
public sealed class DefinitionValidationTests
{
    private const string Source = "mini.v1.json";

    private const string Valid = """
        {
          "$schema": "./complaint-handling.schema.json",
          "id": "mini",
          "version": 1,
          "initial": "submitted",
          "states": [
            { "code": "submitted", "label": "待受理" },
            { "code": "assigned", "label": "办理中" },
            { "code": "closed", "label": "已办结", "terminal": true }
          ],
          "actions": [
            { "code": "assign", "label": "交办", "roles": ["supervisor"], "fields": [ { "name": "unitCode", "label": "承办单位", "type": "unitCode", "required": true } ] },
            { "code": "request-extension", "label": "申请延期", "roles": ["unit-handler"], "fields": [ { "name": "workingDays", "label": "延期天数", "type": "workingDays", "required": true, "min": 1 } ] },
            { "code": "close", "label": "办结", "roles": ["supervisor"] }
          ],
          "transitions": [
            { "action": "assign", "from": ["submitted"], "to": "assigned" },
            { "action": "request-extension", "from": ["assigned"], "to": "assigned", "when": "no-pending-request" },
            { "action": "close", "from": ["assigned"], "to": "closed" }
          ],
          "deadlines": {
            "acceptWorkingDays": 2,
            "handleWorkingDays": { "default": 15, "eight-point-rules": 10 },
            "reworkWorkingDays": 5,
            "maxExtensionWorkingDays": 10,
            "feedbackWindowDays": 7,
            "reopenWindowDays": 30,
            "reminders": { "beforeDeadlineWorkingDays": 1 },
            "escalation": { "afterDeadlineWorkingDays": [0, 3, 5] }
          }
        }
        """;

    [Fact]
    public void The_base_definition_is_valid()
    {
        var definition = WorkflowDefinitionLoader.Parse(Valid, Source);

        Assert.Equal("mini", definition.Id);
        Assert.Equal(1, definition.Version);
        Assert.Equal(3, definition.States.Count);
        Assert.Equal(["assign", "request-extension", "close"], definition.Actions.Select(a => a.Code));
        Assert.Equal(10, definition.Deadlines.HandleWorkingDays(Complaints.ProblemCategory.EightPointRules));
        Assert.Equal(15, definition.Deadlines.HandleWorkingDays(Complaints.ProblemCategory.Formalism));
    }

    public static TheoryData<string, string, string, string, string> BrokenVariants => new()
    {
        // name, fragment in Valid, replacement, expected JSON path, expected fault (substring)
        { "malformed JSON", "\"version\": 1,", "\"version\": 1", "$", "malformed JSON at line 5" },
        { "root is not an object", Valid, "[]", "$", "expected an object, found an array" },
        { "missing id", "\"id\": \"mini\",", "", "$.id", "missing" },
        { "action the engine has no effect for", "{ \"code\": \"close\", \"label\": \"办结\"", "{ \"code\": \"archive\", \"label\": \"办结\"", "$.actions[2].code", "the engine has no effect for action 'archive'" },
        { "supervision reply beyond the extension bound", "\"reopenWindowDays\"", "\"supervisionReplyWorkingDays\": 99, \"reopenWindowDays\"", "$.deadlines.supervisionReplyWorkingDays", "exceeds maxExtensionWorkingDays" },
        { "bad id", "\"id\": \"mini\",", "\"id\": \"Mini Flow\",", "$.id", "'Mini Flow' is not a valid id" },
        { "missing version", "\"version\": 1,", "", "$.version", "missing" },
        { "version zero", "\"version\": 1,", "\"version\": 0,", "$.version", "version must be 1 or more, found 0" },
        { "version as string", "\"version\": 1,", "\"version\": \"1\",", "$.version", "expected a whole number, found \"1\"" },
        { "unknown property", "\"initial\": \"submitted\",", "\"initial\": \"submitted\", \"timers\": [],", "$.timers", "unknown property 'timers'" },
        { "misspelt field property", "\"type\": \"unitCode\", \"required\": true", "\"type\": \"unitCode\", \"requred\": true", "$.actions[0].fields[0].requred", "unknown property 'requred'" },
        { "duplicate property", "\"initial\": \"submitted\",", "\"initial\": \"submitted\", \"initial\": \"assigned\",", "$.initial", "property 'initial' appears twice" },
        { "state that is not a complaint status", "{ \"code\": \"assigned\", \"label\": \"办理中\" }", "{ \"code\": \"in-progress\", \"label\": \"办理中\" }", "$.states[1].code", "unknown state 'in-progress'; states must be complaint statuses: submitted, declined, assigned, under-review, awaiting-feedback, closed" },
        { "duplicate state", "{ \"code\": \"assigned\", \"label\": \"办理中\" }", "{ \"code\": \"submitted\", \"label\": \"办理中\" }", "$.states[1].code", "duplicate state 'submitted' (already at $.states[0])" },
        { "state without label", "{ \"code\": \"assigned\", \"label\": \"办理中\" }", "{ \"code\": \"assigned\", \"label\": \" \" }", "$.states[1].label", "must not be empty" },
        { "initial not a state", "\"initial\": \"submitted\",", "\"initial\": \"under-review\",", "$.initial", "initial state 'under-review' is not one of the states (submitted, assigned, closed)" },
        { "unreachable state", "{ \"code\": \"closed\", \"label\": \"已办结\", \"terminal\": true }", "{ \"code\": \"closed\", \"label\": \"已办结\", \"terminal\": true }, { \"code\": \"declined\", \"label\": \"不予受理\", \"terminal\": true }", "$.states[3]", "state 'declined' is unreachable from the initial state 'submitted'" },
        { "dead end", "\"label\": \"已办结\", \"terminal\": true", "\"label\": \"已办结\"", "$.states[2]", "state 'closed' is not terminal but no transition leaves it" },
        { "action without roles", "\"roles\": [\"unit-handler\"]", "\"roles\": []", "$.actions[1].roles", "an action needs at least one role" },
        { "action with unknown role", "\"roles\": [\"unit-handler\"]", "\"roles\": [\"admin\"]", "$.actions[1].roles[0]", "unknown role 'admin'; roles are supervisor, unit-handler, complainant, system" },
        { "duplicate action", "{ \"code\": \"close\", \"label\": \"办结\"", "{ \"code\": \"assign\", \"label\": \"办结\"", "$.actions[2].code", "duplicate action 'assign' (already at $.actions[0])" },
        { "action without transition", "{ \"code\": \"close\", \"label\": \"办结\", \"roles\": [\"supervisor\"] }", "{ \"code\": \"close\", \"label\": \"办结\", \"roles\": [\"supervisor\"] }, { \"code\": \"decline\", \"label\": \"不予受理\", \"roles\": [\"supervisor\"] }", "$.actions[3]", "action 'decline' has no transition" },
        { "unknown field type", "\"type\": \"unitCode\"", "\"type\": \"date\"", "$.actions[0].fields[0].type", "unknown field type 'date'; types are text, unitCode, workingDays, rating, satisfaction" },
        { "duplicate field", "{ \"name\": \"unitCode\", \"label\": \"承办单位\", \"type\": \"unitCode\", \"required\": true }", "{ \"name\": \"unitCode\", \"label\": \"承办单位\", \"type\": \"unitCode\", \"required\": true }, { \"name\": \"unitCode\", \"label\": \"单位\", \"type\": \"text\" }", "$.actions[0].fields[1].name", "duplicate field 'unitCode' (already at $.actions[0].fields[0])" },
        { "maxLength on a number field", "\"type\": \"workingDays\", \"required\": true, \"min\": 1", "\"type\": \"workingDays\", \"required\": true, \"maxLength\": 2", "$.actions[1].fields[0].maxLength", "maxLength applies only to text and unitCode fields" },
        { "min on a text field", "\"type\": \"unitCode\", \"required\": true", "\"type\": \"unitCode\", \"required\": true, \"min\": 1", "$.actions[0].fields[0].min", "min and max apply only to workingDays and rating fields" },
        { "zero working days in a field", "\"required\": true, \"min\": 1", "\"required\": true, \"min\": 0", "$.actions[1].fields[0].min", "working days must be 1 or more, found 0" },
        { "min greater than max", "\"required\": true, \"min\": 1", "\"required\": true, \"min\": 5, \"max\": 3", "$.actions[1].fields[0].min", "min 5 is greater than max 3" },
        { "field max above the extension limit", "\"required\": true, \"min\": 1", "\"required\": true, \"min\": 1, \"max\": 20", "$.actions[1].fields[0].max", "max 20 exceeds deadlines.maxExtensionWorkingDays (10)" },
        { "rating above 5", "{ \"code\": \"close\", \"label\": \"办结\", \"roles\": [\"supervisor\"] }", "{ \"code\": \"close\", \"label\": \"办结\", \"roles\": [\"supervisor\"], \"fields\": [ { \"name\": \"score\", \"label\": \"评分\", \"type\": \"rating\", \"max\": 6 } ] }", "$.actions[2].fields[0].max", "a rating is 1–5, found max 6" },
        { "transition naming an unknown action", "{ \"action\": \"close\",", "{ \"action\": \"finish\",", "$.transitions[2].action", "unknown action 'finish'; it is not in $.actions" },
        { "transition to an unknown state", "\"from\": [\"assigned\"], \"to\": \"closed\"", "\"from\": [\"assigned\"], \"to\": \"finished\"", "$.transitions[2].to", "unknown state 'finished'; states are submitted, assigned, closed" },
        { "transition to a status the definition lacks", "\"from\": [\"assigned\"], \"to\": \"closed\"", "\"from\": [\"assigned\"], \"to\": \"under-review\"", "$.transitions[2].to", "unknown state 'under-review'" },
        { "transition from an unknown state", "\"from\": [\"submitted\"]", "\"from\": [\"new\"]", "$.transitions[0].from[0]", "unknown state 'new'" },
        { "transition from no state", "\"from\": [\"submitted\"]", "\"from\": []", "$.transitions[0].from", "at least one source state is required" },
        { "unknown condition", "\"when\": \"no-pending-request\"", "\"when\": \"always\"", "$.transitions[1].when", "unknown condition 'always'; conditions are return-requested, extension-requested, no-pending-request, dissatisfied, not-dissatisfied, within-reopen-window" },
        { "overlapping transitions", "{ \"action\": \"close\", \"from\": [\"assigned\"], \"to\": \"closed\" }", "{ \"action\": \"close\", \"from\": [\"assigned\"], \"to\": \"closed\" }, { \"action\": \"close\", \"from\": [\"assigned\"], \"to\": \"submitted\", \"when\": \"return-requested\" }", "$.transitions[3]", "'close' from 'assigned' overlaps $.transitions[2]: their conditions (none, return-requested) are not mutually exclusive" },
        { "missing deadlines", ",\n  \"deadlines\": {", ",\n  \"deadlinez\": {", "$.deadlinez", "unknown property 'deadlinez'" },
        { "zero accept working days", "\"acceptWorkingDays\": 2", "\"acceptWorkingDays\": 0", "$.deadlines.acceptWorkingDays", "working days must be 1 or more, found 0" },
        { "negative handling days", "\"eight-point-rules\": 10", "\"eight-point-rules\": -1", "$.deadlines.handleWorkingDays['eight-point-rules']", "working days must be 1 or more, found -1" },
        { "fractional handling days", "\"default\": 15", "\"default\": 1.5", "$.deadlines.handleWorkingDays.default", "expected a whole number, found 1.5" },
        { "unknown problem category", "\"eight-point-rules\": 10", "\"eight-points\": 10", "$.deadlines.handleWorkingDays['eight-points']", "unknown problem category 'eight-points'" },
        { "no default handling deadline", "\"default\": 15, ", "", "$.deadlines.handleWorkingDays.default", "missing" },
        { "zero rework days", "\"reworkWorkingDays\": 5", "\"reworkWorkingDays\": 0", "$.deadlines.reworkWorkingDays", "found 0" },
        { "max extension below 1", "\"maxExtensionWorkingDays\": 10", "\"maxExtensionWorkingDays\": 0", "$.deadlines.maxExtensionWorkingDays", "working days must be 1 or more, found 0" },
        { "zero feedback window", "\"feedbackWindowDays\": 7", "\"feedbackWindowDays\": 0", "$.deadlines.feedbackWindowDays", "days must be 1 or more, found 0" },
        { "negative reopen window", "\"reopenWindowDays\": 30", "\"reopenWindowDays\": -30", "$.deadlines.reopenWindowDays", "days must be 1 or more, found -30" },
        { "zero reminder offset", "\"beforeDeadlineWorkingDays\": 1", "\"beforeDeadlineWorkingDays\": 0", "$.deadlines.reminders.beforeDeadlineWorkingDays", "found 0" },
        { "two escalation levels", "[0, 3, 5]", "[0, 3]", "$.deadlines.escalation.afterDeadlineWorkingDays", "expected three offsets, for escalation levels 1, 2 and 3; found 2" },
        { "negative escalation offset", "[0, 3, 5]", "[-1, 3, 5]", "$.deadlines.escalation.afterDeadlineWorkingDays[0]", "cannot be negative, found -1" },
        { "escalation offsets not increasing", "[0, 3, 5]", "[0, 3, 3]", "$.deadlines.escalation.afterDeadlineWorkingDays[2]", "offsets must increase with the level; 3 does not exceed 3" },
    };

    [Theory]
    [MemberData(nameof(BrokenVariants))]
    public void A_broken_definition_is_reported_with_its_path_and_fault(string name, string fragment, string replacement, string path, string fault)
    {
        Assert.True(Valid.Contains(fragment, StringComparison.Ordinal), $"{name}: the fragment is not in the base definition");
        var broken = Valid.Replace(fragment, replacement, StringComparison.Ordinal);

        var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Parse(broken, Source));

        Assert.Equal(Source, ex.File);
        Assert.Equal(path, ex.JsonPath);
        Assert.Contains(fault, ex.Fault);
        Assert.StartsWith($"{Source}: {path}: ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Missing_deadlines_are_reported()
    {
        var start = Valid.IndexOf(",\n  \"deadlines\"", StringComparison.Ordinal);
        var broken = Valid[..start] + "\n}";

        var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Parse(broken, Source));

        Assert.Equal("mini.v1.json: $.deadlines: missing", ex.Message);
    }

    [Fact]
    public void Mutually_exclusive_conditions_may_share_an_action_and_a_state()
    {
        var variant = Valid.Replace(
            "{ \"action\": \"close\", \"from\": [\"assigned\"], \"to\": \"closed\" }",
            "{ \"action\": \"close\", \"from\": [\"assigned\"], \"to\": \"closed\", \"when\": \"not-dissatisfied\" }, { \"action\": \"close\", \"from\": [\"assigned\"], \"to\": \"assigned\", \"when\": \"dissatisfied\" }",
            StringComparison.Ordinal);

        var definition = WorkflowDefinitionLoader.Parse(variant, Source);

        Assert.Equal(4, definition.Transitions.Count);
    }

    [Fact]
    public void Transitions_sharing_an_action_from_different_states_do_not_overlap()
    {
        var variant = Valid.Replace(
            "{ \"action\": \"assign\", \"from\": [\"submitted\"], \"to\": \"assigned\" }",
            "{ \"action\": \"assign\", \"from\": [\"submitted\"], \"to\": \"assigned\" }, { \"action\": \"assign\", \"from\": [\"closed\"], \"to\": \"assigned\", \"when\": \"within-reopen-window\" }",
            StringComparison.Ordinal);

        Assert.Equal(4, WorkflowDefinitionLoader.Parse(variant, Source).Transitions.Count);
    }
}
