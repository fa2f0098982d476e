using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PingYi.Data.Outbox;

namespace PingYi.Web.Features.Notifications;

/// <summary>What a failed SMS send means for its outbox row.</summary>
public enum SmsFailure
{
    /// <summary>The gateway could not be reached: certainly not sent; the rest of the run's SMS wait too.</summary>
    Unreachable,

    /// <summary>The gateway answered "not now" (429, 5xx): certainly not sent; try again later.</summary>
    Temporary,

    /// <summary>The gateway refused the message for good (a bad number, an unknown template): retrying will not help.</summary>
    Permanent,

    /// <summary>The request went out and no answer came back: it may have been sent, so it is not sent again on its own.</summary>
    Unknown,
}

public sealed class SmsSendException(SmsFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public SmsFailure Failure { get; } = failure;
}

/// <summary>Hands one SMS outbox row to whatever delivers text messages; throws <see cref="SmsSendException"/> when it did not.</summary>
public interface ISmsSender
{
    /// <summary>Where messages go, for the log (the folder or the gateway's host).</summary>
    string Destination { get; }

    Task SendAsync(OutboxMessage row, CancellationToken ct);
}

/// <summary>Development: one <c>.txt</c> file per message under <c>Sms:PickupFolder</c> (data/sms), holding the recipient and the text.</summary>
public sealed class PickupSmsSender(SmsSettings settings, ILogger<PickupSmsSender> logger) : ISmsSender
{
    public string Destination => settings.PickupFolder;

    public async Task SendAsync(OutboxMessage row, CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(settings.PickupFolder);
            var path = Path.Combine(settings.PickupFolder, $"{row.CreatedAtUtc:yyyyMMddHHmmss}-{row.Id}.txt");
            var temp = path + ".tmp";
            var content = $"To: {row.Recipient}\nKind: {row.Kind}\nMessage-Id: {row.MessageId}\n\n【{settings.SignName}】{row.TextBody}\n";
            await File.WriteAllTextAsync(temp, content, new UTF8Encoding(false), ct);
            // A reader of the folder never sees half a message.
            File.Move(temp, path, overwrite: true);
            logger.LogInformation("SMS written to {Path}.", path);
        }
        catch (IOException e)
        {
            // Written under a temporary name and renamed: a failure left nothing behind.
            throw new SmsSendException(SmsFailure.Temporary, e.Message, e);
        }
    }
}

/// <summary>
/// A real gateway: one JSON POST per message to <c>Sms:GatewayUrl</c>, signed with HMAC-SHA256 of the timestamp
/// and body under <c>Sms:Secret</c> (headers <c>X-PingYi-Timestamp</c>, <c>X-PingYi-Signature</c>). The body names
/// the account, the 签名, the approved template id and its parameters, the recipient, the rendered text, and the
/// row's Message-Id as <c>outId</c> (a gateway that de-duplicates on it never delivers a re-sent row twice).
/// The gateway answers 2xx with <c>{"code":"OK"}</c> when it accepted the message.
/// </summary>
public sealed class HttpSmsSender(HttpClient http, SmsSettings settings, TimeProvider time) : ISmsSender
{
    public const string HttpClientName = "sms-gateway";

    public string Destination => new Uri(settings.GatewayUrl!).GetLeftPart(UriPartial.Authority);

    public async Task SendAsync(OutboxMessage row, CancellationToken ct)
    {
        var templateId = settings.TemplateIds.GetValueOrDefault(row.Kind)
            ?? throw new SmsSendException(SmsFailure.Permanent, $"No Sms:Templates:{row.Kind} template id.");
        var body = new JsonObject
        {
            ["account"] = settings.Account,
            ["signName"] = settings.SignName,
            ["templateId"] = templateId,
            ["phoneNumber"] = row.Recipient,
            ["templateParam"] = JsonNode.Parse(row.TemplateParams ?? "{}"),
            ["text"] = row.TextBody,
            ["outId"] = row.MessageId,
        }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.GatewayUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-PingYi-Timestamp", timestamp);
        request.Headers.Add("X-PingYi-Signature", Sign(settings.Secret!, timestamp, body));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, timeout.Token);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
        {
            throw new SmsSendException(SmsFailure.Unreachable, e.Message, e);
        }
        catch (HttpRequestException e)
        {
            // The request may have reached the gateway before the connection broke.
            throw new SmsSendException(SmsFailure.Unknown, e.Message, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new SmsSendException(SmsFailure.Unknown, $"No answer from the SMS gateway within {settings.Timeout.TotalSeconds:0} s.", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            {
                throw new SmsSendException(SmsFailure.Temporary, $"Gateway answered {(int)response.StatusCode}: {Short(text)}");
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new SmsSendException(SmsFailure.Permanent, $"Gateway answered {(int)response.StatusCode}: {Short(text)}");
            }
            if (Code(text) != "OK")
            {
                throw new SmsSendException(SmsFailure.Permanent, $"Gateway refused the message: {Short(text)}");
            }
        }
    }

    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + body)));

    private static string? Code(string text)
    {
        try
        {
            return JsonNode.Parse(text)?["code"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Short(string text) => text.Length <= 300 ? text : text[..300];
}
