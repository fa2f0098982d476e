using MailKit;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PingYi.Data;
using PingYi.Data.Outbox;

namespace PingYi.Web.Features.Notifications;

/// <summary>
/// Delivers due outbox rows. Each row is claimed on its own (state → sending, committed) immediately before
/// it is handed to the mail server, and marked sent right after. A row found still "sending" after its lease
/// belonged to a run that died between the two: it may have gone out, so it is never sent again on its own
/// but marked failed for an administrator to check and re-send (at most once; see docs/notifications.md).
/// </summary>
public static class DeliverOutbox
{
    public const string JobId = "outbox";
    public const int BatchSize = 100;

    /// <summary>How long a claimed row may take to send before it counts as interrupted.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    public const string InterruptedError = "投递中断：发送结果不明（可能已送达），为避免重复发送未自动重试。请核实后手动重新发送。";

    public sealed record Outcome(int Sent, int Retrying, int Failed);

    /// <param name="metrics">Null where no host is (the outbox benchmark drives the handler alone).</param>
    public sealed class Handler(PingYiDbContext db, MailSettings settings, ISmsSender sms, TimeProvider time, ILogger<Handler> logger, Infrastructure.Telemetry.PingYiMetrics? metrics = null)
    {
        public async Task<Outcome> HandleAsync(CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var failed = await FailInterruptedAsync(now, ct);
            metrics?.NoticesFailed(failed);
            int sent = 0, retrying = 0;
            using var transport = new Transport(settings, logger);
            var seen = new HashSet<long>();
            // A channel whose server does not answer: the rest of its rows stay pending, unattempted, for the next run.
            var down = new HashSet<OutboxChannel>();
            while (!ct.IsCancellationRequested)
            {
                var due = await DueAsync(now, ct);
                due.RemoveAll(m => !seen.Add(m.Id));
                if (due.Count == 0)
                {
                    break;
                }
                foreach (var message in due.Where(m => !down.Contains(m.Channel)))
                {
                    var token = Guid.NewGuid();
                    now = time.GetUtcNow().UtcDateTime;
                    if (!await ClaimAsync(message.Id, token, now, ct))
                    {
                        continue;
                    }
                    var (error, verdict, unreachable) = message.Channel == OutboxChannel.Sms
                        ? await SendSmsAsync(message, ct)
                        : await SendAsync(transport, message, ct);
                    now = time.GetUtcNow().UtcDateTime;
                    switch (await RecordAsync(message, token, error, verdict, now))
                    {
                        case OutboxState.Sent:
                            metrics?.NoticeDelivered();
                            sent++;
                            break;
                        case OutboxState.Failed:
                            metrics?.NoticesFailed(1);
                            failed++;
                            break;
                        default:
                            retrying++;
                            break;
                    }
                    if (unreachable)
                    {
                        down.Add(message.Channel);
                    }
                }
            }
            return Log(new Outcome(sent, retrying, failed));
        }

        /// <summary>Whole rows: a pending row's content never changes, so what is read here is what the claim takes.</summary>
        private Task<List<OutboxMessage>> DueAsync(DateTime now, CancellationToken ct) =>
            db.OutboxMessages.AsNoTracking()
                .Where(m => m.State == OutboxState.Pending && m.NextAttemptAtUtc <= now)
                .OrderBy(m => m.NextAttemptAtUtc).ThenBy(m => m.Id)
                .Take(BatchSize)
                .ToListAsync(ct);

        /// <summary>The claim is committed before the server sees the message: another run skips the row.</summary>
        private async Task<bool> ClaimAsync(long id, Guid token, DateTime now, CancellationToken ct) =>
            await db.OutboxMessages
                .Where(m => m.Id == id && m.State == OutboxState.Pending && m.NextAttemptAtUtc <= now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.State, OutboxState.Sending)
                    .SetProperty(m => m.ClaimToken, token)
                    .SetProperty(m => m.NextAttemptAtUtc, now + Lease), ct) > 0;

