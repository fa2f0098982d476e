using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Tokens;
using UglyToad.PdfPig.Writer;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>
/// Writes the objects of a PDF being copied without the private data applications attach to them: every
/// <c>/PieceInfo</c> (application data such as Illustrator's or Word's, often with user and machine names),
/// <c>/Metadata</c> (XMP, with the author and the tool's history) and <c>/LastModified</c>, at any depth; page
/// dictionaries keep only the keys that say how to show the page; an XMP stream is written empty.
/// </summary>
public sealed class PdfAllowList : ITokenWriter
{
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal) { "PieceInfo", "Metadata", "LastModified" };

    private static readonly HashSet<string> PageKeys = new(StringComparer.Ordinal)
    {
        "Type", "Parent", "MediaBox", "CropBox", "BleedBox", "TrimBox", "ArtBox", "Rotate", "Resources", "Contents", "Group", "UserUnit",
    };

    // One writer per copy: TokenWriter.Instance is shared and carries WritingPageContents.
    private readonly TokenWriter _inner = new();

    public bool WritingPageContents
    {
        get => _inner.WritingPageContents;
        set => _inner.WritingPageContents = value;
    }

    public void WriteToken(IToken token, Stream outputStream) => _inner.WriteToken(Filter(token), outputStream);

    public void WriteObject(long objectNumber, int generation, byte[] data, Stream outputStream) =>
        _inner.WriteObject(objectNumber, generation, data, outputStream);

    public void WriteCrossReferenceTable(IReadOnlyDictionary<IndirectReference, long> objectOffsets, IndirectReference catalogToken,
        Stream outputStream, IndirectReference? documentInformationReference, long? prevXrefTableLocation) =>
        _inner.WriteCrossReferenceTable(objectOffsets, catalogToken, outputStream, documentInformationReference, prevXrefTableLocation);

    private static IToken Filter(IToken token) => token switch
    {
        // Every object reaches the writer wrapped in its "n 0 obj" token.
        ObjectToken obj => new ObjectToken(obj.Position, obj.Number, Filter(obj.Data)),
        DictionaryToken dictionary => Filter(dictionary),
        ArrayToken array => new ArrayToken(array.Data.Select(Filter).ToList()),
        StreamToken stream => IsMetadata(stream.StreamDictionary)
            ? new StreamToken(new DictionaryToken(new Dictionary<NameToken, IToken> { [NameToken.Length] = new NumericToken(0) }), Array.Empty<byte>())
            : new StreamToken(Filter(stream.StreamDictionary), stream.Data.ToArray()),
        _ => token,
    };

    private static DictionaryToken Filter(DictionaryToken dictionary)
    {
        var page = IsType(dictionary, "Page");
        var kept = new Dictionary<NameToken, IToken>();
        foreach (var (key, value) in dictionary.Data)
        {
            if (Dropped.Contains(key) || (page && !PageKeys.Contains(key)))
            {
                continue;
            }
            kept[NameToken.Create(key)] = Filter(value);
        }
        return new DictionaryToken(kept);
    }

    private static bool IsMetadata(DictionaryToken dictionary) => IsType(dictionary, "Metadata");

    private static bool IsType(DictionaryToken dictionary, string type) =>
        dictionary.Data.TryGetValue("Type", out var value) && value is NameToken name && name.Data == type;
}
