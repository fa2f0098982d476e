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

    public ComplainantContact(long complaintId, ContactDetails details)
    {
        ComplaintId = complaintId;
        Name = details.Name;
        Phone = details.Phone;
        Email = details.Email;
    }

    public long ComplaintId { get; private set; }

    public string Name { get; private set; }

    public string? Phone { get; private set; }

    public string? Email { get; private set; }
}

public sealed record ContactDetails(string Name, string? Phone, string? Email);
