using System.Text.RegularExpressions;

namespace PingYi.Domain.Tests.Calendar;

/// <summary>
/// The rules every page, list, board and mail asks exist once, in <c>PingYi.Domain</c>, and a scan of
/// <c>src/PingYi.Web</c> fails on a second copy: the deadline rules (<c>Deadlines.Late</c>, <c>Deadlines.Standing</c>,
/// <c>ComplaintRules.IsOverdue</c>/<c>IsAcceptLate</c>/<c>DeadlineKindOf</c>) — a deadline compared with a time by hand,
/// a status test beside the boundary, a count of the working days left, the remaining/overdue wording built in a page
/// or a handler; the open 督办 notice (<c>SupervisionNotice.IsOpen</c>) spelt out as answered/withdrawn tests; and the
/// privacy rule (<c>WorkflowRoles.SeesComplainant</c>) re-encoded as a supervisor role test deciding what of the
/// complainant a user sees.
/// </summary>
public sealed partial class DeadlineRuleArchitectureTests
{
    /// <summary>Comparisons of a deadline that are not the "late" rule, each with why.</summary>
    private static readonly (string File, string Code, string Why)[] Allowed =
    [
        ("UploadCalendar.cs", "c.DueAtUtc >= from", "which open deadlines reach into a newly published year, not lateness"),
        ("UploadCalendar.cs", "n.DueAtUtc >= from", "the same, for 督办 reply deadlines"),
        ("CreateLedgerItem.cs", "due < today", "a rectification item's due date typed into a form, checked as input (DateOnly)"),
        ("CreateLedgerItem.cs", "due > today", "the same, too far ahead"),
    ];

