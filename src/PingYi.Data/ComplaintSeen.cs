namespace PingYi.Data;

/// <summary>
/// When a staff user last opened a complaint (its page or its API view): the staff list flags a case whose
/// complainant added a supplement after that moment (新补充). One row per user and complaint, overwritten on
/// each look; it records nothing about the complainant, only the staff user's own reading.
/// </summary>
public sealed class ComplaintSeen
{
    private ComplaintSeen()
    {
        UserId = string.Empty;
    }

    public ComplaintSeen(string userId, long complaintId, DateTime seenAtUtc)
    {
        UserId = userId;
        ComplaintId = complaintId;
        SeenAtUtc = seenAtUtc;
    }

    public string UserId { get; private set; }

    public long ComplaintId { get; private set; }

    public DateTime SeenAtUtc { get; private set; }

    /// <summary>Only forwards: a late, concurrent request with an older clock reading does not un-see a supplement.</summary>
    public void Seen(DateTime atUtc)
    {
        if (atUtc > SeenAtUtc)
        {
            SeenAtUtc = atUtc;
        }
    }
}
