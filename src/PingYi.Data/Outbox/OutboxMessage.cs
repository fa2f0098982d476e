namespace PingYi.Data.Outbox;

public enum OutboxState
{
    /// <summary>Waiting for its time (<see cref="OutboxMessage.NextAttemptAtUtc"/>).</summary>
    Pending = 0,

    /// <summary>Claimed by a delivery run that committed the claim before talking to the mail server.</summary>
    Sending = 1,

    Sent = 2,

    /// <summary>Given up: the last retry failed, or a delivery was interrupted and may or may not have gone out.</summary>
    Failed = 3,
}

/// <summary>How an outbox row goes out: an e-mail, or a text message (SMS) to a mobile number.</summary>
public enum OutboxChannel
{
    Mail = 0,
    Sms = 1,
}

/// <summary>
/// One e-mail or SMS to one recipient, rendered when the change it reports was saved (in the same transaction),
/// and delivered later by the outbox job. The rendered text is kept so that what was sent can be read back.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
        Kind = Recipient = Subject = TextBody = HtmlBody = MessageId = string.Empty;
    }

    public OutboxMessage(string kind, long? complaintId, string recipient, string subject, string textBody, string htmlBody,
        string messageId, DateTime createdAtUtc, DateTime notBeforeUtc, string? dedupKey = null, bool toComplainant = false)
    {
        ToComplainant = toComplainant;
        RecipientHash = HashOf(recipient);
        DedupKey = dedupKey;
        Kind = kind;
        ComplaintId = complaintId;
        Recipient = recipient;
        Subject = subject;
        TextBody = textBody;
        HtmlBody = htmlBody;
        MessageId = messageId;
        CreatedAtUtc = createdAtUtc;
        NotBeforeUtc = notBeforeUtc;
        NextAttemptAtUtc = notBeforeUtc > createdAtUtc ? notBeforeUtc : createdAtUtc;
        State = OutboxState.Pending;
    }

    /// <summary>
    /// An SMS to <paramref name="mobile"/>: <paramref name="text"/> is the whole message as the pickup folder writes it;
    /// <paramref name="templateParams"/> (JSON) are the values a gateway fills into its pre-approved template.
    /// </summary>
    public static OutboxMessage Sms(string kind, long? complaintId, string mobile, string text, string templateParams,
        string messageId, DateTime createdAtUtc, DateTime notBeforeUtc, bool toComplainant, string? dedupKey = null) =>
        new(kind, complaintId, mobile, string.Empty, text, string.Empty, messageId, createdAtUtc, notBeforeUtc, dedupKey, toComplainant)
        {
            Channel = OutboxChannel.Sms,
            TemplateParams = templateParams,
        };

    public long Id { get; private set; }

    public OutboxChannel Channel { get; private set; }

    /// <summary>An SMS's template parameters as a JSON object (snake_case names); null for mail.</summary>
    public string? TemplateParams { get; private set; }

    /// <summary>
    /// Kinds whose text holds a secret for the complainant (an access code, a one-time recovery code): the text and
    /// parameters are never shown on the outbox pages and are dropped once the message is out.
    /// </summary>
    public static readonly string[] SecretKinds = ["lodged-code", "recovery-code"];

    /// <summary>What a sent secret row keeps instead of its text.</summary>
    public const string DroppedText = "（含一次性信息，已删除）";

    /// <summary>The template it was rendered from: <c>assigned</c>, <c>overdue</c>, <c>digest</c>, …</summary>
    public string Kind { get; private set; }

    /// <summary>The case it is about; null for mail about no single case (the daily digest).</summary>
    public long? ComplaintId { get; private set; }

    public string Recipient { get; private set; }

    /// <summary>Mail to a complainant: its recipient is masked for everyone and dropped once sent.</summary>
    public bool ToComplainant { get; private set; }

    /// <summary>
    /// SHA-256 (hex) of the lower-cased recipient: once a complainant's address is dropped from a sent row, the
    /// hash still finds the row (de-duplication, erasure by address).
    /// </summary>
    public string? RecipientHash { get; private set; }

    /// <summary>What a sent complainant row keeps in <see cref="Recipient"/> instead of the address.</summary>
    public const string DroppedRecipient = "（已删除）";

    public static string HashOf(string recipient) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(recipient.Trim().ToLowerInvariant())));

    /// <summary>
    /// For mail a scheduled job writes about a fact rather than a change (a reminder of a due date): the same
    /// key and recipient are unique, so a second run, or two nodes, write it once. Null for everything else.
    /// </summary>
    public string? DedupKey { get; private set; }

    public string Subject { get; private set; }

    public string TextBody { get; private set; }

    public string HtmlBody { get; private set; }

    public OutboxState State { get; private set; }

    /// <summary>Delivery attempts that reached a verdict (sent, refused); a claim alone does not count.</summary>
    public int Attempts { get; private set; }

    /// <summary>When a pending row is due; for a row being sent, when its claim (lease) runs out.</summary>
    public DateTime NextAttemptAtUtc { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>The RFC 5322 Message-Id, fixed when the row is written: every delivery of this row carries the same one.</summary>
    public string MessageId { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }

    /// <summary>Quiet hours: staff mail written in the evening waits for the next working morning.</summary>
    public DateTime NotBeforeUtc { get; private set; }

    public DateTime? SentAtUtc { get; private set; }

    /// <summary>Which delivery run holds the row while it is <see cref="OutboxState.Sending"/>.</summary>
    public Guid? ClaimToken { get; private set; }

    /// <summary>An administrator sends a failed row again (with its original Message-Id).</summary>
    public bool Resend(DateTime nowUtc)
    {
        if (State != OutboxState.Failed)
        {
            return false;
        }
        State = OutboxState.Pending;
        Attempts = 0;
        NextAttemptAtUtc = nowUtc;
        ClaimToken = null;
        return true;
    }
}
