using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>An uploaded file as the handlers see it, whether it came from a form or a multipart API call.</summary>
public sealed record UploadedFile(string? FileName, long Length, Func<CancellationToken, Task<byte[]>> ReadAsync)
{
    public static UploadedFile From(IFormFile file) => new(file.FileName, file.Length, async ct =>
    {
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    });
}

/// <summary>Checks evidence files: how many, how large, and what they really are.</summary>
public static class AttachmentUploads
{
    public const string Field = "attachments";

    public static async Task<Result<IReadOnlyList<InspectedFile>>> InspectAsync(IReadOnlyList<UploadedFile> uploads, int maxCount, CancellationToken ct)
    {
        var present = uploads.Where(u => u.Length > 0).ToList();
        if (present.Count > maxCount)
        {
            return RequestFailure.Invalid("附件过多", Field, $"最多上传 {maxCount} 个附件。");
        }
        var inspected = new List<InspectedFile>(present.Count);
        foreach (var upload in present)
        {
            var name = Path.GetFileName(upload.FileName ?? "附件");
            if (upload.Length > Attachment.MaxBytes)
            {
                return RequestFailure.TooLarge("附件过大", Field,
                    $"附件“{name}”超过 {Attachment.MaxBytes / 1024 / 1024} MB。");
            }
            var content = await upload.ReadAsync(ct);
            var kind = FileInspector.Recognise(content);
            if (kind is null)
            {
                return RequestFailure.UnsupportedMediaType("附件类型不支持", Field,
                    $"附件“{name}”不是 {FileInspector.AcceptedForMessage} 文件（按文件内容识别）。");
            }
            // Metadata goes before anything is stored: the unit the complaint is about reads these files.
            var cleaned = await EvidenceSanitizer.CleanAsync(kind, content, ct);
            switch (cleaned.Failure)
            {
                case CleanFailure.OverLimit:
                    return RequestFailure.Invalid("附件超出处理限制", Field,
                        $"附件“{name}”无法接收：{cleaned.Reason}。请另存为较小的文件或截图后再上传。");
                case CleanFailure.Busy:
                    return RequestFailure.Field(FailureKind.Unavailable, "系统繁忙", Field,
                        "正在处理的附件较多，本次提交未保存，请稍后再试。");
                case not CleanFailure.None:
                    return RequestFailure.Field(FailureKind.Unprocessable, "附件无法处理", Field,
                        $"附件“{name}”已损坏或无法读取，请重新导出（例如将文档另存为图片或截图）后再上传。");
            }
            inspected.Add(new InspectedFile(FileInspector.SafeFileName(upload.FileName, kind), kind, cleaned.Content!));
        }
        return inspected;
    }
}

/// <summary>
/// Caps on a complaint's evidence as a whole (intake plus every supplement), so that a complainant — or
/// whoever holds a code — cannot fill the disk one supplement at a time. Section <c>Attachments</c>.
/// </summary>
public sealed class AttachmentLimits
{
    public const string Section = "Attachments";

    /// <summary>Files on one complaint, all supplements included (default 20).</summary>
    public int MaxFilesPerComplaint { get; set; } = 20;

    /// <summary>Bytes of evidence on one complaint, as uploaded (default 100 MB).</summary>
    public long MaxBytesPerComplaint { get; set; } = 100L * 1024 * 1024;

    /// <summary>What is left for a complaint that already holds <paramref name="files"/> files of <paramref name="bytes"/> bytes.</summary>
    public (int Files, long Bytes) Remaining(int files, long bytes) =>
        (Math.Max(0, MaxFilesPerComplaint - files), Math.Max(0, MaxBytesPerComplaint - bytes));

    /// <summary>
    /// 413 when <paramref name="uploads"/> would take the complaint over either cap. Checked on the declared
    /// sizes before any content is read, so an upload over the cap is refused whole and nothing of it is stored.
    /// </summary>
    public RequestFailure? Check(IReadOnlyList<UploadedFile> uploads, int existingFiles, long existingBytes)
    {
        var present = uploads.Where(u => u.Length > 0).ToList();
        if (present.Count == 0)
        {
            return null;
        }
        var (files, bytes) = Remaining(existingFiles, existingBytes);
        if (present.Count > files || present.Sum(u => u.Length) > bytes)
        {
            return TooMuch(existingFiles, existingBytes);
        }
        return null;
    }

    /// <summary>The 413 of an upload over the per-complaint caps, saying what is left.</summary>
    public RequestFailure TooMuch(int existingFiles, long existingBytes)
    {
        var (files, bytes) = Remaining(existingFiles, existingBytes);
        return RequestFailure.TooLarge("附件总量超出上限", AttachmentUploads.Field,
            $"每件反映最多 {MaxFilesPerComplaint} 个附件、合计 {Megabytes(MaxBytesPerComplaint)} MB；"
            + $"本件还可上传 {files} 个、{Megabytes(bytes)} MB。本次提交未保存，请减少附件后重试。");
    }

    private static string Megabytes(long bytes) =>
        (bytes / 1024.0 / 1024.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
