using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Processing;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>Photos: re-encoded from their pixels, upright, with no EXIF, XMP, IPTC, ICC or PNG text.</summary>
public static partial class EvidenceSanitizer
{
    private static byte[]? CleanImage(byte[] content, bool png)
    {
        var info = Image.Identify(content);
        if (info is null || (long)info.Width * info.Height > MaxPixels)
        {
            return null;
        }
        using var image = Image.Load(content);
        // Turn the pixels upright before the EXIF orientation tag goes with the rest of the EXIF.
        image.Mutate(x => x.AutoOrient());
        image.Metadata.ExifProfile = null;
        image.Metadata.XmpProfile = null;
        image.Metadata.IptcProfile = null;
        image.Metadata.IccProfile = null;
        foreach (var frame in image.Frames)
        {
            frame.Metadata.ExifProfile = null;
            frame.Metadata.XmpProfile = null;
            frame.Metadata.IptcProfile = null;
            frame.Metadata.IccProfile = null;
        }
        using var output = new MemoryStream();
        if (png)
        {
            image.Metadata.GetPngMetadata().TextData.Clear();
            image.Save(output, new PngEncoder { IgnoreMetadata = true });
        }
        else
        {
            image.Save(output, new JpegEncoder { Quality = 90 });
        }
        return output.ToArray();
    }
}
