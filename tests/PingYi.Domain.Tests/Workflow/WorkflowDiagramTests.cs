using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Workflow;

/// <summary>docs/workflow.md shows the diagram generated from the definition; this keeps the two in step.</summary>
public sealed class WorkflowDiagramTests
{
    private const string UpdateVariable = "PINGYI_UPDATE_DOCS";
    private const string Fence = "```mermaid\n";

    private static WorkflowEngine Engine() => new(WorkflowDefinitionLoader.LoadFile(Path.Combine(RepoPaths.Workflows, "complaint-handling.v1.json")));

    [Fact]
    public void The_diagram_is_generated_deterministically()
    {
        var engine = Engine();
        var diagram = engine.ToMermaid();

        Assert.Equal(diagram, Engine().ToMermaid());
        Assert.StartsWith("stateDiagram-v2\n", diagram);
        Assert.DoesNotContain('\r', diagram);
        Assert.Contains("submitted --> assigned : assign [supervisor]", diagram);
        Assert.Contains("awaitingfeedback --> awaitingfeedback : feedback [complainant if dissatisfied]", diagram);
        Assert.Contains("closed --> assigned : reopen [supervisor if within-reopen-window]", diagram);
        Assert.Contains("[*] --> submitted", diagram);
    }

    [Fact]
    public void Docs_show_the_current_diagram()
    {
        var docPath = RepoPaths.Combine("docs", "workflow.md");
        var doc = File.ReadAllText(docPath).ReplaceLineEndings("\n");
        var generated = Engine().ToMermaid();

        var start = doc.IndexOf(Fence, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{docPath} has no ```mermaid block.");
        start += Fence.Length;
        var end = doc.IndexOf("```", start, StringComparison.Ordinal);
        Assert.True(end >= 0, $"{docPath}: the ```mermaid block is not closed.");
        var current = doc[start..end];

        if (current == generated)
        {
            return;
        }
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(docPath, doc[..start] + generated + doc[end..]);
            return;
        }
        Assert.Fail(
            $"docs/workflow.md is out of date with workflows/complaint-handling.v1.json. Regenerate it with " +
            $"`{UpdateVariable}=1 dotnet test tests/PingYi.Domain.Tests --filter {nameof(WorkflowDiagramTests)}` " +
            $"and commit the change, or replace the ```mermaid block by hand with:\n{generated}");
    }
}
