using System.Security.Cryptography;

namespace PingYi.Domain.Common;

/// <summary>
/// The public id of a stored file: 128 random bits as 32 lower-case hex characters. Every download URL and API field
/// uses it, never the table's key, which is a global sequence (one file's id would tell how many files came before
/// and between, and the next id could be guessed). Rows stored before it got theirs in the migration.
/// </summary>
public static class FileIds
{
    public const int Length = 32;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    /// <summary>Whether <paramref name="id"/> can be a public file id (a numeric table key cannot).</summary>
    public static bool IsWellFormed(string? id) => id is { Length: Length } && id.All(char.IsAsciiHexDigitLower);
}
