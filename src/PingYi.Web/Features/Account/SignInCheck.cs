using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Administration;
using PingYi.Data.Identity;

namespace PingYi.Web.Features.Account;

/// <summary>What a sign-in step found. The page and the API turn each into the same answer for every caller.</summary>
public enum SignInOutcome
{
    /// <summary>Wrong password, unknown account, disabled account or locked-out account: deliberately one answer.</summary>
    Failed,

    /// <summary>The password was right and the account has an authenticator: the 6-digit code is the second step.</summary>
    CodeRequired,

    /// <summary>The password was right but the authenticator (or recovery) code was not.</summary>
    CodeInvalid,

    /// <summary>Signed in, but two-factor is required for this account's role and it has not enrolled: enrolment only.</summary>
    MustEnrol,

    Succeeded,
}

/// <summary>
/// The sign-in rules the page and <c>POST /api/v1/auth/login</c> share (finding 6). Every failure kind costs one
/// password hash (an unknown account is checked against a dummy hash), so neither the answer nor its timing tells
/// whether an account exists, is disabled or is locked. Wrong passwords and wrong codes count towards Identity's
/// lockout; a locked account answers exactly like a wrong password until the lockout ends.
/// </summary>
public sealed class SignInCheck(UserManager<StaffUser> users, PingYiDbContext db, DummyPasswordHash dummy, TimeProvider time)
{
    /// <summary>
    /// Puts a successful sign-in on the audit log as its own kind. The request's user is not yet the account, so the
    /// actor is named from the account itself. <paramref name="channel"/> is <c>page</c> or <c>api</c>.
    /// </summary>
    public async Task RecordSignInAsync(StaffUser user, string channel, bool multiFactor)
    {
        db.AuditRecords.Add(new AuditRecord(time.GetUtcNow().UtcDateTime, user.Id, user.Email ?? user.Id,
            PingYi.Web.Features.Administration.AuditKinds.SignedIn, user.Email ?? user.Id, null,
            System.Text.Json.JsonSerializer.Serialize(new { channel, multiFactor }, PingYi.Web.Features.Administration.AuditLog.Json)));
        await db.SaveChangesAsync();
    }

    public async Task<(SignInOutcome Outcome, StaffUser? User)> CheckPasswordAsync(string? email, string? password)
    {
        password ??= string.Empty;
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            dummy.Verify(password);
            return (SignInOutcome.Failed, null);
        }
        // Hash first, whatever the account's state, so that a disabled or locked account takes as long as any other.
        var passwordOk = await users.CheckPasswordAsync(user, password);
        await SettleAsync(user);
        if (user.Disabled || await users.IsLockedOutAsync(user))
        {
            return (SignInOutcome.Failed, null);
        }
        if (!passwordOk)
        {
            await CountFailureAsync(user);
            return (SignInOutcome.Failed, null);
        }
        if (user.TwoFactorEnabled)
        {
            return (SignInOutcome.CodeRequired, user);
        }
        await users.ResetAccessFailedCountAsync(user);
        await SettleAsync(user);
        return (await MustEnrolAsync(user) ? SignInOutcome.MustEnrol : SignInOutcome.Succeeded, user);
    }

    /// <summary>
    /// The second step: a 6-digit authenticator code (spaces and dashes ignored) or one of the recovery codes.
    /// A wrong code counts towards the lockout like a wrong password, so 10⁶ codes cannot be walked through.
    /// </summary>
    public async Task<SignInOutcome> CheckCodeAsync(StaffUser user, string? totpCode, string? recoveryCode)
    {
        if (user.Disabled || await users.IsLockedOutAsync(user))
        {
            return SignInOutcome.Failed;
        }
        var ok = false;
        if (Normalize(totpCode) is { Length: > 0 } code)
        {
            ok = code.Length == 6 && code.All(char.IsAsciiDigit)
                 && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code);
        }
        else if (recoveryCode?.Trim().ToUpperInvariant() is { Length: > 0 } recovery)
        {
            // Recovery codes are stored as issued (XXXXX-XXXXX), so only the case and the outer spaces are forgiven.
            ok = (await users.RedeemTwoFactorRecoveryCodeAsync(user, recovery)).Succeeded;
        }
        if (!ok)
        {
            await CountFailureAsync(user);
            return await users.IsLockedOutAsync(user) ? SignInOutcome.Failed : SignInOutcome.CodeInvalid;
        }
        await users.ResetAccessFailedCountAsync(user);
        await SettleAsync(user);
        return SignInOutcome.Succeeded;
    }

    /// <summary>
    /// Identity saves the account through this request's context and reports a save that lost to another request's
    /// (the account's concurrency stamp) as a failed result, leaving the account modified in the context, where the
    /// next save (the audit record) would fail on it. A password check that upgraded the hash to a higher cost loses
    /// that way when two sign-ins of one account upgrade at once: the other stored an equally valid hash, so the
    /// account is read again.
    /// </summary>
    private async Task SettleAsync(StaffUser user)
    {
        if (db.Entry(user).State != EntityState.Unchanged)
        {
            await db.Entry(user).ReloadAsync();
        }
    }

    /// <summary>
    /// Counts a wrong password or code towards the lockout. Concurrent wrong attempts each count: a count that lost to
    /// another attempt's is taken again on the account as it now stands, so parallel guessing cannot go past the limit.
    /// </summary>
    private async Task CountFailureAsync(StaffUser user)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if ((await users.AccessFailedAsync(user)).Succeeded)
            {
                return;
            }
            await db.Entry(user).ReloadAsync();
        }
    }

    /// <summary>Whether an administrator requires two-factor for this account's roles and it has none yet.</summary>
    public async Task<bool> MustEnrolAsync(StaffUser user)
    {
        if (user.TwoFactorEnabled)
        {
            return false;
        }
        var required = await db.SecurityPolicies.AsNoTracking().AnyAsync(p => p.Id == SecurityPolicy.SingletonId && p.RequireTwoFactorForSupervisors);
        if (!required)
        {
            return false;
        }
        var roles = await users.GetRolesAsync(user);
        return TwoFactorRoles.Any(roles.Contains);
    }

    /// <summary>The roles an administrator's two-factor requirement applies to.</summary>
    public static readonly IReadOnlyList<string> TwoFactorRoles = [StaffRoles.Supervisor, StaffRoles.Admin];

    private static string? Normalize(string? code) => code?.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).Trim();
}

/// <summary>
/// A hash of a random password, made once with the app's own hasher (same algorithm and iteration count), that
/// an unknown account's password is verified against: the answer is always "no", and it takes as long as a real
/// check. Scoped like Identity's hasher; the hash itself is made once per process and iteration count (a process
/// hosting several apps, as the tests do, may give them different costs).
/// </summary>
public sealed class DummyPasswordHash(IPasswordHasher<StaffUser> hasher, Microsoft.Extensions.Options.IOptions<PasswordHasherOptions> options)
{
    private static readonly StaffUser Nobody = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> Hashes = new();

    public void Verify(string password)
    {
        var hash = Hashes.GetOrAdd(options.Value.IterationCount,
            _ => hasher.HashPassword(Nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));
        hasher.VerifyHashedPassword(Nobody, hash, password);
    }
}
