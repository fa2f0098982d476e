namespace PingYi.Web.Features.Triage;

/// <summary>What the triage index knows of a unit: its names and duties (admin-edited).</summary>
public sealed record UnitProfile(int Id, string Code, string Name, IReadOnlyList<string> ShortNames, string Duties, bool Active);

/// <summary>
/// One complaint in the index. <paramref name="Assigned"/>: the committee has given it to <paramref name="UnitCode"/>
/// (交办 or 转办), so its words teach the index about that unit; before that, <paramref name="UnitCode"/> is the
/// citizen's pick and only the similar-complaints search uses it. <paramref name="Version"/>: the row's version when it
/// was read (<c>Complaint.Version</c>); the index keeps the newest.
/// </summary>
public sealed record CaseDocument(
    long Id, string TrackingNumber, string UnitCode, bool Assigned, string Title, string Description, string? Location, DateOnly? OccurredOn,
    DateTime SubmittedAtUtc, int Version = 0);

/// <summary>
/// The complaint to suggest for: its own text only. <paramref name="UnitCode"/> (the citizen's pick or the unit
/// holding it) never changes the unit or category suggestion; the similar search looks at that unit's earlier cases.
/// </summary>
public sealed record TriageQuery(
    long? Id, string Title, string Description, string? Location, DateOnly? OccurredOn, DateTime SubmittedAtUtc, string? UnitCode);

public sealed record UnitSuggestion(string Code, string Name, double Score, IReadOnlyList<string> Reasons);

public sealed record CategorySuggestion(string Code, double Score, IReadOnlyList<string> Reasons);

public sealed record SimilarComplaint(string TrackingNumber, double Score, IReadOnlyList<string> Reasons);

/// <summary>The body of <c>GET /api/v1/complaints/{trackingNumber}/suggestions</c>.</summary>
public sealed record TriageSuggestions(IReadOnlyList<UnitSuggestion> Units, CategorySuggestion Category, IReadOnlyList<SimilarComplaint> Similar);
