namespace PingYi.Web.Infrastructure;

/// <summary>The workflow definition new complaints start under.</summary>
public sealed record WorkflowPin(string Id, int Version);
