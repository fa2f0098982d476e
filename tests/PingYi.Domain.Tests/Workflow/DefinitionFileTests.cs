using System.Text.Json;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Workflow;

public sealed class DefinitionFileTests
{
    [Fact]
    public void Every_definition_under_workflows_loads_and_validates()
    {
        var files = Directory.EnumerateFiles(RepoPaths.Workflows, "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);

        foreach (var file in files)
        {
            var definition = WorkflowDefinitionLoader.LoadFile(file);
            Assert.Equal(file, definition.Source);
        }

        var registry = WorkflowRegistry.LoadDirectory(RepoPaths.Workflows);
        Assert.Equal(files.Count, registry.Definitions.Count);
    }

    [Fact]
    public void The_complaint_handling_definition_carries_the_agreed_timers()
    {
        var d = WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Get("complaint-handling", 1).Definition;

        Assert.Equal(ComplaintStatus.Submitted, d.InitialStatus);
        // 中止 (suspended) came with v4, 并案 (merged) with v5.
        Assert.Equal(ComplaintStatuses.Codes.All.Where(e => e.Value is not (ComplaintStatus.Suspended or ComplaintStatus.Merged)).Select(e => e.Code), d.States.Select(s => s.Code));
        Assert.Equal(["declined", "closed"], d.States.Where(s => s.Terminal).Select(s => s.Code));
        Assert.Equal(2, d.Deadlines.AcceptWorkingDays);
        Assert.Equal(15, d.Deadlines.HandleWorkingDays(ProblemCategory.Formalism));
        Assert.Equal(10, d.Deadlines.HandleWorkingDays(ProblemCategory.EightPointRules));
        Assert.Equal(5, d.Deadlines.ReworkWorkingDays);
        Assert.Equal(10, d.Deadlines.MaxExtensionWorkingDays);
        Assert.Equal(7, d.Deadlines.FeedbackWindowDays);
        Assert.Equal(30, d.Deadlines.ReopenWindowDays);
        Assert.Equal(1, d.Deadlines.ReminderBeforeDeadlineWorkingDays);
        Assert.Equal([0, 3, 5], d.Deadlines.EscalationAfterDeadlineWorkingDays);
    }

    [Fact]
    public void The_state_labels_agree_with_the_complaint_status_labels()
    {
        var d = WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Latest("complaint-handling").Definition;
        foreach (var state in d.States)
        {
            Assert.Equal(ComplaintStatuses.Codes.LabelOf(state.Status), state.Label);
        }
    }

    [Fact]
    public void Every_definition_references_the_schema()
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Workflows, "*.v*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal("./complaint-handling.schema.json", doc.RootElement.GetProperty("$schema").GetString());
        }
    }

    /// <summary>The schema is for editors; the loader is the authority. Their vocabularies must not drift apart.</summary>
    [Fact]
    public void The_schema_lists_the_vocabulary_the_engine_knows()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Workflows, "complaint-handling.schema.json")));
        var root = schema.RootElement;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root.GetProperty("$schema").GetString());

        var defs = root.GetProperty("$defs");
        Assert.Equal(ComplaintStatuses.Codes.All.Select(e => e.Code), Enum(defs.GetProperty("stateCode")));
        Assert.Equal(WorkflowRoles.All, Enum(defs.GetProperty("role")));
        Assert.Equal(WorkflowConditions.All, Enum(defs.GetProperty("condition")));
        Assert.Equal(["text", "unitCode", "workingDays", "rating", "satisfaction", "resolution", "trackingNumber", "boolean"], Enum(defs.GetProperty("field").GetProperty("properties").GetProperty("type")));
        Assert.Equal(
            ["default", .. ProblemCategories.Codes.All.Select(e => e.Code)],
            Enum(defs.GetProperty("deadlines").GetProperty("properties").GetProperty("handleWorkingDays").GetProperty("propertyNames")));

        static IEnumerable<string> Enum(JsonElement e) => e.GetProperty("enum").EnumerateArray().Select(x => x.GetString()!);
    }

    [Fact]
    public void The_calendar_directory_and_the_schema_are_not_definitions()
    {
        var definitions = WorkflowDefinitionLoader.LoadDirectory(RepoPaths.Workflows);
        Assert.DoesNotContain(definitions, d => d.Source.Contains("calendars", StringComparison.Ordinal));
        Assert.DoesNotContain(definitions, d => d.Source.EndsWith(".schema.json", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_whose_name_disagrees_with_its_id_is_refused()
    {
        WithTempDirectory(dir =>
        {
            var file = Path.Combine(dir, "complaint-handling.v2.json");
            File.Copy(Path.Combine(RepoPaths.Workflows, "complaint-handling.v1.json"), file);

            var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.LoadDirectory(dir));

            Assert.Equal($"{file}: $.version: the version 1 does not match the file name complaint-handling.v2.json", ex.Message);
        });
    }

    [Fact]
    public void A_json_file_not_named_like_a_definition_is_refused_rather_than_skipped()
    {
        WithTempDirectory(dir =>
        {
            var file = Path.Combine(dir, "complaint-handling-v1.json");
            File.Copy(Path.Combine(RepoPaths.Workflows, "complaint-handling.v1.json"), file);

            var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.LoadDirectory(dir));

            Assert.StartsWith($"{file}: $: a workflow definition file must be named <id>.v<version>.json", ex.Message);
        });
    }

    [Fact]
    public void A_malformed_file_is_named_in_the_message()
    {
        WithTempDirectory(dir =>
        {
            var file = Path.Combine(dir, "complaint-handling.v1.json");
            File.WriteAllText(file, "{ \"id\": \"complaint-handling\", ");

            var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowRegistry.LoadDirectory(dir));

            Assert.StartsWith($"{file}: $: malformed JSON", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        });
    }

    [Fact]
    public void The_registry_refuses_a_duplicate_id_and_version()
    {
        var json = File.ReadAllText(Path.Combine(RepoPaths.Workflows, "complaint-handling.v1.json"));
        var a = WorkflowDefinitionLoader.Parse(json, "a.json");
        var b = WorkflowDefinitionLoader.Parse(json, "b.json");

        var ex = Assert.Throws<WorkflowDefinitionException>(() => new WorkflowRegistry([a, b]));

        Assert.Equal("b.json: $.version: complaint-handling version 1 is already defined by a.json", ex.Message);
    }

    [Fact]
    public void The_registry_serves_pinned_versions_and_the_latest()
    {
        var json = File.ReadAllText(Path.Combine(RepoPaths.Workflows, "complaint-handling.v1.json"));
        var v1 = WorkflowDefinitionLoader.Parse(json, "complaint-handling.v1.json");
        var v2 = WorkflowDefinitionLoader.Parse(json.Replace("\"version\": 1,", "\"version\": 2,", StringComparison.Ordinal), "complaint-handling.v2.json");
        var registry = new WorkflowRegistry([v2, v1]);

        Assert.Equal(2, registry.Latest("complaint-handling").Definition.Version);
        Assert.Same(v1, registry.Get("complaint-handling", 1).Definition);
        Assert.True(registry.Contains("complaint-handling", 2));
        Assert.False(registry.Contains("complaint-handling", 3));
        Assert.Throws<KeyNotFoundException>(() => registry.Get("complaint-handling", 3));
        Assert.Throws<KeyNotFoundException>(() => registry.Latest("evaluation"));
        Assert.Equal([1, 2], registry.Definitions.Select(d => d.Version));
    }

    private static void WithTempDirectory(Action<string> test)
    {
        var dir = Directory.CreateTempSubdirectory("pingyi-workflows-");
        try
        {
            test(dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
