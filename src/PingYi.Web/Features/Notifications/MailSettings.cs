using MailKit.Security;

namespace PingYi.Web.Features.Notifications;

/// <summary>How supervisors hear that a unit answered or filed a request: a mail each time, or in the daily digest.</summary>
public enum SupervisorNoticeMode
{
    Immediate,
    Digest,
}

public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>
/// <c>Smtp:*</c> (the server; no <c>Smtp:Host</c> means the pickup folder) and <c>Mail:*</c> (links, quiet
/// hours, retries). Read once at start-up; a bad value stops the app with the setting's name.
/// </summary>
public sealed record MailSettings
{
    public string? Host { get; init; }
    public int Port { get; init; } = 25;
    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;
    public string? User { get; init; }
    public string? Password { get; init; }
    public string From { get; init; } = "评议 PingYi <noreply@pingyi.local>";

    /// <summary>What Development uses until the app knows the address it listens on (the launch profile's port).</summary>
    public const string DevelopmentFallbackBaseUrl = "http://localhost:5080";

    private string? _configuredBaseUrl;
    private string? _listeningBaseUrl;

    /// <summary>
    /// The public address of the site: every link in a message, the set-password link and the survey QR codes are
    /// built from it. <c>Mail:BaseUrl</c> when set (required outside Development, see ProductionDefaults); otherwise
    /// the address the app listens on, once it listens.
    /// </summary>
    public string BaseUrl
    {
        get => _configuredBaseUrl ?? Volatile.Read(ref _listeningBaseUrl) ?? DevelopmentFallbackBaseUrl;
        init => _configuredBaseUrl = value;
    }

    /// <summary>Whether <c>Mail:BaseUrl</c> was set, rather than taken from where the app listens.</summary>
    public bool BaseUrlConfigured => _configuredBaseUrl is not null;

    /// <summary>
    /// Without <c>Mail:BaseUrl</c>, the first address the server listens on, with a wildcard host (<c>+</c>,
    /// <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) read as localhost. Returns the base now in use.
    /// </summary>
    public string UseListeningAddresses(IEnumerable<string> addresses)
    {
        if (!BaseUrlConfigured && ListeningBaseUrl(addresses) is { } listening)
        {
            Volatile.Write(ref _listeningBaseUrl, listening);
        }
        return BaseUrl;
    }

    public static string? ListeningBaseUrl(IEnumerable<string> addresses)
    {
        var all = addresses.ToList();
        // Prefer http: the Development certificate may not be trusted by a mail reader's browser.
        foreach (var address in all.Where(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                     .Concat(all.Where(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))))
        {
            var text = address.Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                continue;
            }
            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
            return new UriBuilder(uri.Scheme, host, uri.Port).Uri.GetLeftPart(UriPartial.Authority);
        }
        return null;
    }

    public bool QuietHours { get; init; } = true;

    /// <summary><c>Mail:SupervisorNotices</c>: <c>Immediate</c> (default) or <c>Digest</c>.</summary>
    public SupervisorNoticeMode SupervisorNotices { get; init; } = SupervisorNoticeMode.Immediate;

    /// <summary>Delivery attempts before a row is marked failed.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>The first retry waits this long; each further one twice as long (capped at six hours).</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Where the pickup folder mode writes <c>.eml</c> files.</summary>
    public string PickupFolder { get; init; } = "data/mail";

    public bool UsesPickupFolder => string.IsNullOrWhiteSpace(Host);

    public SecureSocketOptions SocketOptions => Security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>The domain of Message-Ids: the site's host name.</summary>
    public string MessageIdDomain => Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) ? uri.Host : "pingyi.local";

    public string Link(string pathAndQuery) => BaseUrl.TrimEnd('/') + pathAndQuery;

    public TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(6).Ticks, RetryBase.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the setting at fault.</summary>
    public static MailSettings Read(IConfiguration configuration, string contentRoot)
    {
        var smtp = configuration.GetSection("Smtp");
        var mail = configuration.GetSection("Mail");
        var defaults = new MailSettings();
        var securityText = smtp["Security"];
        var security = defaults.Security;
        if (!string.IsNullOrWhiteSpace(securityText)
            && (!Enum.TryParse(securityText.Trim(), ignoreCase: true, out security) || !Enum.IsDefined(security)))
        {
            throw new InvalidOperationException($"Setting Smtp:Security is '{securityText}'; use None, StartTls or SslOnConnect.");
        }
        var supervisorText = mail["SupervisorNotices"];
        var supervisorNotices = defaults.SupervisorNotices;
        if (!string.IsNullOrWhiteSpace(supervisorText)
            && (!Enum.TryParse(supervisorText.Trim(), ignoreCase: true, out supervisorNotices) || !Enum.IsDefined(supervisorNotices)))
        {
            throw new InvalidOperationException($"Setting Mail:SupervisorNotices is '{supervisorText}'; use Immediate or Digest.");
        }
        var port = Number(smtp, "Port", security == SmtpSecurity.SslOnConnect ? 465 : security == SmtpSecurity.StartTls ? 587 : 25, 1, 65535);
        var from = smtp["From"] is { Length: > 0 } f ? f : defaults.From;
        if (!MimeKit.MailboxAddress.TryParse(from, out _))
        {
            throw new InvalidOperationException($"Setting Smtp:From is '{from}', which is not an e-mail address.");
        }
        var baseUrl = mail["BaseUrl"] is { Length: > 0 } b ? b.Trim() : null;
        if (baseUrl is not null && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException($"Setting Mail:BaseUrl is '{baseUrl}'; use the site's address, e.g. https://pingyi.example.gov.cn.");
        }
        return new MailSettings
        {
            _configuredBaseUrl = baseUrl?.TrimEnd('/'),
            Host = smtp["Host"] is { Length: > 0 } host ? host.Trim() : null,
            Port = port,
            Security = security,
            User = smtp["User"] is { Length: > 0 } user ? user : null,
            Password = smtp["Password"] is { Length: > 0 } password ? password : null,
            From = from,
            QuietHours = mail.GetValue("QuietHours", true),
            SupervisorNotices = supervisorNotices,
            MaxAttempts = Number(mail, "MaxAttempts", defaults.MaxAttempts, 1, 100),
            RetryBase = TimeSpan.FromSeconds(Number(mail, "RetryBaseSeconds", (int)defaults.RetryBase.TotalSeconds, 1, 86400)),
            PickupFolder = Path.GetFullPath(mail["PickupFolder"] is { Length: > 0 } folder ? folder : defaults.PickupFolder, contentRoot),
        };
    }

    private static int Number(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"Setting {section.Path}:{key} is '{text}'; use a whole number from {min} to {max}.");
    }
}
