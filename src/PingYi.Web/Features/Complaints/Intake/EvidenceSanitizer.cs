using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>Why a file was not cleaned: unreadable (422), over a size or time limit (400), or the cleaners all busy (503).</summary>
public enum CleanFailure
{
    None,
    Unreadable,
    OverLimit,
    Busy,
}

/// <summary>The cleaned bytes, or why there are none (<see cref="Reason"/> in Chinese for <see cref="CleanFailure.OverLimit"/>).</summary>
public sealed record CleanOutcome(byte[]? Content, CleanFailure Failure = CleanFailure.None, string? Reason = null);

/// <summary>
/// Rebuilds a file from what evidence needs before it is stored, so that nothing the complainant's software wrote
/// about them survives: a photo is re-encoded from its pixels (no EXIF, XMP, IPTC, ICC, PNG text); a Word document is
/// rebuilt from an allow-list of parts (body, styles, numbering, foot/endnotes, JPEG/PNG media) with relationships
/// and content types written anew; a PDF's pages are copied with only their content and resources. The unit a
/// complaint is about reads the evidence, and any of the rest could name the complainant (see docs/security.md).
/// Packages are read under limits counted on inflated bytes, one part at a time, with streaming XML.
/// </summary>
public static partial class EvidenceSanitizer
{
    /// <summary>A photo larger than this (in pixels) is refused: decoding it would take gigabytes of memory.</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>Bytes a Word package may inflate to in all, counted as they are inflated (never as declared).</summary>
    public const long MaxUnpackedBytes = 64L * 1024 * 1024;

    /// <summary>Bytes one XML part of a Word package may inflate to; a long report's body is well under 2 MB.</summary>
    public const long MaxXmlPartBytes = 8L * 1024 * 1024;

    /// <summary>Bytes one image inside a Word package may inflate to (the upload limit of a photo).</summary>
    public const long MaxMediaBytes = Attachment.MaxBytes;

    public const int MaxPackageEntries = 2000;

    /// <summary>Element nesting beyond this is refused: real documents stay under 50, and depth costs memory in both reader and writer.</summary>
    public const int MaxXmlDepth = 256;

    public const int MaxPdfPages = 500;

    /// <summary>Wall-clock time one file may take to clean (a protection of the server, not a business time).</summary>
    public static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(20);

    /// <summary>How long an upload waits for a free cleaner before the request is answered 503.</summary>
    public static readonly TimeSpan QueueWait = TimeSpan.FromSeconds(30);

    // A bounded number of files are cleaned at once, so that memory and CPU stay bounded however many
    // anonymous uploads arrive together; the rest wait their turn (up to QueueWait).
    private static readonly SemaphoreSlim Cleaners = new(Math.Max(1, Environment.ProcessorCount));

    public static async Task<CleanOutcome> CleanAsync(FileKind kind, byte[] content, CancellationToken ct)
    {
        if (!await Cleaners.WaitAsync(QueueWait, ct))
        {
            return new CleanOutcome(null, CleanFailure.Busy);
        }
        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
            budget.CancelAfter(TimeBudget);
            return Clean(kind, content, budget.Token);
        }
        finally
        {
            Cleaners.Release();
        }
    }

    private static CleanOutcome Clean(FileKind kind, byte[] content, CancellationToken ct)
    {
        try
        {
            byte[]? cleaned = null;
            if (kind == FileInspector.Jpeg || kind == FileInspector.Png)
            {
                cleaned = CleanImage(content, kind == FileInspector.Png);
            }
            else if (kind == FileInspector.Docx)
            {
                cleaned = CleanDocx(content, ct);
            }
            else if (kind == FileInspector.Pdf)
            {
                cleaned = CleanPdf(content, ct);
            }
            return cleaned is null ? new CleanOutcome(null, CleanFailure.Unreadable) : new CleanOutcome(cleaned);
        }
        catch (ZipLimitException e)
        {
            return new CleanOutcome(null, CleanFailure.OverLimit, e.Reason);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new CleanOutcome(null, CleanFailure.OverLimit, "处理超时");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A malformed file is refused rather than stored with whatever it carries.
            return new CleanOutcome(null, CleanFailure.Unreadable);
        }
    }
}
