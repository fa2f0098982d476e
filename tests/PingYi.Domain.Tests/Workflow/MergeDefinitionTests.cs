using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Workflow;

/// <summary>并案 in the definition (v5): the merging section, its states, and the actions that come together.</summary>
public sealed class MergeDefinitionTests
{
    private static readonly string V5 = File.ReadAllText(Path.Combine(RepoPaths.Workflows, "complaint-handling.v5.json"));

    private static WorkflowDefinitionException Refused(string json) =>
        Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Parse(json, "complaint-handling.v5.json"));

    [Fact]
    public void V5_names_the_states_a_primary_may_be_in_and_earlier_versions_have_no_merging()
    {
        var registry = WorkflowRegistry.LoadDirectory(RepoPaths.Workflows);
        var d = registry.Get("complaint-handling", 5).Definition;
        Assert.Equal([ComplaintStatus.Submitted, ComplaintStatus.Assigned, ComplaintStatus.UnderReview, ComplaintStatus.Suspended], d.Merging!.PrimaryStates);
        Assert.Equal(["merged"], d.Transitions.Where(t => t.Action == "merge").Select(t => t.To));
        Assert.Equal(["submitted"], d.Transitions.Where(t => t.Action == "merge").SelectMany(t => t.From));
        Assert.Equal(["merged"], d.Transitions.Where(t => t.Action == "unmerge").SelectMany(t => t.From));
        foreach (var version in new[] { 1, 2, 3, 4 })
        {
            var old = registry.Get("complaint-handling", version).Definition;
            Assert.Null(old.Merging);
            Assert.DoesNotContain(old.Actions, a => a.Code is "merge" or "link");
        }
    }

    [Fact]
    public void The_loader_wants_the_merging_section_with_live_states_and_the_system_on_unmerge()
    {
        var section = V5[V5.IndexOf(",\n  \"merging\"", StringComparison.Ordinal)..V5.LastIndexOf('}')];
        Assert.Contains("merging.primaryStates", Refused(V5.Replace(section, "\n", StringComparison.Ordinal)).Message);

        var closed = V5.Replace("\"primaryStates\": [\"submitted\"", "\"primaryStates\": [\"closed\"", StringComparison.Ordinal);
        Assert.NotEqual(V5, closed);
        Assert.Contains("$.merging.primaryStates[0]: a primary cannot be closed", Refused(closed).Message);

        var noSystem = V5.Replace("\"code\": \"unmerge\",\n      \"label\": \"解除并案\",\n      \"roles\": [\"supervisor\", \"system\"]",
            "\"code\": \"unmerge\",\n      \"label\": \"解除并案\",\n      \"roles\": [\"supervisor\"]", StringComparison.Ordinal);
        Assert.NotEqual(V5, noSystem);
        Assert.Contains("unmerge must allow the system role", Refused(noSystem).Message);
    }

    [Fact]
    public void Tracking_number_and_boolean_fields_are_checked_and_typed()
    {
        var engine = WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Get("complaint-handling", 5);
        var ok = engine.ValidateFields("merge", Fields("""{ "primary": " ztc-2026-000123 ", "reason": "重复", "forwardDescription": "true" }"""));
        Assert.True(ok.IsValid);
        Assert.Equal("ZTC-2026-000123", ok.Values.Text("primary"));
        Assert.True(ok.Values.Bool("forwardDescription"));
        var left = engine.ValidateFields("merge", Fields("""{ "primary": "ZTC-2026-000123", "reason": "重复" }"""));
        Assert.False(left.Values.Bool("forwardDescription"));
        var bad = engine.ValidateFields("merge", Fields("""{ "primary": "123", "reason": "重复", "forwardDescription": 3 }"""));
        Assert.Equal(["主件受理编号格式不正确。"], bad.Errors.ToDictionary()["primary"]);
        Assert.Equal(["向承办单位转送本件反映内容应为 true 或 false。"], bad.Errors.ToDictionary()["forwardDescription"]);
    }

    private static Dictionary<string, System.Text.Json.JsonElement> Fields(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(json)!;
}
