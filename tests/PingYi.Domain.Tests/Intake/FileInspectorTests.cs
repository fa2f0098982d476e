using System.IO.Compression;
using PingYi.Domain.Complaints;

namespace PingYi.Domain.Tests.Intake;

public sealed class FileInspectorTests
{
    [Fact]
    public void Recognises_accepted_kinds_by_content()
    {
        Assert.Equal(FileInspector.Jpeg, FileInspector.Recognise([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]));
        Assert.Equal(FileInspector.Png, FileInspector.Recognise([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]));
        Assert.Equal(FileInspector.Pdf, FileInspector.Recognise("%PDF-1.7\n"u8));
        Assert.Equal(FileInspector.Docx, FileInspector.Recognise(Zip("[Content_Types].xml", "word/document.xml")));
    }

    [Fact]
    public void Refuses_other_content_whatever_it_is_called()
    {
        Assert.Null(FileInspector.Recognise("MZ\x90\0"u8));
        Assert.Null(FileInspector.Recognise("<html><script>"u8));
        Assert.Null(FileInspector.Recognise([]));
        // A ZIP that is not a Word document (an .xlsx, or any archive).
        Assert.Null(FileInspector.Recognise(Zip("[Content_Types].xml", "xl/workbook.xml")));
        // Truncated ZIP header.
        Assert.Null(FileInspector.Recognise([0x50, 0x4B, 0x03, 0x04, 1, 2]));
    }

    [Theory]
    [InlineData("现场照片.jpg", "现场照片.png")]
    [InlineData("../../etc/passwd", "passwd.png")]
    [InlineData("C:\\Users\\a\\证据.exe", "证据.png")]
    [InlineData("<script>.png", "script.png")]
    [InlineData("", "附件.png")]
    [InlineData(null, "附件.png")]
    public void File_names_are_made_safe_and_take_the_real_extension(string? name, string expected) =>
        Assert.Equal(expected, FileInspector.SafeFileName(name, FileInspector.Png));

    private static byte[] Zip(params string[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var e in entries)
            {
                using var w = new StreamWriter(zip.CreateEntry(e).Open());
                w.Write("<x/>");
            }
        }
        return buffer.ToArray();
    }
}