    [Fact]
    public void PingYi_Web_has_no_second_copy_of_the_deadline_rules()
    {
        var found = new List<string>();
        foreach (var (path, name, lines) in WebSources())
        {
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var code = line.Replace("=>", " ", StringComparison.Ordinal);
                if (IsComment(code))
                {
                    continue;
                }
                if (StatusBesideBoundary().Match(line) is { Success: true } s)
                {
                    found.Add($"{name}:{i + 1}: overdue decided by hand ({s.Value}); use ComplaintRules.IsOverdue / IsAcceptLate / OverdueAt");
                }
                if (KindByHand().Match(line) is { Success: true } k)
                {
                    found.Add($"{name}:{i + 1}: which deadline a status runs decided by hand ({k.Value}); use ComplaintRules.DeadlineKindOf / RunningDeadline");
                }
                if (OverdueCountTest().Match(line) is { Success: true } o)
                {
                    found.Add($"{name}:{i + 1}: lateness read off a day count ({o.Value}); use Deadlines.Late or DeadlineStanding.Late");
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
    public void PingYi_Web_has_no_second_copy_of_the_open_notice_rule()
    {
        var found = new List<string>();
        foreach (var (_, name, lines) in WebSources())
        {
            for (var i = 0; i < lines.Length; i++)
            {
                if (!IsComment(lines[i]) && OpenNoticeByHand().Match(lines[i]) is { Success: true } m)
                {
                    found.Add($"{name}:{i + 1}: an open 督办 notice spelt out ({m.Value}); use SupervisionNotice.IsOpen / IsOpenTo (queries too)");
                }
            }
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>Where a staff role may be turned into what the user is: the mapping to workflow roles, and the handler that owns the rule.</summary>
    private const string RoleMappingFile = "ComplaintAuthorization.cs";

    [Fact]
    public void PingYi_Web_has_no_second_copy_of_the_privacy_rule()
    {
        var found = new List<string>();
        foreach (var (_, name, lines) in WebSources().Where(f => f.Name != RoleMappingFile))
        {
            found.AddRange(PrivacyCopies(name, lines));
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>
    /// A supervisor role test that decides what of the complainant a user sees: on a line (or in a member whose
    /// name or summary, up to three lines above, says so) about the complainant's identity, or assigned to a local
    /// that a later line uses for it.
    /// </summary>
    private static IEnumerable<string> PrivacyCopies(string name, string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (IsComment(lines[i]) || SupervisorTest().Match(lines[i]) is not { Success: true } test)
            {
                continue;
            }
            var context = string.Join("\n", lines[Math.Max(0, i - 3)..(i + 1)]);
            if (Identity().IsMatch(context))
            {
                yield return $"{name}:{i + 1}: the privacy rule as a role test ({test.Value}); use SeesComplainant";
                continue;
            }
            if (LocalOf().Match(lines[i]) is { Success: true } local)
            {
                var use = new Regex($@"\b{Regex.Escape(local.Groups[1].Value)}\b");
                for (var j = i + 1; j < lines.Length; j++)
                {
                    if (use.IsMatch(lines[j]) && Identity().IsMatch(lines[j]))
                    {
                        yield return $"{name}:{i + 1}: the privacy rule as a role test ({test.Value}), used at line {j + 1}; use SeesComplainant";
                        break;
                    }
                }
            }
        }
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

        // The copies this scan was written after (issue 21): the list's own overdue flag, the 督办台's accept-late test, the staff list's wording choice.
        Assert.Matches(StatusBesideBoundary(), "r.Status == ComplaintStatus.Assigned && Deadlines.Late(now, r.DueAtUtc),");
        Assert.Matches(StatusBesideBoundary(), ".Where(c => c.Status == ComplaintStatus.Submitted && Deadlines.Late(now, c.DueAtUtc))");
        Assert.Matches(StatusBesideBoundary(), "var late = Deadlines.Late(now, c.DueAtUtc) && c.Status == ComplaintStatus.Assigned;");
        Assert.DoesNotMatch(StatusBesideBoundary(), "ComplaintRules.IsOverdue(r.Status, r.DueAtUtc, now),");
        Assert.Matches(KindByHand(), "Deadlines.Standing(cal, due, now, r.Status == \"submitted\" ? DeadlineKind.Accept : DeadlineKind.Handling)");
        Assert.Matches(KindByHand(), "acceptLate ? DeadlineKind.Accept : DeadlineKind.Handling");
        Assert.Matches(OverdueCountTest(), "var overdue = calendar.WorkingDaysOverdue(due, now) > 0;");
        Assert.Matches(OverdueCountTest(), "@if (c.WorkingDaysOverdue > 0) {");

        Assert.Matches(OpenNoticeByHand(), ".Include(c => c.SupervisionNotices.Where(n => n.AnsweredAtUtc == null && n.WithdrawnAtUtc == null))");
        Assert.Matches(OpenNoticeByHand(), "notices.Where(n => n.AnsweredAtUtc is null)");
        Assert.Matches(OpenNoticeByHand(), "c.SupervisionNotices.Any(n => n.WithdrawnAtUtc == null && n.UnitId == unitId)");
        Assert.DoesNotMatch(OpenNoticeByHand(), "@(s.WithdrawnAt is not null ? \"已撤销\" : s.AnsweredAt is not null ? \"已答复\" : \"待答复\")");
        Assert.DoesNotMatch(OpenNoticeByHand(), ".Include(c => c.SupervisionNotices.Where(n => n.IsOpen))");

        // The privacy copies of issue 21, as they were written.
        Assert.NotEmpty(PrivacyCopies("Index.cshtml.cs", [
            "    /// <summary>Supervisors see whether a case is named; a unit's handler must not learn even that.</summary>",
            "    public bool ShowsNamed => User.IsInRole(PingYi.Data.Identity.StaffRoles.Supervisor);"]));
        Assert.NotEmpty(PrivacyCopies("ComplainantTimes.cs", [
            "    public static bool Exact(ClaimsPrincipal user) => user.IsInRole(StaffRoles.Supervisor);"]));
        Assert.NotEmpty(PrivacyCopies("ListComplaints.cs", [
            "            var supervisor = user.IsInRole(StaffRoles.Supervisor);",
            "            var rows = await complaints.ToListAsync(ct);",
            "                supervisor ? r.Anonymous : null,"]));
        Assert.NotEmpty(PrivacyCopies("Page.cshtml", [
            "@if (User.WorkflowRole() == WorkflowRoles.Supervisor) { <span>@c.Complainant.Name</span> }"]));
        // A role test about something else is not the privacy rule.
        Assert.Empty(PrivacyCopies("Index.cshtml.cs", [
            "    /// <summary>Only supervisors filter by unit: a handler's list is their own unit's anyway.</summary>",
            "    public bool CanFilterByUnit => User.WorkflowRole() == WorkflowRoles.Supervisor;"]));
        Assert.Empty(PrivacyCopies("Index.cshtml.cs", ["    public bool ShowsNamed => User.SeesComplainant();"]));
        Assert.Empty(PrivacyCopies("Inbox.cshtml", ["@if (User.IsInRole(PingYi.Data.Identity.StaffRoles.Supervisor)) { <a href=\"/staff/oversight\">督办台</a> }"]));
    }

    private static bool IsComment(string line) =>
        line.TrimStart().StartsWith("//", StringComparison.Ordinal) || line.TrimStart().StartsWith("@*", StringComparison.Ordinal);

    /// <summary>The pages, handlers and templates of <c>src/PingYi.Web</c>, build output aside.</summary>
    private static IEnumerable<(string Path, string Name, string[] Lines)> WebSources()
    {
        var web = RepoPaths.Combine("src", "PingYi.Web");
        return Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".cshtml", StringComparison.Ordinal) || p.EndsWith(".liquid", StringComparison.Ordinal))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (p, Path.GetFileName(p), File.ReadAllLines(p)));
    }

    /// <summary>A deadline (…DueAtUtc, DueAt, due, deadline) on either side of &lt;, &lt;=, &gt; or &gt;=.</summary>
    [GeneratedRegex(@"\b(?:\w+\.)?(?:DueAtUtc|DueAt|due|dueUtc|deadline|deadlineUtc)\b\s*(?:<=|>=|<(?![/\w])|>)\s*[\w.(]+|[\w.)]+\s*(?:<=|>=|<|>)\s*(?:\w+\.)?(?:DueAtUtc|DueAt|due|dueUtc|deadline|deadlineUtc)\b")]
    private static partial Regex DeadlineComparison();

    /// <summary>The remaining/overdue wording with a number filled in: 剩余 {n} / 超期 @n / 已超期 {{ n }} 个工作日.</summary>
    [GeneratedRegex(@"(?:剩余|超期)\s*(?:\{|@|\{\{)[^个]*个工作日")]
    private static partial Regex Wording();

    /// <summary>A complaint status tested beside the boundary: overdue or late to accept, written again.</summary>
    [GeneratedRegex(@"ComplaintStatus\.(?:Assigned|Submitted)\s*&&\s*Deadlines\.Late\b|Deadlines\.Late\([^)]*\)\s*&&\s*[\w.]*Status\s*==")]
    private static partial Regex StatusBesideBoundary();

    /// <summary>Which deadline's words to use, chosen by hand rather than by the status's rule.</summary>
    [GeneratedRegex(@"\?\s*DeadlineKind\.Accept\s*:\s*DeadlineKind\.Handling|\?\s*DeadlineKind\.Handling\s*:\s*DeadlineKind\.Accept")]
    private static partial Regex KindByHand();

    /// <summary>"Overdue" read off the count of overdue working days, which is 0 on the weekend right after a deadline.</summary>
    [GeneratedRegex(@"WorkingDaysOverdue\b(?:\([^)]*\))?\s*(?:>|>=|!=)\s*0")]
    private static partial Regex OverdueCountTest();

    /// <summary>A 督办 notice's openness spelt out: its answer or withdrawal time tested for null.</summary>
    [GeneratedRegex(@"\b(?:AnsweredAtUtc|WithdrawnAtUtc)\s*(?:==\s*null|is\s+null)")]
    private static partial Regex OpenNoticeByHand();

    /// <summary>A test for the supervisor role, as a staff role or a workflow role.</summary>
    [GeneratedRegex(@"IsInRole\([^)]*Supervisor\)|==\s*WorkflowRoles\.Supervisor\b|WorkflowRoles\.Supervisor\s*==|Roles\s*=\s*StaffRoles\.Supervisor")]
    private static partial Regex SupervisorTest();

    /// <summary>What of the complainant a user may learn: who they are, whether they are named, the exact times of their acts.</summary>
    [GeneratedRegex(@"Anonymous|Complainant|Contact|Named|\bnamed\b|Exact|\bexact\b|(?<!\.)[Ii]dentity|身份|匿名|实名|反映人")]
    private static partial Regex Identity();

    /// <summary>A local assigned from the line's test: <c>var supervisor = …</c>.</summary>
    [GeneratedRegex(@"\bvar\s+(\w+)\s*=")]
    private static partial Regex LocalOf();
}
