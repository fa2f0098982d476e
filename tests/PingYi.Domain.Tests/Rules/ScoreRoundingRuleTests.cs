namespace PingYi.Domain.Tests.Rules;

/// <summary>
/// Every score a page, a document or the API shows is rounded by <c>ScoreRounding.Round</c> (half away from zero),
/// so that they agree to the last digit: a scan of the evaluation and scoring areas fails on a <c>Math.Round</c> of
/// their own (which rounds half to even). Input checks that ask "at most two decimals" are not rounding for display.
/// </summary>
public sealed class ScoreRoundingRuleTests
{
    private static readonly (string File, string Why)[] Allowed =
    [
        ("RecordDeduction.cs", "checks that the points typed in have at most two decimals"),
    ];

    [Fact]
    public void Scores_are_rounded_only_by_ScoreRounding()
    {
        var features = RepoPaths.Combine("src", "PingYi.Web", "Features");
        var files = new[] { "Evaluation", "Scoring" }
            .SelectMany(area => Directory.EnumerateFiles(Path.Combine(features, area), "*.cs*", SearchOption.AllDirectories))
            .Where(p => p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".cshtml", StringComparison.Ordinal))
            .ToList();
        var found = files.Where(p => !Allowed.Any(a => a.File == Path.GetFileName(p)))
            .SelectMany(p => File.ReadAllLines(p).Select((line, i) => (File: Path.GetRelativePath(features, p), Line: i + 1, Text: line)))
            .Where(l => l.Text.Contains("Math.Round(", StringComparison.Ordinal) && !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}: a score rounded by hand; use ScoreRounding.Round")
            .ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
        Assert.True(files.Count > 50, $"only {files.Count} files scanned");
    }
}
