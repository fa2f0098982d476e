using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace PingYi.Web.Features.Scoring.Documents;

/// <summary>
/// A small writer of committee documents (公文) as DOCX through DocumentFormat.OpenXml: A4 with the GB/T 9704 margins,
/// body in 仿宋 三号 (16 pt), the title in 宋体 二号 (22 pt) bold, headings in 黑体, the issuer's red header over a red
/// rule. Every run names its East-Asian font (<c>w:rFonts w:eastAsia</c>) and the document's defaults say zh-CN, so
/// that Word and WPS pick Chinese fonts rather than a Latin fallback. Elements are built through the SDK's typed
/// properties so that their order is the schema's (the tests run OpenXmlValidator over every document).
/// </summary>
public sealed class Docx
{
    public const string FangSong = "仿宋";
    public const string SongTi = "宋体";
    public const string HeiTi = "黑体";
    private const string Latin = "Times New Roman";
    private const string Red = "C00000";

    /// <summary>三号 (16 pt) in half-points.</summary>
    private const int BodySize = 32;

    private readonly List<OpenXmlElement> _body = [];

    /// <summary>红头: the issuer in red, the document number centred, a red rule under both.</summary>
    public Docx Header(string issuer, string number)
    {
        _body.Add(Paragraph(issuer, SongTi, 52, bold: true, color: Red, center: true, after: 240));
        var p = Paragraph(number, FangSong, BodySize, center: true, after: 120);
        p.ParagraphProperties!.ParagraphBorders = new ParagraphBorders(new BottomBorder { Val = BorderValues.Single, Size = 12, Space = 6, Color = Red });
        _body.Add(p);
        _body.Add(Paragraph(string.Empty, FangSong, BodySize));
        return this;
    }

    public Docx Title(string text)
    {
        _body.Add(Paragraph(text, SongTi, 44, bold: true, center: true, after: 240));
        return this;
    }

    /// <summary>A paragraph of body text, the first line indented by two characters unless <paramref name="flush"/>.</summary>
    public Docx Text(string text, bool flush = false, bool right = false)
    {
        _body.Add(Paragraph(text, FangSong, BodySize, indent: !flush && !right, right: right));
        return this;
    }

    /// <summary>A first-level heading (一、…) in 黑体.</summary>
    public Docx Heading(string text)
    {
        _body.Add(Paragraph(text, HeiTi, BodySize, indent: true, before: 120));
        return this;
    }

    /// <summary>A second-level heading (（一）…) in 楷体-like bold 仿宋.</summary>
    public Docx SubHeading(string text)
    {
        _body.Add(Paragraph(text, FangSong, BodySize, bold: true, indent: true));
        return this;
    }

    /// <summary>A fingerprint: 64 hexadecimal characters in a Latin monospace font so that they are read one by one.</summary>
    public Docx Code(string text)
    {
        var p = Paragraph(string.Empty, FangSong, BodySize);
        p.RemoveAllChildren<Run>();
        p.Append(new Run(new RunProperties
        {
            RunFonts = new RunFonts { Ascii = "Courier New", HighAnsi = "Courier New", EastAsia = FangSong },
            FontSize = new FontSize { Val = "24" },
        }, new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        _body.Add(p);
        return this;
    }

    /// <summary>A table with a header row; <paramref name="widths"/> in twentieths of a point, one per column.</summary>
    public Docx Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyList<int> widths)
    {
        var borders = new TableBorders(
            new TopBorder { Val = BorderValues.Single, Size = 4 }, new LeftBorder { Val = BorderValues.Single, Size = 4 },
            new BottomBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
            new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 });
        var table = new Table(
            new TableProperties(
                new TableWidth { Type = TableWidthUnitValues.Dxa, Width = widths.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture) },
                new TableJustification { Val = TableRowAlignmentValues.Center },
                borders,
                new TableLayout { Type = TableLayoutValues.Fixed }),
            new TableGrid(widths.Select(w => new GridColumn { Width = w.ToString(System.Globalization.CultureInfo.InvariantCulture) })));
        table.Append(Row(header, widths, bold: true));
        foreach (var row in rows)
        {
            table.Append(Row(row, widths, bold: false));
        }
        _body.Add(table);
        _body.Add(Paragraph(string.Empty, FangSong, BodySize));
        return this;
    }

    /// <summary>The document as DOCX bytes.</summary>
    public byte[] ToBytes(string title)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            document.PackageProperties.Title = title;
            document.PackageProperties.Language = "zh-CN";
            var main = document.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle
                {
                    RunFonts = new RunFonts { Ascii = Latin, HighAnsi = Latin, EastAsia = FangSong, ComplexScript = Latin },
                    FontSize = new FontSize { Val = BodySize.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    Languages = new Languages { Val = "en-US", EastAsia = "zh-CN" },
                }),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle
                {
                    SpacingBetweenLines = new SpacingBetweenLines { Line = "560", LineRule = LineSpacingRuleValues.Exact },
                })));
            var body = new Body();
            foreach (var element in _body)
            {
                body.Append(element);
            }
            // A4, margins of GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
            body.Append(new SectionProperties(
                new PageSize { Width = 11906U, Height = 16838U },
                new PageMargin { Top = 2098, Bottom = 1984, Left = 1587U, Right = 1474U, Header = 851U, Footer = 992U, Gutter = 0U }));
            main.Document = new Document(body);
            main.Document.Save();
        }
        return stream.ToArray();
    }

    private static TableRow Row(IReadOnlyList<string> cells, IReadOnlyList<int> widths, bool bold)
    {
        var row = new TableRow();
        for (var i = 0; i < widths.Count; i++)
        {
            var p = Paragraph(i < cells.Count ? cells[i] : string.Empty, FangSong, 24, bold: bold, center: true, lineExact: false);
            row.Append(new TableCell(
                new TableCellProperties(new TableCellWidth { Type = TableWidthUnitValues.Dxa, Width = widths[i].ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center }),
                p));
        }
        return row;
    }

    private static Paragraph Paragraph(string text, string font, int size, bool bold = false, string? color = null, bool center = false, bool indent = false,
        bool right = false, int before = 0, int after = 0, bool lineExact = true)
    {
        var properties = new ParagraphProperties
        {
            SpacingBetweenLines = new SpacingBetweenLines
            {
                Before = before.ToString(System.Globalization.CultureInfo.InvariantCulture),
                After = after.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Line = lineExact ? "560" : "360",
                LineRule = lineExact ? LineSpacingRuleValues.Exact : LineSpacingRuleValues.Auto,
            },
        };
        if (indent)
        {
            // Two characters (200 hundredths of a character): the first line of a 公文 paragraph.
            properties.Indentation = new Indentation { FirstLineChars = 200 };
        }
        if (center || right)
        {
            properties.Justification = new Justification { Val = center ? JustificationValues.Center : JustificationValues.Right };
        }
        var runProperties = new RunProperties
        {
            RunFonts = new RunFonts { Ascii = font == FangSong || font == SongTi || font == HeiTi ? Latin : font, HighAnsi = Latin, EastAsia = font, Hint = FontTypeHintValues.EastAsia },
            FontSize = new FontSize { Val = size.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            FontSizeComplexScript = new FontSizeComplexScript { Val = size.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (bold)
        {
            runProperties.Bold = new Bold();
        }
        if (color is not null)
        {
            runProperties.Color = new Color { Val = color };
        }
        var paragraph = new Paragraph(properties);
        if (text.Length > 0)
        {
            paragraph.Append(new Run(runProperties, new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        }
        return paragraph;
    }
}
