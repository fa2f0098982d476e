namespace PingYi.Domain.Complaints;

/// <summary>Evidence a complainant uploads. The bytes live in the database, beside the case.</summary>
public sealed class Attachment
{
    public const int MaxPerComplaint = 5;
    public const long MaxBytes = 10 * 1024 * 1024;

    private Attachment()
    {
        FileName = ContentType = Sha256 = string.Empty;
        Content = [];
    }

    public Attachment(long complaintId, long? eventId, InspectedFile file, DateTime uploadedAtUtc)
    {
        Complaint.EnsureUtc(uploadedAtUtc);
        ComplaintId = complaintId;
        EventId = eventId;
        FileName = file.FileName;
        ContentType = file.Kind.ContentType;
        SizeBytes = file.Content.Length;
        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Content));
        Content = file.Content;
        UploadedAtUtc = uploadedAtUtc;
    }

    public long Id { get; private set; }

    public long ComplaintId { get; private set; }

    /// <summary>The supplement event it came with; null when it came with the complaint.</summary>
    public long? EventId { get; private set; }

    public string FileName { get; private set; }

    /// <summary>Derived from the content, never from what the client claimed.</summary>
    public string ContentType { get; private set; }

    public long SizeBytes { get; private set; }

    public string Sha256 { get; private set; }

    public byte[] Content { get; private set; }

    public DateTime UploadedAtUtc { get; private set; }
}
