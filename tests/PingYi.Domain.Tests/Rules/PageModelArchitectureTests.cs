namespace PingYi.Domain.Tests.Rules;

/// <summary>
/// The page and the API call the same handler (docs/domain.md): a page model under <c>src/PingYi.Web/Features</c>
/// reads and writes through a handler, never through <c>PingYiDbContext</c> itself. A scan of the page models and
/// their views fails on the first one that takes the database.
/// </summary>
public sealed class PageModelArchitectureTests
{
    [Fact]
    public void Page_models_do_not_query_the_database_themselves()
    {
        var features = RepoPaths.Combine("src", "PingYi.Web", "Features");
        var found = Directory.EnumerateFiles(features, "*.cshtml*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".cshtml", StringComparison.Ordinal) || p.EndsWith(".cshtml.cs", StringComparison.Ordinal))
            .SelectMany(p => File.ReadAllLines(p).Select((line, i) => (File: Path.GetRelativePath(features, p), Line: i + 1, Text: line)))
            .Where(l => l.Text.Contains("PingYiDbContext", StringComparison.Ordinal) && !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}: a page takes PingYiDbContext; call the area's handler (the one the API calls) instead")
            .ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
        // The scan itself must see the pages, or it proves nothing.
        Assert.True(Directory.EnumerateFiles(features, "*.cshtml.cs", SearchOption.AllDirectories).Count() > 30);
    }
}
