using System.Security.Cryptography;
using System.Text;

namespace PingYi.Domain.Complaints;

/// <summary>
/// 查询码: the secret a complainant gets once, together with the tracking number.
/// Twelve characters from an alphabet without look-alikes (no 0/O, 1/I/L) give about 59 bits,
/// far beyond what a rate-limited lookup can guess. Because the code is random and long, a salted
/// SHA-256 is the right hash (as for API tokens); a slow password hash would only cost intake time.
/// </summary>
public static class AccessCode
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int Length = 12;
    private const string Scheme = "s256";
    private const int SaltBytes = 16;

    public static string Generate() => new(RandomNumberGenerator.GetItems<char>(Alphabet, Length));

    /// <summary>Groups of four for display: <c>ABCD-EFGH-JKMN</c>.</summary>
    public static string Display(string code) =>
        string.Join('-', Enumerable.Range(0, (code.Length + 3) / 4).Select(i => code.Substring(i * 4, Math.Min(4, code.Length - i * 4))));

    /// <summary>Upper-cases and drops separators, so "abcd-efgh jkmn" matches.</summary>
    public static string Normalize(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return string.Empty;
        }
        var sb = new StringBuilder(input.Length);
        foreach (var c in input)
        {
            if (c is '-' or ' ' or '－' or '\t')
            {
                continue;
            }
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }

    public static string Hash(string code)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return $"{Scheme}${Convert.ToBase64String(salt)}${Convert.ToBase64String(Digest(salt, Normalize(code)))}";
    }

    public static bool Verify(string? code, string? stored)
    {
        if (string.IsNullOrEmpty(code) || string.IsNullOrEmpty(stored))
        {
            return false;
        }
        var parts = stored.Split('$');
        if (parts.Length != 3 || parts[0] != Scheme)
        {
            return false;
        }
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[1]);
            expected = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }
        var normalized = Normalize(code);
        if (normalized.Length > 64)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Digest(salt, normalized), expected);
    }

    private static byte[] Digest(byte[] salt, string normalizedCode)
    {
        var codeBytes = Encoding.UTF8.GetBytes(normalizedCode);
        var input = new byte[salt.Length + codeBytes.Length];
        salt.CopyTo(input, 0);
        codeBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }
}
