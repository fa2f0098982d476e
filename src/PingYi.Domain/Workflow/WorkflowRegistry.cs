namespace PingYi.Domain.Workflow;

/// <summary>
/// The validated definitions by (id, version), each with its engine. A complaint pins the version it started
/// under, so old versions stay loadable next to new ones; new complaints use <see cref="Latest"/>.
/// </summary>
public sealed class WorkflowRegistry
{
    private readonly Dictionary<(string Id, int Version), WorkflowEngine> _engines = [];

    /// <exception cref="WorkflowDefinitionException">Two definitions share an id and version.</exception>
    public WorkflowRegistry(IEnumerable<WorkflowDefinition> definitions)
    {
        foreach (var definition in definitions)
        {
            if (_engines.TryGetValue((definition.Id, definition.Version), out var existing))
            {
                throw new WorkflowDefinitionException(definition.Source, "$.version",
                    $"{definition.Id} version {definition.Version} is already defined by {existing.Definition.Source}");
            }
            _engines[(definition.Id, definition.Version)] = new WorkflowEngine(definition);
        }
    }

    /// <summary>Loads and validates every definition in the workflows directory (see <see cref="WorkflowDefinitionLoader.LoadDirectory"/>).</summary>
    public static WorkflowRegistry LoadDirectory(string directory) => new(WorkflowDefinitionLoader.LoadDirectory(directory));

    /// <summary>Every definition, ordered by id then version.</summary>
    public IReadOnlyList<WorkflowDefinition> Definitions =>
        _engines.Values.Select(e => e.Definition).OrderBy(d => d.Id, StringComparer.Ordinal).ThenBy(d => d.Version).ToList();

    public bool Contains(string id, int version) => _engines.ContainsKey((id, version));

    /// <exception cref="KeyNotFoundException">No such definition: a complaint pinned to a version that is no longer deployed.</exception>
    public WorkflowEngine Get(string id, int version) =>
        _engines.TryGetValue((id, version), out var engine)
            ? engine
            : throw new KeyNotFoundException($"Workflow '{id}' version {version} is not loaded.");

    /// <exception cref="KeyNotFoundException">No definition has this id.</exception>
    public WorkflowEngine Latest(string id) =>
        _engines.Where(e => e.Key.Id == id).OrderByDescending(e => e.Key.Version).Select(e => e.Value).FirstOrDefault()
            ?? throw new KeyNotFoundException($"Workflow '{id}' is not loaded.");
}
