namespace PingYi.Web.Infrastructure;

/// <summary>
/// The check every spreadsheet import runs before parsing: an xlsx is a zip, and a file under the upload limit can
/// inflate to a sheet of millions of rows that a reader would turn into hundreds of megabytes of objects. Each
/// part is inflated once without being kept, its real size counted (<see cref="BoundedZip"/>); the readers then
/// stop at <c>MaxRows + 1</c>. CSV is read as it comes, so the upload limit bounds it.
/// </summary>
public static class SpreadsheetLimits
{
    /// <summary>Bytes one part (a worksheet, the shared strings) may inflate to: 2,000 full rows take well under 2 MB.</summary>
    public const long MaxPartBytes = 8L * 1024 * 1024;

    public const long MaxTotalBytes = 24L * 1024 * 1024;

    public const int MaxEntries = 200;

    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(10);

    /// <summary>A 400 naming the limit, or null when the file is within them (or is not a zip at all: the reader says so).</summary>
    public static RequestFailure? Check(byte[] content, int maxRows, string field = "file")
    {
        if (content.Length < 4 || content[0] != 0x50 || content[1] != 0x4B)
        {
            return null;
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeBudget);
            using var zip = BoundedZip.Open(content, MaxEntries);
            var bounded = new BoundedZip(MaxTotalBytes, timeout.Token);
            foreach (var entry in zip.Entries)
            {
                bounded.Drain(entry, MaxPartBytes);
            }
        }
        catch (ZipLimitException e)
        {
            return RequestFailure.Invalid("表格过大", field,
                $"{e.Reason}：每个工作表解压后不能超过 {MaxPartBytes / 1024 / 1024} MB，一次最多导入 {maxRows} 行。请拆分后分批导入。");
        }
        catch (InvalidDataException)
        {
            // Not a readable zip: the spreadsheet reader refuses it with its own message.
        }
        return null;
    }
}
