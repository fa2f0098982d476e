using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PingYi.Domain.Tests.Rules;

/// <summary>
/// A newcomer can read any file of <c>src</c> in one sitting and any method on one screen or two: no file over
/// 400 lines and no method, constructor, accessor or local function over 80 (docs/domain.md, "Structure rules").
/// Migrations and their designer files are generated and left out. Parsed with Roslyn, so a method is what the
/// compiler calls one, not a guess by braces.
/// </summary>
public sealed class SizeRuleTests
{
    private const int MaxFileLines = 400;
    private const int MaxMethodLines = 80;

    [Fact]
    public void No_file_in_src_is_over_400_lines()
    {
        var found = Sources()
            .Select(f => (f.Name, Lines: File.ReadAllLines(f.Path).Length))
            .Where(f => f.Lines > MaxFileLines)
            .Select(f => $"{f.Name}: {f.Lines} lines (at most {MaxFileLines}); split it by verb or by part")
            .ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public void No_method_in_src_is_over_80_lines()
    {
        var found = new List<string>();
        var members = 0;
        foreach (var (path, name) in Sources())
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot();
            foreach (var member in root.DescendantNodes().Where(IsMethodLike))
            {
                members++;
                var span = member.GetLocation().GetLineSpan();
                var lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
                if (lines > MaxMethodLines)
                {
                    found.Add($"{name}:{span.StartLinePosition.Line + 1}: {Describe(member)} is {lines} lines (at most {MaxMethodLines})");
                }
            }
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
        // The scan must see the code base, or it proves nothing.
        Assert.True(members > 1500, $"only {members} methods found under src");
    }

    [Fact]
    public void The_rule_measures_a_method_from_its_signature_to_its_closing_brace()
    {
        var body = string.Join("\n", Enumerable.Range(0, MaxMethodLines - 2).Select(i => $"        var x{i} = {i};"));
        var code = $"class C\n{{\n    void M()\n    {{\n{body}\n    }}\n}}";
        var method = CSharpSyntaxTree.ParseText(code).GetRoot().DescendantNodes().Single(IsMethodLike);
        var span = method.GetLocation().GetLineSpan();
        Assert.Equal(MaxMethodLines + 1, span.EndLinePosition.Line - span.StartLinePosition.Line + 1);
    }

    private static bool IsMethodLike(SyntaxNode node) =>
        node is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax { Body: not null };

    private static string Describe(SyntaxNode node) => node switch
    {
        MethodDeclarationSyntax m => $"method {m.Identifier.Text}",
        ConstructorDeclarationSyntax c => $"constructor {c.Identifier.Text}",
        LocalFunctionStatementSyntax l => $"local function {l.Identifier.Text}",
        _ => node.Kind().ToString(),
    };

    private static IEnumerable<(string Path, string Name)> Sources()
    {
        var src = RepoPaths.Combine("src");
        var sep = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{sep}obj{sep}", StringComparison.Ordinal)
                     && !p.Contains($"{sep}bin{sep}", StringComparison.Ordinal)
                     && !p.Contains($"{sep}Migrations{sep}", StringComparison.Ordinal))
            .Select(p => (p, Path.GetRelativePath(src, p)));
    }
}
