namespace PingYi.Data;

/// <summary>
/// A saved view of the complaint list (issue 24 §3): a staff user's own name for a set of filters and a sort, kept as
/// the list's query string (only its known parameters), opened as a link. Private to the account.
/// </summary>
public sealed class SavedListView
{
    private SavedListView()
    {
        UserId = Name = Query = string.Empty;
    }

    public SavedListView(string userId, string name, string query, DateTime createdAtUtc)
    {
        UserId = userId;
        Name = name;
        Query = query;
        CreatedAtUtc = createdAtUtc;
    }

    public int Id { get; private set; }

    public string UserId { get; private set; }

    public string Name { get; private set; }

    /// <summary>The list's query string, starting with <c>?</c> (empty: the unfiltered list).</summary>
    public string Query { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }
}
