using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

/// <summary>明察暗访: one visit by an inspector to a unit, with its findings and an overall rating.</summary>
public sealed class Inspection
{
    private Inspection()
    {
        InspectorId = Rating = string.Empty;
    }

    public Inspection(int roundId, int unitId, string inspectorId, DateOnly visitedOn, bool covert, string rating,
        IEnumerable<InspectionFinding> findings, DateTime createdAtUtc)
    {
        Complaint.EnsureUtc(createdAtUtc);
        RoundId = roundId;
        UnitId = unitId;
        InspectorId = inspectorId;
        VisitedOn = visitedOn;
        Covert = covert;
        Rating = rating;
        Findings = findings.ToList();
        CreatedAtUtc = createdAtUtc;
    }

    public long Id { get; private set; }

    public int RoundId { get; private set; }

    public int UnitId { get; private set; }

    public string InspectorId { get; private set; }

    public DateOnly VisitedOn { get; private set; }

    /// <summary>暗访 (covert) rather than 明察.</summary>
    public bool Covert { get; private set; }

    public string Rating { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }

    public List<InspectionFinding> Findings { get; private set; } = [];
}

public sealed class InspectionFinding
{
    public const int MaxDescriptionLength = 1000;

    private InspectionFinding()
    {
        Description = Severity = string.Empty;
    }

    public InspectionFinding(string description, string severity)
    {
        Description = description;
        Severity = severity;
    }

    public long Id { get; private set; }

    public long InspectionId { get; private set; }

    public string Description { get; private set; }

    /// <summary>minor / major / serious.</summary>
    public string Severity { get; private set; }
}
