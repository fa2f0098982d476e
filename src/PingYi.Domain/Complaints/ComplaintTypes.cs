using PingYi.Domain.Calendar;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints;

/// <summary>A request of the handling unit that waits for a supervisor's decision.</summary>
public enum PendingRequest
{
    None = 0,
    Return = 1,
    Extension = 2,

    /// <summary>申请中止 (workflow v4): the unit asks to stop the clock while it waits for the complainant.</summary>
    Suspension = 3,
}

/// <summary>The workflow a complaint runs under (its pinned definition) and the calendar its deadlines count in.</summary>
public sealed record WorkflowContext(WorkflowEngine Engine, WorkingDayCalendar Calendar)
{
    public WorkflowDeadlines Deadlines => Engine.Definition.Deadlines;
}

/// <summary>Who takes an action: a staff user (id and workflow role), the complainant, or the system.</summary>
public sealed record Actor(string? UserId, string Role);

/// <summary>The unit an assign or transfer names, resolved from its code.</summary>
public sealed record UnitRef(int Id, string Name);

/// <summary>Thrown when an action is not allowed in the complaint's current status.</summary>
public sealed class ComplaintStateException(ComplaintStatus status, string action)
    : InvalidOperationException($"Action '{action}' is not allowed while the complaint is '{ComplaintStatuses.Codes.CodeOf(status)}'.")
{
    public ComplaintStatus Status { get; } = status;

    public string Action { get; } = action;

    public string ChineseMessage => ComplaintTexts.NotAllowedInStatus(ComplaintStatuses.Codes.LabelOf(Status));
}
