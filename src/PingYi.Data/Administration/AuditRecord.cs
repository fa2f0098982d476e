namespace PingYi.Data.Administration;

/// <summary>
/// One administrative change (a unit, an account, a role, a calendar, a job run, a password reset): who,
/// when, what and the state before and after as JSON. Append-only: nothing updates or deletes a row.
/// Never holds a password, a hash or a token.
/// </summary>
public sealed class AuditRecord
{
    private AuditRecord()
    {
        ActorId = ActorName = Kind = Target = string.Empty;
    }

    public AuditRecord(DateTime atUtc, string actorId, string actorName, string kind, string target, string? before, string? after)
    {
        AtUtc = atUtc;
        ActorId = actorId;
        ActorName = actorName;
        Kind = kind;
        Target = target;
        Before = before;
        After = after;
    }

    public long Id { get; private set; }

    public DateTime AtUtc { get; private set; }

    /// <summary>The account id, or <c>system</c> for start-up and jobs.</summary>
    public string ActorId { get; private set; }

    /// <summary>The actor's e-mail at the time, so the record reads well after the account is renamed.</summary>
    public string ActorName { get; private set; }

    /// <summary>What happened, e.g. <c>unit.created</c>, <c>user.disabled</c> (see <c>AuditKinds</c>).</summary>
    public string Kind { get; private set; }

    /// <summary>What it happened to: a unit code, an account e-mail, a year.</summary>
    public string Target { get; private set; }

    public string? Before { get; private set; }

    public string? After { get; private set; }
}

/// <summary>A former password hash of an account, so that the last few are not chosen again.</summary>
public sealed class PasswordHistoryEntry
{
    private PasswordHistoryEntry()
    {
        UserId = PasswordHash = string.Empty;
    }

    public PasswordHistoryEntry(string userId, string passwordHash, DateTime createdAtUtc)
    {
        UserId = userId;
        PasswordHash = passwordHash;
        CreatedAtUtc = createdAtUtc;
    }

    public long Id { get; private set; }

    public string UserId { get; private set; }

    public string PasswordHash { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }
}

/// <summary>
/// The sign-in rules an administrator sets at run time (one row, id 1; no row means the defaults). Kept in the
/// database rather than in settings so that every node applies a change at once and the change is audited.
/// </summary>
public sealed class SecurityPolicy
{
    public const int SingletonId = 1;

    public int Id { get; private set; } = SingletonId;

    /// <summary>Supervisors and administrators must sign in with an authenticator code; without one enrolled they can only enrol.</summary>
    public bool RequireTwoFactorForSupervisors { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}
