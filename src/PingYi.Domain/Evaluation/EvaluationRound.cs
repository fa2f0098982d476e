using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

public enum RoundStatus
{
    /// <summary>Inputs are being collected.</summary>
    Open,

    /// <summary>Inputs are frozen; results may still be computed.</summary>
    Closed,

    /// <summary>Results are frozen.</summary>
    Approved,
}

public static class RoundStatuses
{
    public static string CodeOf(RoundStatus status) => status switch
    {
        RoundStatus.Open => "open",
        RoundStatus.Closed => "closed",
        _ => "approved",
    };

    public static string LabelOf(RoundStatus status) => status switch
    {
        RoundStatus.Open => "评议进行中",
        RoundStatus.Closed => "已截止",
        _ => "已审定",
    };
}

/// <summary>评议年度 in the database: the state of one year's round (its definition is the round file).</summary>
public sealed class EvaluationRound
{
    private EvaluationRound()
    {
    }

    public EvaluationRound(int year, DateTime openedAtUtc)
    {
        Complaint.EnsureUtc(openedAtUtc);
        Year = year;
        Status = RoundStatus.Open;
        OpenedAtUtc = openedAtUtc;
    }

    public int Id { get; private set; }

    public int Year { get; private set; }

    public RoundStatus Status { get; private set; }

    public DateTime OpenedAtUtc { get; private set; }

    public DateTime? ClosedAtUtc { get; private set; }

    public DateTime? ApprovedAtUtc { get; private set; }

    /// <summary>The version of the year's scheme (<see cref="EvaluationScheme"/>) the round runs on; 1 is the shipped file.</summary>
    public int SchemeVersion { get; private set; } = 1;

    /// <summary>Why the round was last reopened after closing; null if it never was.</summary>
    public string? ReopenReason { get; private set; }

    public bool AcceptsInputs => Status == RoundStatus.Open;

    /// <summary>Freezes the inputs. Only an open round closes.</summary>
    public void Close(DateTime nowUtc)
    {
        if (Status != RoundStatus.Open)
        {
            throw new InvalidOperationException($"Round {Year} is {Status}, not open.");
        }
        Complaint.EnsureUtc(nowUtc);
        Status = RoundStatus.Closed;
        ClosedAtUtc = nowUtc;
    }

    /// <summary>Takes inputs again after closing (a reason is required and audited). Only a closed round reopens.</summary>
    public void Reopen(string reason)
    {
        if (Status != RoundStatus.Closed)
        {
            throw new InvalidOperationException($"Round {Year} is {Status}, not closed.");
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Status = RoundStatus.Open;
        ClosedAtUtc = null;
        ReopenReason = reason;
    }

    /// <summary>A newly approved scheme version applies to the round; refused once the results are approved.</summary>
    public void UseScheme(int version)
    {
        if (Status == RoundStatus.Approved)
        {
            throw new InvalidOperationException($"Round {Year} is approved; its scheme is frozen.");
        }
        SchemeVersion = version;
    }

    /// <summary>Freezes the results. Only a closed round is approved.</summary>
    public void Approve(DateTime nowUtc)
    {
        if (Status != RoundStatus.Closed)
        {
            throw new InvalidOperationException($"Round {Year} is {Status}, not closed.");
        }
        Complaint.EnsureUtc(nowUtc);
        Status = RoundStatus.Approved;
        ApprovedAtUtc = nowUtc;
    }
}
