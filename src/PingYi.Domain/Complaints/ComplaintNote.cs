using System.Linq.Expressions;
using PingYi.Domain.Common;

namespace PingYi.Domain.Complaints;

/// <summary>Who may read an internal note. Never the complainant: notes are kept apart from the timeline /track reads.</summary>
public enum NoteAudience
{
    /// <summary>The unit that held the case when it was written, and the committee.</summary>
    Unit = 0,

    /// <summary>仅纪检监察工委可见: a supervisor's note the unit does not see.</summary>
    Committee = 1,
}

/// <summary>
/// 内部备注 on a case (issue 24 §3): staff write down what the case needs without it becoming part of the complainant's
/// record. Append-only; kept in a table of its own, so no path that shows the complainant anything (/track, its API,
/// mails, SMS) can reach it.
/// </summary>
public sealed class ComplaintNote
{
    public const int MaxLength = 2000;

    private ComplaintNote()
    {
        AuthorId = AuthorRole = Text = string.Empty;
    }

    public long Id { get; private set; }

    public long ComplaintId { get; private set; }

    /// <summary>The unit that held the case when the note was written; only its handlers read a unit note.</summary>
    public int? UnitId { get; private set; }

    public string AuthorId { get; private set; }

    /// <summary>The author's workflow role (supervisor, unit-handler).</summary>
    public string AuthorRole { get; private set; }

    public NoteAudience Audience { get; private set; }

    public string Text { get; private set; }

    public DateTime AtUtc { get; private set; }

    /// <summary>
    /// Validates and makes a note. Only a supervisor may keep a note to the committee (a unit's handler writing one
    /// would hide it from themselves); the text is cleaned and 1–<see cref="MaxLength"/> characters.
    /// </summary>
    public static (ComplaintNote? Note, ValidationErrors Errors) Write(
        long complaintId, int? unitId, string authorId, string authorRole, string? text, bool committeeOnly, DateTime nowUtc)
    {
        Complaint.EnsureUtc(nowUtc);
        var errors = new ValidationErrors();
        var clean = Common.Text.Clean(text, multiline: true);
        if (clean is null)
        {
            errors.Add("text", "请填写备注内容。");
        }
        else if (Common.Text.CharacterCount(clean) > MaxLength)
        {
            errors.Add("text", $"备注不能超过 {MaxLength} 个字（现为 {Common.Text.CharacterCount(clean)} 个字）。");
        }
        if (committeeOnly && authorRole != Workflow.WorkflowRoles.Supervisor)
        {
            errors.Add("committeeOnly", "只有纪检监察工委可以写仅工委可见的备注。");
        }
        if (!errors.IsEmpty)
        {
            return (null, errors);
        }
        return (new ComplaintNote
        {
            ComplaintId = complaintId,
            UnitId = unitId,
            AuthorId = authorId,
            AuthorRole = authorRole,
            Audience = committeeOnly ? NoteAudience.Committee : NoteAudience.Unit,
            Text = clean!,
            AtUtc = nowUtc,
        }, errors);
    }

    /// <summary>
    /// The one rule of who reads which note: the committee (<paramref name="unitId"/> null) every note; a unit's
    /// handler the unit notes written while the case was with their unit (a transfer does not hand over the old
    /// unit's notes).
    /// </summary>
    public static Expression<Func<ComplaintNote, bool>> VisibleTo(int? unitId) =>
        unitId is null ? n => true : n => n.Audience == NoteAudience.Unit && n.UnitId == unitId;
}
