using System.Security.Cryptography;
using System.Text;
using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

/// <summary>
/// 一事一评: a batch of one-time evaluation codes a unit's window hands out with each service. The codes are shown
/// once, when the batch is made; only their hashes are stored (<see cref="SurveyCode"/>).
/// </summary>
public sealed class SurveyCodeBatch
{
    public const int MaxCount = 500;
    public const int NonceLength = 32;

    private SurveyCodeBatch()
    {
        Source = CreatedById = Nonce = string.Empty;
    }

    public SurveyCodeBatch(int roundId, int unitId, string source, int count, DateTime expiresAtUtc, string createdById, DateTime createdAtUtc, string nonce)
    {
        Complaint.EnsureUtc(expiresAtUtc);
        Complaint.EnsureUtc(createdAtUtc);
        if (count is < 1 or > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A batch holds 1–{MaxCount} codes.");
        }
        RoundId = roundId;
        UnitId = unitId;
        Source = source;
        Count = count;
        ExpiresAtUtc = expiresAtUtc;
        CreatedById = createdById;
        CreatedAtUtc = createdAtUtc;
        Nonce = nonce;
    }

    public long Id { get; private set; }

    public int RoundId { get; private set; }

    public int UnitId { get; private set; }

    /// <summary>The source the codes answer (service-hall).</summary>
    public string Source { get; private set; }

    public int Count { get; private set; }

    public DateTime ExpiresAtUtc { get; private set; }

    public string CreatedById { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }

    /// <summary>
    /// The generating form's one-time token, unique: the same form posted again (a reload, a back button) finds the
    /// batch already made and shows no codes a second time.
    /// </summary>
    public string Nonce { get; private set; }
}

/// <summary>One evaluation code of a batch: its SHA-256 only, good for one answer about one unit until it expires.</summary>
public sealed class SurveyCode
{
    private SurveyCode()
    {
        Hash = string.Empty;
    }

    public SurveyCode(SurveyCodeBatch batch, string hash)
    {
        Batch = batch;
        RoundId = batch.RoundId;
        UnitId = batch.UnitId;
        Hash = hash;
        ExpiresAtUtc = batch.ExpiresAtUtc;
    }

    public long Id { get; private set; }

    public long BatchId { get; private set; }

    public SurveyCodeBatch? Batch { get; private set; }

    public int RoundId { get; private set; }

    public int UnitId { get; private set; }

    /// <summary>Lower-case hex SHA-256 of the normalised code (<see cref="SurveyCodeFormat.Hash"/>).</summary>
    public string Hash { get; private set; }

    public DateTime ExpiresAtUtc { get; private set; }

    /// <summary>Set when the code's answer was saved; a used code answers nothing more.</summary>
    public DateTime? UsedAtUtc { get; private set; }

    public long? ResponseId { get; private set; }
}

/// <summary>
/// The shape of an evaluation code: 12 characters of a 32-letter alphabet without 0/O and 1/I (60 random bits),
/// printed as <c>ABCD-EFGH-JKMN</c>. Typed codes are upper-cased and their dashes and spaces dropped.
/// </summary>
public static class SurveyCodeFormat
{
    public const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    public const int Length = 12;

    public static string Generate()
    {
        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        return new string(chars);
    }

    /// <summary>ABCD-EFGH-JKMN, for print.</summary>
    public static string Display(string code) => $"{code[..4]}-{code[4..8]}-{code[8..]}";

    /// <summary>The canonical code, or null when <paramref name="typed"/> cannot be one.</summary>
    public static string? Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed) || typed.Length > 40)
        {
            return null;
        }
        var sb = new StringBuilder(Length);
        foreach (var c in typed)
        {
            if (c is '-' or ' ')
            {
                continue;
            }
            var u = char.ToUpperInvariant(c);
            if (!Alphabet.Contains(u, StringComparison.Ordinal))
            {
                return null;
            }
            sb.Append(u);
        }
        return sb.Length == Length ? sb.ToString() : null;
    }

    /// <summary>
    /// A plain SHA-256 suffices: a code carries 60 random bits (not a password a person chose), so the stored hash
    /// cannot be searched back to the code, and lookups by hash stay an index seek.
    /// </summary>
    public static string Hash(string normalized) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(normalized)));
}
