using PingYi.Domain.Complaints;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;

namespace PingYi.Domain.Scoring;

/// <summary>
/// A previous round's final standing of one unit, imported from the committee's records (xlsx or CSV) so that
/// the two-year rule works from the first year the system is used. A year's import replaces that year's rows.
/// </summary>
public sealed class PriorRank
{
    private PriorRank()
    {
        UnitCode = ImportedById = string.Empty;
    }

    public PriorRank(int year, string unitCode, UnitCategory category, int rank, bool trackingList, string importedById, DateTime importedAtUtc)
    {
        Complaint.EnsureUtc(importedAtUtc);
        Year = year;
        UnitCode = unitCode;
        Category = category;
        Rank = rank;
        TrackingList = trackingList;
        ImportedById = importedById;
        ImportedAtUtc = importedAtUtc;
    }

    public long Id { get; private set; }

    public int Year { get; private set; }

    public string UnitCode { get; private set; }

    public UnitCategory Category { get; private set; }

    public int Rank { get; private set; }

    /// <summary>Put on the tracking list by that round: it was in its category's bottom two.</summary>
    public bool TrackingList { get; private set; }

    public string ImportedById { get; private set; }

    public DateTime ImportedAtUtc { get; private set; }
}

/// <summary>问责: a serious case flagged by hand by a supervisor, with the reason; every change is on the audit log.</summary>
public sealed class AccountabilityFlag
{
    public const int MaxReasonLength = 1000;

    private AccountabilityFlag()
    {
        Reason = SetById = string.Empty;
    }

    public AccountabilityFlag(int year, int unitId, bool flagged, string reason, string setById, DateTime setAtUtc)
    {
        Year = year;
        UnitId = unitId;
        Reason = SetById = string.Empty;
        Set(flagged, reason, setById, setAtUtc);
    }

    public long Id { get; private set; }

    public int Year { get; private set; }

    public int UnitId { get; private set; }

    public bool Flagged { get; private set; }

    public string Reason { get; private set; }

    public string SetById { get; private set; }

    public DateTime SetAtUtc { get; private set; }

    public void Set(bool flagged, string reason, string setById, DateTime setAtUtc)
    {
        Complaint.EnsureUtc(setAtUtc);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Flagged = flagged;
        Reason = reason.Trim();
        SetById = setById;
        SetAtUtc = setAtUtc;
    }
}

/// <summary>
/// The results of a round as they stood when it was approved: typed rows, one per unit, written in the same
/// transaction as the approval. Later changes to cases or inputs do not touch it; a recomputation is compared
/// against it. Only an approved (snapshotted) round can be published.
/// </summary>
public sealed class ResultSnapshot
{
    private ResultSnapshot()
    {
    }

    public ResultSnapshot(int year, DateTime takenAtUtc, IEnumerable<ResultSnapshotLine> lines)
    {
        Complaint.EnsureUtc(takenAtUtc);
        Year = year;
        TakenAtUtc = takenAtUtc;
        Lines = lines.ToList();
    }

    public int Id { get; private set; }

    public int Year { get; private set; }

    public DateTime TakenAtUtc { get; private set; }

    /// <summary>Shown on the public results page; otherwise internal (Supervisors and Admins).</summary>
    public bool Published { get; private set; }

    public DateTime? PublishedAtUtc { get; private set; }

    public List<ResultSnapshotLine> Lines { get; private set; } = [];

    /// <summary>
    /// SHA-256 (hex) of the round's canonical inputs document (docs/evaluation.md, "Fingerprint"); null for a round
    /// approved before fingerprints existed.
    /// </summary>
    public string? Fingerprint { get; private set; }

    /// <summary>The canonical documents behind the fingerprints: the round's and one per unit. Not loaded with the snapshot.</summary>
    public List<ResultSnapshotPart> Parts { get; private set; } = [];

    /// <summary>Stores the round's fingerprint with its document and every unit's part (at approval, in the same save).</summary>
    public void Seal(string fingerprint, string roundDocument, IEnumerable<ResultSnapshotPart> units)
    {
        if (Fingerprint is not null)
        {
            throw new InvalidOperationException("The snapshot already has its fingerprint.");
        }
        Fingerprint = fingerprint;
        Parts = [new ResultSnapshotPart(ResultSnapshotPart.RoundCode, fingerprint, roundDocument), .. units];
    }

    /// <summary>
    /// Fed back to the participating units: each unit's handlers see their own category's ranking (and their rank),
    /// the public nothing. Implied by <see cref="Published"/>.
    /// </summary>
    public bool SharedWithUnits { get; private set; }

    /// <summary>The publication scope: <c>internal</c> (the committee), <c>units</c> (each unit its category), <c>public</c> (<c>/results</c>).</summary>
    public string Scope => Published ? PublicationScopes.Public : SharedWithUnits ? PublicationScopes.Units : PublicationScopes.Internal;

    public void Publish(bool published, DateTime nowUtc) => SetScope(published ? PublicationScopes.Public : PublicationScopes.Internal, nowUtc);

