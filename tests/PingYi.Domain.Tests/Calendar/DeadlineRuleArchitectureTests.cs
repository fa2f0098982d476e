using System.Text.RegularExpressions;

namespace PingYi.Domain.Tests.Calendar;

/// <summary>
/// The deadline rules exist once, in <c>PingYi.Domain</c> (<c>Deadlines.Late</c>, <c>Deadlines.Standing</c>): a scan of
/// <c>src/PingYi.Web</c> fails on a second copy — a deadline compared with a time by hand, a count of the working
/// days left, or the remaining/overdue wording built in a page or a handler.
/// </summary>
public sealed partial class DeadlineRuleArchitectureTests
{
    /// <summary>Comparisons of a deadline that are not the "late" rule, each with why.</summary>
    private static readonly (string File, string Code, string Why)[] Allowed =
    [
        ("UploadCalendar.cs", "c.DueAtUtc >= from", "which open deadlines reach into a newly published year, not lateness"),
        ("UploadCalendar.cs", "n.DueAtUtc >= from", "the same, for 督办 reply deadlines"),
        ("Ledger.cs", "due < today", "a rectification item's due date typed into a form, checked as input (DateOnly)"),
        ("Ledger.cs", "due > today", "the same, too far ahead"),
    ];

    [Fact]
    public void PingYi_Web_has_no_second_copy_of_the_deadline_rules()
    {
        var web = RepoPaths.Combine("src", "PingYi.Web");
        var found = new List<string>();
        foreach (var path in Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
                     .Where(p => p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".cshtml", StringComparison.Ordinal) || p.EndsWith(".liquid", StringComparison.Ordinal))
                     .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var name = Path.GetFileName(path);
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var code = line.Replace("=>", " ", StringComparison.Ordinal);
                if (code.TrimStart().StartsWith("//", StringComparison.Ordinal) || code.TrimStart().StartsWith("///", StringComparison.Ordinal))
                {
                    continue;
                }
                foreach (Match m in DeadlineComparison().Matches(code))
                {
                    if (!Allowed.Any(a => a.File == name && m.Value.Contains(a.Code, StringComparison.Ordinal)))
                    {
                        found.Add($"{name}:{i + 1}: deadline compared by hand ({m.Value.Trim()}); use Deadlines.Late");
                    }
                }
                if (line.Contains("WorkingDaysLeft(", StringComparison.Ordinal))
                {
                    found.Add($"{name}:{i + 1}: working days left counted outside the domain; use Deadlines.Standing");
                }
                if (Wording().Match(line) is { Success: true } w)
                {
                    found.Add($"{name}:{i + 1}: remaining/overdue days worded by hand ({w.Value}); use Deadlines.Standing");
                }
            }
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public void The_scan_finds_the_copies_it_exists_to_find()
    {
        Assert.Matches(DeadlineComparison(), "RunningOverdue = g.Count(r => r.StoppedAtUtc == null && r.DueAtUtc <= c)");
        Assert.Matches(DeadlineComparison(), "spans.Count(s => s.DueAtUtc < at)");
        Assert.Matches(DeadlineComparison(), "var overdue = stopped ? r.Late : due <= c;");
        Assert.Matches(DeadlineComparison(), "if (nowUtc >= c.DueAtUtc)");
        Assert.Matches(Wording(), "return $\"剩余 {left} 个工作日\";");
        Assert.Matches(Wording(), "<span>超期 @c.WorkingDaysOverdue 个工作日</span>");
        Assert.Matches(Wording(), "已超期 {{ days }} 个工作日");
        Assert.DoesNotMatch(DeadlineComparison(), "q.OrderBy(c => c.DueAtUtc).ThenBy(c => c.Id)".Replace("=>", " ", StringComparison.Ordinal));
        Assert.DoesNotMatch(DeadlineComparison(), "<dd id=\"due\">@ChinaTime.FormatDeadline(due)</dd>");
    }

    /// <summary>A deadline (…DueAtUtc, DueAt, due, deadline) on either side of &lt;, &lt;=, &gt; or &gt;=.</summary>
    [GeneratedRegex(@"\b(?:\w+\.)?(?:DueAtUtc|DueAt|due|dueUtc|deadline|deadlineUtc)\b\s*(?:<=|>=|<(?![/\w])|>)\s*[\w.(]+|[\w.)]+\s*(?:<=|>=|<|>)\s*(?:\w+\.)?(?:DueAtUtc|DueAt|due|dueUtc|deadline|deadlineUtc)\b")]
    private static partial Regex DeadlineComparison();

    /// <summary>The remaining/overdue wording with a number filled in: 剩余 {n} / 超期 @n / 已超期 {{ n }} 个工作日.</summary>
    [GeneratedRegex(@"(?:剩余|超期)\s*(?:\{|@|\{\{)[^个]*个工作日")]
    private static partial Regex Wording();
}