        /// <summary>Hands the message to the server: no error, or the error with what it means for the row.</summary>
        private async Task<(string? Error, Verdict Verdict, bool Unreachable)> SendAsync(Transport transport, OutboxMessage message, CancellationToken ct)
        {
            try
            {
                await transport.SendAsync(message, ct);
                return (null, Verdict.Retry, false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var error = $"{e.GetType().Name}: {e.Message}";
                var verdict = transport.Classify(e);
                if (verdict == Verdict.Unknown)
                {
                    error = InterruptedError + " " + error;
                }
                logger.LogWarning("Outbox message {Id} to {Recipient} not delivered (attempt {Attempt}): {Error}", message.Id, ForLog(message), message.Attempts + 1, error);
                return (error, verdict, transport.ServerUnreachable);
            }
        }

        /// <summary>Hands an SMS to the gateway (or the pickup folder): the same verdicts as mail.</summary>
        private async Task<(string? Error, Verdict Verdict, bool Unreachable)> SendSmsAsync(OutboxMessage message, CancellationToken ct)
        {
            try
            {
                await sms.SendAsync(message, ct);
                return (null, Verdict.Retry, false);
            }
            catch (SmsSendException e)
            {
                var error = $"SMS: {e.Message}";
                var verdict = e.Failure switch
                {
                    SmsFailure.Permanent => Verdict.Permanent,
                    SmsFailure.Unknown => Verdict.Unknown,
                    _ => Verdict.Retry,
                };
                if (verdict == Verdict.Unknown)
                {
                    error = InterruptedError + " " + error;
                }
                logger.LogWarning("Outbox SMS {Id} not delivered (attempt {Attempt}): {Error}", message.Id, message.Attempts + 1, error);
                return (error, verdict, e.Failure == SmsFailure.Unreachable);
            }
        }

        /// <summary>Records the attempt on the row this run claimed (its token): sent, failed for good, or pending again later.</summary>
        private async Task<OutboxState> RecordAsync(OutboxMessage message, Guid token, string? error, Verdict verdict, DateTime now)
        {
            var id = message.Id;
            var secretKinds = OutboxMessage.SecretKinds;
            var mine = db.OutboxMessages.Where(m => m.Id == id && m.ClaimToken == token && m.State == OutboxState.Sending);
            if (error is null)
            {
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.State, OutboxState.Sent)
                    .SetProperty(m => m.SentAtUtc, now)
                    // A complainant's address is not kept once the mail is out (PIPL); RecipientHash stays.
                    .SetProperty(m => m.Recipient, m => m.ToComplainant ? OutboxMessage.DroppedRecipient : m.Recipient)
                    // An access code or one-time code has done its job once delivered: nobody reads it back.
                    .SetProperty(m => m.TextBody, m => secretKinds.Contains(m.Kind) ? OutboxMessage.DroppedText : m.TextBody)
                    .SetProperty(m => m.HtmlBody, m => secretKinds.Contains(m.Kind) ? OutboxMessage.DroppedText : m.HtmlBody)
                    .SetProperty(m => m.TemplateParams, m => secretKinds.Contains(m.Kind) ? null : m.TemplateParams)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.ClaimToken, (Guid?)null), CancellationToken.None);
                return OutboxState.Sent;
            }
            if (verdict != Verdict.Retry || message.Attempts + 1 >= settings.MaxAttempts)
            {
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.State, OutboxState.Failed)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.LastError, Truncate(error))
                    .SetProperty(m => m.ClaimToken, (Guid?)null), CancellationToken.None);
                logger.LogError("Outbox message {Id} to {Recipient} failed after {Attempts} attempts: {Error}", id, ForLog(message), message.Attempts + 1, error);
                return OutboxState.Failed;
            }
            var retryAt = now + settings.RetryDelay(message.Attempts + 1);
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, OutboxState.Pending)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.NextAttemptAtUtc, retryAt)
                .SetProperty(m => m.LastError, Truncate(error))
                .SetProperty(m => m.ClaimToken, (Guid?)null), CancellationToken.None);
            return OutboxState.Pending;
        }

        private Outcome Log(Outcome outcome)
        {
            if (outcome.Sent + outcome.Retrying + outcome.Failed > 0)
            {
                logger.LogInformation("Outbox: {Sent} sent{Where} (SMS: {Sms}), {Retrying} to retry, {Failed} failed.", outcome.Sent,
                    settings.UsesPickupFolder ? $" (mail written to {settings.PickupFolder})" : $" via {settings.Host}:{settings.Port}", sms.Destination, outcome.Retrying, outcome.Failed);
            }
            return outcome;
        }

        /// <summary>Rows left "sending" past their lease by a run that died mid-delivery.</summary>
        private async Task<int> FailInterruptedAsync(DateTime now, CancellationToken ct)
        {
            var count = await db.OutboxMessages
                .Where(m => m.State == OutboxState.Sending && m.NextAttemptAtUtc <= now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.State, OutboxState.Failed)
                    .SetProperty(m => m.LastError, InterruptedError)
                    .SetProperty(m => m.ClaimToken, (Guid?)null), ct);
            if (count > 0)
            {
                logger.LogError("Outbox: {Count} messages were interrupted while being sent and are marked failed; check and re-send them at /staff/admin/outbox.", count);
            }
            return count;
        }

        private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000];
    }

    /// <summary>Who a row goes to, for a log: staff addresses as they are, a complainant's never (personal data stays out of logs).</summary>
    public static string ForLog(OutboxMessage row) => row.ToComplainant ? $"complainant (#{row.ComplaintId})" : row.Recipient;

    /// <summary>The MimeKit message for a row: its fixed Message-Id, so a second copy is recognisably the same message.</summary>
    public static MimeMessage ToMime(OutboxMessage row, MailSettings settings)
    {
        var message = new MimeMessage { MessageId = row.MessageId, Subject = row.Subject, Date = new DateTimeOffset(row.CreatedAtUtc, TimeSpan.Zero) };
        message.From.Add(MailboxAddress.Parse(settings.From));
        message.To.Add(MailboxAddress.Parse(row.Recipient));
        message.Headers.Add("X-PingYi-Kind", row.Kind);
        message.Body = new BodyBuilder { TextBody = row.TextBody, HtmlBody = row.HtmlBody }.ToMessageBody();
        return message;
    }

    /// <summary>What a failed send means for the row.</summary>
    private enum Verdict
    {
        /// <summary>Certainly not delivered (no connection, or the server refused with a temporary error): try again later.</summary>
        Retry,

        /// <summary>The server refused it for good (5xx): retrying will not help.</summary>
        Permanent,

        /// <summary>The connection broke while the message was being handed over: it may have been delivered.</summary>
        Unknown,
    }

    /// <summary>One SMTP connection per run (or the pickup folder when no <c>Smtp:Host</c> is set).</summary>
    private sealed class Transport(MailSettings settings, ILogger logger) : IDisposable
    {
        private SmtpClient? _client;

        /// <summary>The last failure was connecting or signing in, not this message.</summary>
        public bool ServerUnreachable { get; private set; }

        public async Task SendAsync(OutboxMessage row, CancellationToken ct)
        {
            using var activity = Infrastructure.Telemetry.PingYiMetrics.Source.StartActivity(settings.UsesPickupFolder ? "mail pickup write" : "smtp send",
                settings.UsesPickupFolder ? System.Diagnostics.ActivityKind.Internal : System.Diagnostics.ActivityKind.Client);
            activity?.SetTag("pingyi.outbox.id", row.Id);
            activity?.SetTag("pingyi.outbox.kind", row.Kind);
            if (!settings.UsesPickupFolder)
            {
                activity?.SetTag("server.address", settings.Host);
                activity?.SetTag("server.port", settings.Port);
            }
            try
            {
                await SendCoreAsync(row, ct);
            }
            catch (Exception e)
            {
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
                throw;
            }
        }

        private async Task SendCoreAsync(OutboxMessage row, CancellationToken ct)
        {
            var message = ToMime(row, settings);
            if (settings.UsesPickupFolder)
            {
                await WriteToPickupFolderAsync(message, row, ct);
                return;
            }
            ServerUnreachable = false;
            if (_client is not { IsConnected: true })
            {
                _client?.Dispose();
                _client = new SmtpClient { Timeout = 30_000 };
                try
                {
                    await _client.ConnectAsync(settings.Host!, settings.Port, settings.SocketOptions, ct);
                    if (settings.User is not null)
                    {
                        await _client.AuthenticateAsync(settings.User, settings.Password ?? "", ct);
                    }
                }
                catch
                {
                    ServerUnreachable = true;
                    throw;
                }
            }
            await _client.SendAsync(message, ct);
        }

        public Verdict Classify(Exception e)
        {
            if (settings.UsesPickupFolder || ServerUnreachable)
            {
                // A pickup file is written under a temporary name and renamed: a failure left nothing behind.
                return Verdict.Retry;
            }
            if (e is SmtpCommandException command)
            {
                return (int)command.StatusCode >= 500 ? Verdict.Permanent : Verdict.Retry;
            }
            // The server may have accepted the message before the connection broke; drop the connection.
            _client?.Dispose();
            _client = null;
            return Verdict.Unknown;
        }

        private async Task WriteToPickupFolderAsync(MimeMessage message, OutboxMessage row, CancellationToken ct)
        {
            Directory.CreateDirectory(settings.PickupFolder);
            var name = $"{row.CreatedAtUtc:yyyyMMddHHmmss}-{row.Id}.eml";
            var path = Path.Combine(settings.PickupFolder, name);
            var temp = path + ".tmp";
            await message.WriteToAsync(temp, ct);
            // A reader of the folder never sees half a message.
            File.Move(temp, path, overwrite: true);
            logger.LogInformation("Mail to {Recipient} written to {Path}.", ForLog(row), path);
        }

        public void Dispose()
        {
            if (_client is { IsConnected: true })
            {
                try
                {
                    _client.Disconnect(true);
                }
                catch (Exception e) when (e is IOException or ProtocolException or System.Net.Sockets.SocketException)
                {
                    // The messages are marked already; a failed QUIT changes nothing.
                }
            }
            _client?.Dispose();
        }
    }
}
