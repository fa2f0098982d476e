using PingYi.Domain.Complaints;

namespace PingYi.Domain.Workflow;

/// <summary>Why the engine refused an action; the web layer maps these to HTTP statuses.</summary>
public enum WorkflowRefusal
{
    /// <summary>The definition has no such action (404).</summary>
    UnknownAction,

    /// <summary>The role may never fire this action (403).</summary>
    RoleNotAllowed,

    /// <summary>The action exists and the role may fire it, but not from the complaint's current state (409).</summary>
    NotAllowedInState,

    /// <summary>The action leaves this state, but its condition does not hold, e.g. approve-return with no return request pending (409).</summary>
    ConditionNotMet,
}

/// <summary>
/// The engine refused an action. <see cref="Exception.Message"/> is English for logs and names the state
/// code; <see cref="ChineseMessage"/> is for the user and names the state's Chinese label.
/// </summary>
public sealed class WorkflowActionException : InvalidOperationException
{
    internal WorkflowActionException(WorkflowRefusal refusal, string action, ComplaintStatus? status, string role, string message, string chineseMessage)
        : base(message)
    {
        Refusal = refusal;
        Action = action;
        Status = status;
        Role = role;
        ChineseMessage = chineseMessage;
    }

    public WorkflowRefusal Refusal { get; }

    public string Action { get; }

    /// <summary>The complaint's status when refused; null when no status was involved (validating fields of an unknown action).</summary>
    public ComplaintStatus? Status { get; }

    public string Role { get; }

    public string ChineseMessage { get; }
}
