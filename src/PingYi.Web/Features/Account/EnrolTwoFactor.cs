using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Web.Features.Administration;

namespace PingYi.Web.Features.Account;

/// <summary>
/// Turns on the authenticator for an account whose code was verified: audited, the security stamp renewed (every
/// other session ends) and ten new recovery codes issued, returned once.
/// </summary>
public static class EnrolTwoFactor
{
    public sealed class Handler(UserManager<StaffUser> users, AuditLog audit, PingYiDbContext db)
    {
        public async Task<IReadOnlyList<string>> EnableAsync(ClaimsPrincipal actor, StaffUser user, int recoveryCodes)
        {
            audit.Record(actor, AuditKinds.TwoFactorEnabled, user.Email ?? user.Id, null, new { twoFactor = true });
            // Enabling renews the security stamp: every other session of the account ends.
            await users.SetTwoFactorEnabledAsync(user, true);
            var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, recoveryCodes))?.ToList() ?? [];
            await db.SaveChangesAsync();
            return codes;
        }
    }
}
