namespace PingYi.Domain.Evaluation;

/// <summary>An evaluation round file is invalid; the message is one line, <c>file: $.json.path: fault</c>, like a workflow file's.</summary>
public sealed class EvaluationRoundException(string file, string jsonPath, string fault)
    : Exception($"{file}: {jsonPath}: {fault}")
{
    public string File { get; } = file;

    public string JsonPath { get; } = jsonPath;

    public string Fault { get; } = fault;
}
