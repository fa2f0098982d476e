using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

public enum SchemeStatus
{
    /// <summary>Uploaded (or copied from the previous year), waiting for a second account's approval.</summary>
    Draft,

    /// <summary>The scheme the year's round uses (审定).</summary>
    Approved,

    /// <summary>Was approved; a later approved version replaced it.</summary>
    Superseded,

    /// <summary>A draft a later draft replaced before anyone approved it.</summary>
    Discarded,
}

public static class SchemeStatuses
{
    public static string CodeOf(SchemeStatus status) => status switch
    {
        SchemeStatus.Draft => "draft",
        SchemeStatus.Approved => "approved",
        SchemeStatus.Superseded => "superseded",
        _ => "discarded",
    };

    public static string LabelOf(SchemeStatus status) => status switch
    {
        SchemeStatus.Draft => "待审定",
        SchemeStatus.Approved => "已审定（现行）",
        SchemeStatus.Superseded => "已被新版本替代",
        _ => "未审定即被替换",
    };
}

/// <summary>
/// 评议方案: one version of a year's round file (the JSON of <c>workflows/evaluation/&lt;year&gt;.json</c>) kept in the
/// database. A draft is uploaded by one Admin or Supervisor and approved by another; the approved version is what the
/// year's round uses. Version 1 of a year with a shipped file is that file (approved at seed, not stored here), so the
/// stored versions of such a year start at 2.
/// </summary>
public sealed class EvaluationScheme
{
    public const int MaxJsonLength = 200_000;
    public const int MaxReasonLength = 1000;

    private EvaluationScheme()
    {
    }

    public EvaluationScheme(int year, int version, string json, string? reason, string createdById, DateTime createdAtUtc)
    {
        Complaint.EnsureUtc(createdAtUtc);
        Year = year;
        Version = version;
        Json = json;
        Reason = reason;
        CreatedById = createdById;
        CreatedAtUtc = createdAtUtc;
        Status = SchemeStatus.Draft;
    }

    public int Id { get; private set; }

    public int Year { get; private set; }

    public int Version { get; private set; }

    public SchemeStatus Status { get; private set; }

    /// <summary>The round file as uploaded (validated by <see cref="EvaluationRoundLoader"/> before it was stored).</summary>
    public string Json { get; private set; } = string.Empty;

    /// <summary>Why this version: required once the year's round has opened.</summary>
    public string? Reason { get; private set; }

    public string CreatedById { get; private set; } = string.Empty;

    public DateTime CreatedAtUtc { get; private set; }

    public string? ApprovedById { get; private set; }

    public DateTime? ApprovedAtUtc { get; private set; }

    /// <summary>The year whose scheme this draft was copied from (round life: "create from the previous year"), else null.</summary>
    public int? CopiedFromYear { get; private set; }

    /// <summary>The version of <see cref="CopiedFromYear"/>'s scheme that was copied.</summary>
    public int? CopiedFromVersion { get; private set; }

    /// <summary>Marks a new draft as a copy of another year's scheme version (its figures' provenance goes back there).</summary>
    public void CopiedFrom(int year, int version)
    {
        CopiedFromYear = year;
        CopiedFromVersion = version;
    }

    /// <summary>审定 by a second account: never the one who uploaded the draft.</summary>
    public void Approve(string approverId, DateTime nowUtc)
    {
        if (Status != SchemeStatus.Draft)
        {
            throw new InvalidOperationException($"Scheme {Year} v{Version} is {Status}, not a draft.");
        }
        if (approverId == CreatedById)
        {
            throw new InvalidOperationException("The account that uploaded a scheme cannot approve it.");
        }
        Complaint.EnsureUtc(nowUtc);
        Status = SchemeStatus.Approved;
        ApprovedById = approverId;
        ApprovedAtUtc = nowUtc;
    }

    /// <summary>A later version replaces this one: an approved one is superseded, a draft discarded.</summary>
    public void Replace()
    {
        Status = Status switch
        {
            SchemeStatus.Approved => SchemeStatus.Superseded,
            SchemeStatus.Draft => SchemeStatus.Discarded,
            _ => Status,
        };
    }
}
