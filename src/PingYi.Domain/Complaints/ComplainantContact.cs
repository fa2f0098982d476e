namespace PingYi.Domain.Complaints;

/// <summary>
/// A named complainant's identity, kept in its own table so that no query a unit's handler can
/// reach joins it by accident. Only supervisors read it, and each read is logged.
/// </summary>
public sealed class ComplainantContact
{
    private ComplainantContact()
    {
        Name = string.Empty;
    }

    /// <summary>The contact of a complaint being lodged: saved with it in one go.</summary>
    public ComplainantContact(Complaint complaint, ContactDetails details)
    {
        Complaint = complaint;
        Name = details.Name;
        Phone = details.Phone;
        Email = details.Email;
    }

    // Only so that a new contact can be saved together with its new complaint; never navigated.
    private Complaint? Complaint { get; set; }

    public long ComplaintId { get; private set; }

    public string Name { get; private set; }

    public string? Phone { get; private set; }

    public string? Email { get; private set; }
}

public sealed record ContactDetails(string Name, string? Phone, string? Email);
