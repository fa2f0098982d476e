namespace PingYi.Domain.Complaints;

/// <summary>Why a file is on a case: the complainant's evidence, or the unit's signed reply letter.</summary>
public enum AttachmentPurpose
{
    Evidence = 0,
    /// <summary>答复函: uploaded by the unit with its response; the complainant may download it once a supervisor approves.</summary>
    ReplyLetter = 1,
}

/// <summary>Evidence a complainant uploads (or a unit's reply letter). The bytes live in the database, beside the case.</summary>
public sealed class Attachment
{
    public const int MaxPerComplaint = 5;
    public const long MaxBytes = 10 * 1024 * 1024;

    /// <summary>What a unit handler sees instead of the complainant's own file name: 证据1.jpg, 证据2.pdf …</summary>
    public static string NeutralName(int number, FileKind kind) => $"证据{number}.{kind.Extension}";

    private Attachment()
    {
        FileName = ContentType = Sha256 = PublicId = string.Empty;
        Content = [];
    }

    /// <summary>Evidence that comes with a complaint being lodged: saved with it in one go.</summary>
    public Attachment(Complaint complaint, int number, InspectedFile file, DateTime uploadedAtUtc)
        : this(number, file, uploadedAtUtc)
    {
        Owner = complaint;
    }

    /// <summary>Evidence added later, with a supplement.</summary>
    public Attachment(long complaintId, long? eventId, int number, InspectedFile file, DateTime uploadedAtUtc)
        : this(number, file, uploadedAtUtc)
    {
        ComplaintId = complaintId;
        EventId = eventId;
    }

    /// <summary>
    /// The unit's signed reply letter (答复函), kept with the respond event it came with. It is the unit's own
    /// document, so it carries a fixed name and no "original name" (that column is the complainant's).
    /// </summary>
    public static Attachment ReplyLetter(long complaintId, long respondEventId, InspectedFile file, DateTime uploadedAtUtc) =>
        new(complaintId, respondEventId, 0, file, uploadedAtUtc)
        {
            Purpose = AttachmentPurpose.ReplyLetter,
            FileName = $"答复函.{file.Kind.Extension}",
            OriginalFileName = null,
        };

    private Attachment(int number, InspectedFile file, DateTime uploadedAtUtc)
    {
        Complaint.EnsureUtc(uploadedAtUtc);
        PublicId = Common.FileIds.New();
        FileName = NeutralName(number, file.Kind);
        OriginalFileName = file.FileName;
        ContentType = file.Kind.ContentType;
        SizeBytes = file.Content.Length;
        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Content));
        Content = file.Content;
        UploadedAtUtc = uploadedAtUtc;
    }

    public long Id { get; private set; }

    /// <summary>The id downloads and the API show (<see cref="Common.FileIds"/>): random, never the sequence of <see cref="Id"/>.</summary>
    public string PublicId { get; private set; }

    /// <summary>Evidence counts towards the complainant's per-case caps and shows in their file list; a reply letter does neither.</summary>
    public AttachmentPurpose Purpose { get; private set; }

    public long ComplaintId { get; private set; }

    /// <summary>The supplement event it came with; null when it came with the complaint.</summary>
    public long? EventId { get; private set; }

    /// <summary>The neutral name everyone may see (证据1.jpg): a complainant's own file name can name them.</summary>
    public string FileName { get; private set; }

    /// <summary>The name the complainant gave the file; supervisors only, erased with the contact details after the retention period.</summary>
    public string? OriginalFileName { get; private set; }

    /// <summary>Derived from the content, never from what the client claimed.</summary>
    public string ContentType { get; private set; }

    public long SizeBytes { get; private set; }

    public string Sha256 { get; private set; }

    public byte[] Content { get; private set; }

    public DateTime UploadedAtUtc { get; private set; }

    /// <summary>The file cleaned again by a stricter cleaner (files stored before it): the old bytes are replaced, not kept.</summary>
    public void ReplaceContent(byte[] cleaned)
    {
        SizeBytes = cleaned.Length;
        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cleaned));
        Content = cleaned;
    }

    /// <summary>The retention period is over: the complainant's own file name goes (the cleaned content stays as evidence).</summary>
    public void EraseOriginalName() => OriginalFileName = null;

    // Only so that new evidence can be saved together with its new complaint; never navigated.
    private Complaint? Owner { get; set; }
}
