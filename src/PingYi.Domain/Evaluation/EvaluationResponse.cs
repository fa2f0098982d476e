using PingYi.Domain.Complaints;

namespace PingYi.Domain.Evaluation;

/// <summary>How a response arrived.</summary>
public enum ResponseChannel
{
    /// <summary>An evaluator's form on the page or the API.</summary>
    Form,

    /// <summary>A row of an uploaded xlsx of paper forms.</summary>
    Spreadsheet,

    /// <summary>The public questionnaire (service hall, or a unit's own channel).</summary>
    Public,
}

/// <summary>
/// One filled questionnaire about one unit: an evaluator's rating, a row of a paper-form upload, or a public
/// response. The overall rating is a typed column so that a ranking can count it in SQL on either database.
/// </summary>
public sealed class EvaluationResponse
{
    public const int MaxCommentLength = 1000;

    private EvaluationResponse()
    {
        Source = Rating = string.Empty;
    }

    public EvaluationResponse(int roundId, int unitId, string source, string rating, string? comment, ResponseChannel channel,
        string? evaluatorId, string? browserKey, DateOnly? publicDay, DateTime createdAtUtc, IEnumerable<EvaluationAnswer> answers,
        string? formReference = null, bool awaitingConfirmation = false)
    {
        Complaint.EnsureUtc(createdAtUtc);
        FormReference = string.IsNullOrWhiteSpace(formReference) ? null : formReference.Trim();
        AwaitingConfirmation = awaitingConfirmation;
        RoundId = roundId;
        UnitId = unitId;
        Source = source;
        Rating = rating;
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        Channel = channel;
        EvaluatorId = evaluatorId;
        BrowserKey = browserKey;
        PublicDay = publicDay;
        CreatedAtUtc = createdAtUtc;
        Answers = answers.ToList();
    }

    public long Id { get; private set; }

    public int RoundId { get; private set; }

    public int UnitId { get; private set; }

    /// <summary>One of the six sources, or <see cref="EvaluationCodes.UnitChannel"/> for a unit's own channel.</summary>
    public string Source { get; private set; }

    /// <summary>satisfied / basically-satisfied / dissatisfied.</summary>
    public string Rating { get; private set; }

    public string? Comment { get; private set; }

    public ResponseChannel Channel { get; private set; }

    /// <summary>The staff account that entered it; null for a public response.</summary>
    public string? EvaluatorId { get; private set; }

    /// <summary>A public response's browser token (a random cookie value), for one response per browser per unit per day.</summary>
    public string? BrowserKey { get; private set; }

    /// <summary>The China date of a public response; with the browser key and unit, unique.</summary>
    public DateOnly? PublicDay { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }

    public const int MaxFormReferenceLength = 64;

    /// <summary>
    /// The paper form's serial or the respondent's code, unique per round, source and unit: the same form cannot be
    /// entered twice. Null for public responses (they have the browser key instead).
    /// </summary>
    public string? FormReference { get; private set; }

    /// <summary>
    /// Entered beyond the round's cap per account and unit: it counts nowhere (scores, a unit's aggregates) until a
    /// Supervisor confirms it.
    /// </summary>
    public bool AwaitingConfirmation { get; private set; }

    public string? ConfirmedById { get; private set; }

    public DateTime? ConfirmedAtUtc { get; private set; }

    /// <summary>
    /// A public answer given with a one-time evaluation code (一事一评); false for the static QR's uncoded answers,
    /// which the round file weighs on their own (<c>publicSurvey.uncodedWeight</c>).
    /// </summary>
    public bool Coded { get; private set; }

    public const int MaxReviewFlagLength = 32;

    /// <summary>
    /// Why an uncoded public answer waits for a Supervisor (<see cref="ReviewFlags"/>: a burst for the unit, or the
    /// same answer as another one); null when nothing was flagged.
    /// </summary>
    public string? ReviewFlag { get; private set; }

    public void MarkCoded() => Coded = true;

    /// <summary>
    /// SHA-256 of the overall rating and every answer (choices and text) of an uncoded public answer: equal
    /// fingerprints for one unit are identical answers (<see cref="ReviewFlags.Identical"/>). Null elsewhere.
    /// </summary>
    public string? Fingerprint { get; private set; }

    public void SetFingerprint() => Fingerprint = FingerprintOf(Rating, Answers);

    public static string FingerprintOf(string rating, IEnumerable<EvaluationAnswer> answers)
    {
        var text = new System.Text.StringBuilder(rating);
        foreach (var a in answers.OrderBy(a => a.ItemCode, StringComparer.Ordinal))
        {
            text.Append('\u001f').Append(a.ItemCode).Append('\u001e').Append(a.Choice).Append('\u001e').Append(a.Text?.Trim());
        }
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Holds an unconfirmed answer back for review. An answer a Supervisor already confirmed stays counted; an answer
    /// flagged already keeps its first reason.
    /// </summary>
    public bool FlagForReview(string reason)
    {
        if (ConfirmedAtUtc is not null || ReviewFlag is not null)
        {
            return false;
        }
        ReviewFlag = reason;
        AwaitingConfirmation = true;
        return true;
    }

    public bool Confirm(string supervisorId, DateTime atUtc)
    {
        Complaint.EnsureUtc(atUtc);
        if (!AwaitingConfirmation)
        {
            return false;
        }
        AwaitingConfirmation = false;
        ConfirmedById = supervisorId;
        ConfirmedAtUtc = atUtc;
        return true;
    }

    public List<EvaluationAnswer> Answers { get; private set; } = [];
}

/// <summary>Why an uncoded public answer waits for a Supervisor's review.</summary>
public static class ReviewFlags
{
    /// <summary>Many answers for one unit in a short window.</summary>
    public const string Burst = "burst";

    /// <summary>The same overall rating, choices and text as another uncoded answer for the unit.</summary>
    public const string Identical = "identical";

    public static string LabelOf(string? flag) => flag switch
    {
        Burst => "短时间内集中提交",
        Identical => "与其他评价完全相同",
        null => string.Empty,
        _ => flag,
    };
}

/// <summary>The answer to one questionnaire item: an option code of its scale, or text.</summary>
public sealed class EvaluationAnswer
{
    private EvaluationAnswer()
    {
        ItemCode = string.Empty;
    }

    public EvaluationAnswer(string itemCode, string? choice, string? text)
    {
        ItemCode = itemCode;
        Choice = choice;
        Text = text;
    }

    public long Id { get; private set; }

    public long ResponseId { get; private set; }

    public string ItemCode { get; private set; }

    public string? Choice { get; private set; }

    public string? Text { get; private set; }
}
