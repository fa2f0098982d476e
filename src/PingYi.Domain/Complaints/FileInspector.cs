using System.IO.Compression;
using System.Text;

namespace PingYi.Domain.Complaints;

public sealed record FileKind(string Extension, string ContentType);

/// <summary>A file whose content was recognised as an accepted kind.</summary>
public sealed record InspectedFile(string FileName, FileKind Kind, byte[] Content);

/// <summary>
/// Recognises evidence files by their content, never by their name or the type the client claims:
/// JPEG, PNG, PDF, and Word (.docx, a ZIP package holding <c>word/document.xml</c>).
/// </summary>
public static class FileInspector
{
    public static readonly FileKind Jpeg = new("jpg", "image/jpeg");
    public static readonly FileKind Png = new("png", "image/png");
    public static readonly FileKind Pdf = new("pdf", "application/pdf");
    public static readonly FileKind Docx = new("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

    public const string AcceptedForMessage = "JPG、PNG、PDF、DOCX";

    public static FileKind? Recognise(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }
        if (content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }
        if (content.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }
        if (content.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]) && IsWordPackage(content.ToArray()))
        {
            return Docx;
        }
        return null;
    }

    /// <summary>A safe display name: the client's base name without path or control characters, with the extension of the real kind.</summary>
    public static string SafeFileName(string? clientName, FileKind kind)
    {
        var name = Path.GetFileNameWithoutExtension((clientName ?? string.Empty).Replace('\\', '/').Split('/')[^1]);
        var sb = new StringBuilder();
        foreach (var c in name)
        {
            if (!char.IsControl(c) && c is not ('"' or '<' or '>' or '|' or ':' or '*' or '?'))
            {
                sb.Append(c);
            }
        }
        var stem = sb.ToString().Trim();
        if (stem.Length == 0)
        {
            stem = "附件";
        }
        if (stem.Length > 80)
        {
            stem = stem[..80];
        }
        return $"{stem}.{kind.Extension}";
    }

    private static bool IsWordPackage(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            return zip.GetEntry("word/document.xml") is not null && zip.GetEntry("[Content_Types].xml") is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
