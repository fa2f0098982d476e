namespace PingYi.Web.Features.Notifications;

/// <summary>
/// <c>Sms:*</c>: the SMS gateway (no <c>Sms:GatewayUrl</c> means the pickup folder, one file per message). Chinese
/// gateways send only pre-approved templates under a registered signature (签名): <c>Sms:SignName</c> and one
/// <c>Sms:Templates:&lt;name&gt;</c> template id per message kind. Read once at start-up; a bad value stops the app
/// with the setting's name.
/// </summary>
public sealed record SmsSettings
{
    public string? GatewayUrl { get; init; }
    public string? Account { get; init; }
    public string? Secret { get; init; }

    /// <summary>The 签名 the gateway puts in front of every message (【评议】).</summary>
    public string SignName { get; init; } = "评议";

    /// <summary>The gateway's template id of each SMS template name (<see cref="SmsTemplates.Names"/>).</summary>
    public IReadOnlyDictionary<string, string> TemplateIds { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the pickup mode writes <c>.txt</c> files (recipient and text).</summary>
    public string PickupFolder { get; init; } = "data/sms";

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    public bool UsesPickupFolder => string.IsNullOrWhiteSpace(GatewayUrl);

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the setting at fault.</summary>
    public static SmsSettings Read(IConfiguration configuration, string contentRoot)
    {
        var sms = configuration.GetSection("Sms");
        var defaults = new SmsSettings();
        var url = sms["GatewayUrl"] is { Length: > 0 } u ? u.Trim() : null;
        var ids = sms.GetSection("Templates").GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .ToDictionary(c => c.Key, c => c.Value!.Trim(), StringComparer.Ordinal);
        if (url is not null)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException($"Setting Sms:GatewayUrl is '{url}'; use the gateway's http(s) address.");
            }
            foreach (var key in new[] { "Account", "Secret" }.Where(k => string.IsNullOrWhiteSpace(sms[k])))
            {
                throw new InvalidOperationException($"Setting Sms:{key} is required with Sms:GatewayUrl.");
            }
            if (SmsTemplates.Names.FirstOrDefault(n => !ids.ContainsKey(n)) is { } missing)
            {
                throw new InvalidOperationException($"Setting Sms:Templates:{missing} is required with Sms:GatewayUrl (the gateway's approved template id for '{missing}').");
            }
        }
        var timeout = sms["TimeoutSeconds"] is { Length: > 0 } t
            ? int.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 300
                ? TimeSpan.FromSeconds(seconds)
                : throw new InvalidOperationException($"Setting Sms:TimeoutSeconds is '{t}'; use a whole number from 1 to 300.")
            : defaults.Timeout;
        return new SmsSettings
        {
            GatewayUrl = url,
            Account = sms["Account"] is { Length: > 0 } account ? account.Trim() : null,
            Secret = sms["Secret"] is { Length: > 0 } secret ? secret : null,
            SignName = sms["SignName"] is { Length: > 0 } sign ? sign.Trim() : defaults.SignName,
            TemplateIds = ids,
            PickupFolder = Path.GetFullPath(sms["PickupFolder"] is { Length: > 0 } folder ? folder : defaults.PickupFolder, contentRoot),
            Timeout = timeout,
        };
    }
}
