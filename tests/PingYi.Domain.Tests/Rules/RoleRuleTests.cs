namespace PingYi.Domain.Tests.Rules;

/// <summary>
/// A role is read off the principal in one place, <c>Infrastructure/StaffPrincipal.cs</c> (IsSupervisor, IsCommittee,
/// OwnUnit, HandlesUnit …), and in the generic role-requirement handler that the OpenAPI document mirrors. A scan of
/// <c>src/PingYi.Web</c> fails on an <c>IsInRole</c> anywhere else, so "a handler of this unit" or "the committee's
/// staff" cannot be spelt out again with a different meaning.
/// </summary>
public sealed class RoleRuleTests
{
    private static readonly string[] Homes = ["StaffPrincipal.cs", "RoleRequirement.cs"];

    [Fact]
    public void Roles_are_read_only_through_StaffPrincipal()
    {
        var web = RepoPaths.Combine("src", "PingYi.Web");
        var sep = Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".cshtml", StringComparison.Ordinal))
            .Where(p => !p.Contains($"{sep}obj{sep}", StringComparison.Ordinal) && !p.Contains($"{sep}bin{sep}", StringComparison.Ordinal))
            .ToList();
        var found = files.Where(p => !Homes.Contains(Path.GetFileName(p)))
            .SelectMany(p => File.ReadAllLines(p).Select((line, i) => (File: Path.GetRelativePath(web, p), Line: i + 1, Text: line)))
            .Where(l => l.Text.Contains("IsInRole(", StringComparison.Ordinal) && !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}: a role read by hand; use StaffPrincipal (IsSupervisor, IsCommittee, OwnUnit, HandlesUnit …)")
            .ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
        // The home itself must be seen, or the scan proves nothing.
        Assert.Contains(files, p => Path.GetFileName(p) == "StaffPrincipal.cs" && File.ReadAllText(p).Contains("IsInRole(", StringComparison.Ordinal));
    }
}
