using System.IO.Compression;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Reads a zip package (DOCX, XLSX) under limits counted on the bytes actually inflated, never on the sizes the
/// archive declares: a 154 KB file can declare 1 KB and inflate to gigabytes. Every read checks the part's cap,
/// the package's total, the part's declared size (a part that inflates to more or less than it declares is a
/// lie and the file is refused) and the time budget.
/// </summary>
public sealed class BoundedZip
{
    private readonly long _maxTotal;
    private readonly CancellationToken _ct;
    private long _total;

    public BoundedZip(long maxTotalBytes, CancellationToken ct)
    {
        _maxTotal = maxTotalBytes;
        _ct = ct;
    }

    /// <summary>Opens <paramref name="content"/> as a zip, refusing more than <paramref name="maxEntries"/> entries.</summary>
    public static ZipArchive Open(byte[] content, int maxEntries)
    {
        var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        if (zip.Entries.Count > maxEntries)
        {
            zip.Dispose();
            throw new ZipLimitException(ZipLimit.TooManyEntries);
        }
        return zip;
    }

    /// <summary>A stream over the entry that throws <see cref="ZipLimitException"/> as soon as a limit is passed.</summary>
    public Stream OpenEntry(ZipArchiveEntry entry, long maxPartBytes)
    {
        // The declared size is only a shortcut for refusing early; the counting below is what holds.
        if (entry.Length > maxPartBytes)
        {
            throw new ZipLimitException(ZipLimit.PartTooLarge);
        }
        return new CountingStream(this, entry.Open(), entry.Length, entry.Crc32, maxPartBytes);
    }

    /// <summary>The whole entry, within the limits.</summary>
    public byte[] ReadAll(ZipArchiveEntry entry, long maxPartBytes)
    {
        using var stream = OpenEntry(entry, maxPartBytes);
        using var buffer = new MemoryStream((int)Math.Min(entry.Length, maxPartBytes));
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Inflates the entry without keeping it, to count its real size.</summary>
    public void Drain(ZipArchiveEntry entry, long maxPartBytes)
    {
        using var stream = OpenEntry(entry, maxPartBytes);
        var buffer = new byte[81920];
        while (stream.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    private void Count(int bytes)
    {
        _total += bytes;
        if (_total > _maxTotal)
        {
            throw new ZipLimitException(ZipLimit.PackageTooLarge);
        }
        if (_ct.IsCancellationRequested)
        {
            throw new ZipLimitException(ZipLimit.TooSlow);
        }
    }

    private sealed class CountingStream(BoundedZip owner, Stream inner, long declared, uint crc, long max) : Stream
    {
        private long _read;
        private readonly System.IO.Hashing.Crc32 _crc = new();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n;
            try
            {
                n = inner.Read(buffer);
            }
            catch (InvalidDataException)
            {
                // The runtime's own check of the declared size or CRC: the same lie, seen first.
                throw new ZipLimitException(ZipLimit.SizeMismatch);
            }
            _read += n;
            if (_read > max)
            {
                throw new ZipLimitException(ZipLimit.PartTooLarge);
            }
            if (_read > declared || (n == 0 && buffer.Length > 0 && _read != declared))
            {
                throw new ZipLimitException(ZipLimit.SizeMismatch);
            }
            _crc.Append(buffer[..n]);
            // The runtime stops inflating at the declared size, so a part that declares less than it holds reads as
            // a truncated part; the checksum of the whole part, stored beside the sizes, tells the two apart.
            if (n == 0 && buffer.Length > 0 && _crc.GetCurrentHashAsUInt32() != crc)
            {
                throw new ZipLimitException(ZipLimit.SizeMismatch);
            }
            owner.Count(n);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

public enum ZipLimit
{
    TooManyEntries,
    PartTooLarge,
    PackageTooLarge,
    SizeMismatch,
    TooDeep,
    TooManyPages,
    TooSlow,
}

/// <summary>A file passed one of the limits on what it may make the server do (<see cref="BoundedZip"/>, the PDF page cap); <see cref="Reason"/> says which, in Chinese.</summary>
public sealed class ZipLimitException(ZipLimit limit) : Exception(limit.ToString())
{
    public ZipLimit Limit { get; } = limit;

    public string Reason => Limit switch
    {
        ZipLimit.TooManyEntries => "压缩包内的文件过多",
        ZipLimit.PartTooLarge => "压缩包内单个部件解压后过大",
        ZipLimit.PackageTooLarge => "压缩包解压后总量过大",
        ZipLimit.SizeMismatch => "压缩包声明的大小与实际内容不符",
        ZipLimit.TooDeep => "文档结构嵌套过深",
        ZipLimit.TooManyPages => "PDF 页数过多",
        _ => "处理超时",
    };
}
