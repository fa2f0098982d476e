using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using PingYi.Data.Identity;

namespace PingYi.Web.Features.Account;

/// <summary>
/// The authenticator (RFC 6238 TOTP) token provider, with each code usable once: Identity's own provider accepts
/// a code as often as it likes within its window, so a code seen over a shoulder or in a proxy log could be
/// replayed. This one remembers the last time step accepted for each account (an Identity user token, so no
/// schema of our own) and refuses that step and every earlier one (RFC 6238 §5.2). Steps are counted on the
/// app's <see cref="TimeProvider"/>; codes up to three steps (90 s) either side of now are accepted, as before.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider(TimeProvider time) : IUserTwoFactorTokenProvider<StaffUser>
{
    public const string Name = "PingYiAuthenticator";

    /// <summary>Where the last accepted step is kept (AspNetUserTokens: login provider and token name).</summary>
    public const string StoreProvider = "[PingYi]";
    public const string LastStepToken = "AuthenticatorLastStep";

    private const int DriftSteps = 3;

    public Task<string> GenerateAsync(string purpose, UserManager<StaffUser> manager, StaffUser user) =>
        // Codes come from the phone; the server never sends one.
        Task.FromResult(string.Empty);

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<StaffUser> manager, StaffUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffUser> manager, StaffUser user)
    {
        if (token.Length != 6 || !token.All(char.IsAsciiDigit))
        {
            return false;
        }
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || Base32Decode(key) is not { Length: > 0 } secret)
        {
            return false;
        }
        var now = time.GetUtcNow().ToUnixTimeSeconds() / 30;
        long? matched = null;
        // The latest matching step wins, so a code is never taken for an earlier, already-used one by accident.
        for (var step = now + DriftSteps; step >= now - DriftSteps; step--)
        {
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Code(secret, step)), System.Text.Encoding.ASCII.GetBytes(token)))
            {
                matched = step;
                break;
            }
        }
        if (matched is not { } accepted)
        {
            return false;
        }
        var last = long.TryParse(await manager.GetAuthenticationTokenAsync(user, StoreProvider, LastStepToken), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : (long?)null;
        if (last is { } used && accepted <= used)
        {
            return false;
        }
        // Saving goes through the user's concurrency stamp: of two requests racing with the same code, one fails here.
        var saved = await manager.SetAuthenticationTokenAsync(user, StoreProvider, LastStepToken, accepted.ToString(CultureInfo.InvariantCulture));
        return saved.Succeeded;
    }

    private static string Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238 authenticator apps use HMAC-SHA1; this must compute what the phone computes.
        var hash = HMACSHA1.HashData(secret, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    private static byte[]? Base32Decode(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text.ToUpperInvariant())
        {
            if (c is ' ' or '=')
            {
                continue;
            }
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)((buffer >> (bits - 8)) & 0xff));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
