using Microsoft.Extensions.Diagnostics.HealthChecks;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// The validated workflow definitions and the working-day calendar, loaded once at start-up from
/// <c>workflows/</c> (setting <c>Workflows:Path</c>). New complaints start under the latest version of
/// the complaint workflow; each existing one keeps the version it pinned.
/// </summary>
public sealed class WorkflowRuntime(WorkflowRegistry registry, WorkingDayCalendar calendar)
{
    public const string ComplaintWorkflowId = "complaint-handling";

    private readonly IReadOnlyList<(HolidayYear Year, string Source)> _shipped = calendar.Years;
    private WorkingDayCalendar _calendar = calendar;

    public WorkflowRegistry Registry { get; } = registry;

    /// <summary>
    /// The shipped year files combined with the years Admins uploaded (see <see cref="UseUploadedYears"/>); replaced
    /// as a whole, so a request sees one consistent calendar.
    /// </summary>
    public WorkingDayCalendar Calendar => Volatile.Read(ref _calendar);

    /// <summary>Rebuilds <see cref="Calendar"/> with <paramref name="uploaded"/> overriding the shipped files of the same years.</summary>
    /// <exception cref="CalendarDataException">The years contradict each other about a date.</exception>
    public WorkingDayCalendar UseUploadedYears(IEnumerable<(HolidayYear Year, string Source)> uploaded)
    {
        var combined = WorkingDayCalendar.Combine(_shipped, uploaded);
        Volatile.Write(ref _calendar, combined);
        return combined;
    }

    /// <summary>What <see cref="UseUploadedYears"/> would build, without using it (to validate an upload).</summary>
    public WorkingDayCalendar Preview(IEnumerable<(HolidayYear Year, string Source)> uploaded) => WorkingDayCalendar.Combine(_shipped, uploaded);

    public WorkflowContext ForNewComplaint() => new(Registry.Latest(ComplaintWorkflowId), Calendar);

    public WorkflowContext For(Complaint complaint) => new(Registry.Get(complaint.WorkflowId, complaint.WorkflowVersion), Calendar);

    public WorkflowContext For(string workflowId, int version) => new(Registry.Get(workflowId, version), Calendar);

    /// <summary>A timeline label: the pinned definition's label for workflow actions, else the fixed ones.</summary>
    public string ActionLabel(string workflowId, int version, string action) =>
        (Registry.Contains(workflowId, version) ? Registry.Get(workflowId, version).Definition.FindAction(action)?.Label : null)
        ?? ComplaintActions.LabelOf(action)
        ?? action;

    /// <summary>Loads and validates everything; a fault is reported as one line naming the file, the path in it and the problem.</summary>
    public static WorkflowRuntime Load(string directory, ILogger logger)
    {
        if (!Directory.Exists(directory))
        {
            throw new WorkflowDefinitionException(directory, "$", "the workflows folder does not exist (setting Workflows:Path)");
        }
        var registry = WorkflowRegistry.LoadDirectory(directory);
        if (!registry.Definitions.Any(d => d.Id == ComplaintWorkflowId))
        {
            throw new WorkflowDefinitionException(directory, "$", $"no definition with id '{ComplaintWorkflowId}'");
        }
        var calendar = WorkingDayCalendar.LoadDirectory(Path.Combine(directory, "calendars", "cn"));
        logger.LogInformation("Workflows: {Definitions}; calendar years {Years}.",
            string.Join(", ", registry.Definitions.Select(d => d.ToString())), string.Join(", ", calendar.CoveredYears.Order()));
        return new WorkflowRuntime(registry, calendar);
    }
}

/// <summary>
/// Degraded as soon as the next 60 days or an open deadline reach a year with no holiday calendar
/// (<see cref="Features.Calendars.CalendarCoverage"/>): such deadlines count Monday–Friday only.
/// </summary>
public sealed class CalendarHealthCheck(WorkflowRuntime runtime, TimeProvider time, IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYi.Data.PingYiDbContext>();
        var missing = await Features.Calendars.CalendarCoverage.MissingYearsAsync(db, runtime.Calendar, now, cancellationToken);
        if (missing.Count == 0)
        {
            return HealthCheckResult.Healthy($"Holiday calendar covers the next {Features.Calendars.CalendarCoverage.LookAheadDays} days and every open deadline.");
        }
        var years = string.Join(", ", missing);
        return HealthCheckResult.Degraded($"No holiday calendar for {years}: deadlines reaching it count Monday–Friday (shown as provisional). Upload it at /staff/calendars (PUT /api/v1/admin/calendars/{{year}}) or add workflows/calendars/cn/{{year}}.json.");
    }
}
