using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

/// <summary>What an <see cref="EvaluationFile"/> belongs to.</summary>
public enum EvaluationFileOwner
{
    InspectionPhoto,
    DeductionEvidence,
    SelfEvaluationDocument,

    /// <summary>Evidence of completion of a rectification ledger item (OwnerId: the item).</summary>
    RectificationEvidence,

    /// <summary>A unit's evidence for an appeal (申诉; OwnerId: the appeal).</summary>
    AppealEvidence,
}

/// <summary>
/// A file of the evaluation area (an inspection photo, deduction evidence, a unit's implementation plan or
/// self-evaluation report), recognised by content. Self-evaluation documents carry their unit and milestone.
/// </summary>
public sealed class EvaluationFile
{
    private EvaluationFile()
    {
        FileName = ContentType = Sha256 = UploadedById = PublicId = string.Empty;
        Content = [];
    }

    public EvaluationFile(int roundId, EvaluationFileOwner owner, long? ownerId, int? unitId, string? milestone, InspectedFile file, string uploadedById, DateTime uploadedAtUtc)
    {
        Complaint.EnsureUtc(uploadedAtUtc);
        PublicId = Common.FileIds.New();
        RoundId = roundId;
        Owner = owner;
        OwnerId = ownerId;
        UnitId = unitId;
        Milestone = milestone;
        FileName = file.FileName;
        ContentType = file.Kind.ContentType;
        SizeBytes = file.Content.Length;
        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Content));
        Content = file.Content;
        UploadedById = uploadedById;
        UploadedAtUtc = uploadedAtUtc;
    }

    public long Id { get; private set; }

    /// <summary>The id downloads and the API show (<see cref="Common.FileIds"/>): random, never the sequence of <see cref="Id"/>.</summary>
    public string PublicId { get; private set; }

    public int RoundId { get; private set; }

    public EvaluationFileOwner Owner { get; private set; }

    /// <summary>The inspection or deduction id; null for a self-evaluation document.</summary>
    public long? OwnerId { get; private set; }

    public int? UnitId { get; private set; }

    /// <summary>implementation-plan / self-evaluation-report, for self-evaluation documents.</summary>
    public string? Milestone { get; private set; }

    public string FileName { get; private set; }

    public string ContentType { get; private set; }

    public long SizeBytes { get; private set; }

    public string Sha256 { get; private set; }

    public byte[] Content { get; private set; }

    public string UploadedById { get; private set; }

    public DateTime UploadedAtUtc { get; private set; }
}