    public void SetScope(string scope, DateTime nowUtc)
    {
        Complaint.EnsureUtc(nowUtc);
        if (!PublicationScopes.All.Contains(scope))
        {
            throw new ArgumentException($"Unknown scope '{scope}'.", nameof(scope));
        }
        var published = scope == PublicationScopes.Public;
        if (published && !Published)
        {
            PublishedAtUtc = nowUtc;
        }
        Published = published;
        PublishedAtUtc = published ? PublishedAtUtc : null;
        SharedWithUnits = scope != PublicationScopes.Internal;
    }
}

/// <summary>Who sees an approved round's results (issue 23 §4).</summary>
public static class PublicationScopes
{
    public const string Internal = "internal";
    public const string Units = "units";
    public const string Public = "public";

    public static readonly IReadOnlyList<string> All = [Internal, Units, Public];

    /// <summary>The scope of a snapshot's two flags (public implies shared with the units).</summary>
    public static string Of(bool published, bool sharedWithUnits) => published ? Public : sharedWithUnits ? Units : Internal;

    public static string LabelOf(string scope) => scope switch
    {
        Public => "已向社会公布",
        Units => "已反馈各参评单位（各单位可见本类别排名）",
        _ => "仅评议委员会内部可见",
    };
}

/// <summary>One unit's frozen result: a column per source so that nothing has to parse JSON to read it back.</summary>
public sealed class ResultSnapshotLine
{
    private ResultSnapshotLine()
    {
        UnitCode = UnitName = string.Empty;
    }

    public ResultSnapshotLine(UnitResult r)
    {
        UnitCode = r.UnitCode;
        UnitName = r.Name;
        Category = r.Category;
        Rank = r.Rank;
        Score = r.Score;
        Weighted = r.Weighted;
        Deputies = r.Sources.GetValueOrDefault(EvaluationCodes.Deputies);
        ServiceHall = r.Sources.GetValueOrDefault(EvaluationCodes.ServiceHall);
        Prefectures = r.Sources.GetValueOrDefault(EvaluationCodes.Prefectures);
        Inspectors = r.Sources.GetValueOrDefault(EvaluationCodes.Inspectors);
        Liaison = r.Sources.GetValueOrDefault(EvaluationCodes.Liaison);
        Channel = r.Sources.GetValueOrDefault(EvaluationCodes.Channel);
        RecordedDeductions = r.RecordedDeductions;
        Deductions = r.Deductions;
        OverdueWorkingDays = r.OverdueWorkingDays;
        BottomTwo = r.BottomTwo;
        PreviousBottomTwo = r.PreviousBottomTwo;
        Accountability = r.Accountability;
    }

    public long Id { get; private set; }

    public int SnapshotId { get; private set; }

    public string UnitCode { get; private set; }

    public string UnitName { get; private set; }

    public UnitCategory Category { get; private set; }

    public int Rank { get; private set; }

    public double Score { get; private set; }

    public double Weighted { get; private set; }

    public double? Deputies { get; private set; }

    public double? ServiceHall { get; private set; }

    public double? Prefectures { get; private set; }

    public double? Inspectors { get; private set; }

    public double? Liaison { get; private set; }

    public double? Channel { get; private set; }

    public double RecordedDeductions { get; private set; }

    public double Deductions { get; private set; }

    public int OverdueWorkingDays { get; private set; }

    public bool BottomTwo { get; private set; }

    public bool PreviousBottomTwo { get; private set; }

    public bool Accountability { get; private set; }

    /// <summary>Back to the calculator's shape, so that pages and the API read a snapshot and a live result alike.</summary>
    public UnitResult ToResult() => new(UnitCode, UnitName, Category, Rank, Score, Weighted,
        new Dictionary<string, double?>
        {
            [EvaluationCodes.Deputies] = Deputies,
            [EvaluationCodes.ServiceHall] = ServiceHall,
            [EvaluationCodes.Prefectures] = Prefectures,
            [EvaluationCodes.Inspectors] = Inspectors,
            [EvaluationCodes.Liaison] = Liaison,
            [EvaluationCodes.Channel] = Channel,
        },
        RecordedDeductions, Deductions, OverdueWorkingDays, BottomTwo, PreviousBottomTwo, Accountability);
}

/// <summary>
/// One canonical document of an approved round (docs/evaluation.md, "Fingerprint"): a unit's part — its inputs as it
/// may see them — or, with <see cref="RoundCode"/> as the unit code, the round's document over every part. Written once,
/// at approval; the unit's verification file is built from it, so it gives the same fingerprint however the inputs
/// change afterwards.
/// </summary>
public sealed class ResultSnapshotPart
{
    /// <summary>The unit code of the round's own document.</summary>
    public const string RoundCode = "";

    private ResultSnapshotPart()
    {
        UnitCode = Fingerprint = Canonical = string.Empty;
    }

    public ResultSnapshotPart(string unitCode, string fingerprint, string canonical)
    {
        UnitCode = unitCode;
        Fingerprint = fingerprint;
        Canonical = canonical;
    }

    public long Id { get; private set; }

    public int SnapshotId { get; private set; }

    public string UnitCode { get; private set; }

    /// <summary>SHA-256 of <see cref="Canonical"/>'s UTF-8 bytes, lower-case hex.</summary>
    public string Fingerprint { get; private set; }

    /// <summary>The canonical JSON (RFC 8785) the fingerprint is taken over.</summary>
    public string Canonical { get; private set; }
}
