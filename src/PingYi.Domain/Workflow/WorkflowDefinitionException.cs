namespace PingYi.Domain.Workflow;

/// <summary>
/// A workflow definition file is invalid. The message is one line, <c>file: $.json.path: fault</c>, so that
/// the start-up log and the test output point straight at the spot to fix.
/// </summary>
public sealed class WorkflowDefinitionException(string file, string jsonPath, string fault)
    : Exception($"{file}: {jsonPath}: {fault}")
{
    public string File { get; } = file;

    /// <summary>Where in the file, e.g. <c>$.transitions[3].to</c>; <c>$</c> for the whole document.</summary>
    public string JsonPath { get; } = jsonPath;

    public string Fault { get; } = fault;
}
