using System.Text.Json;
using System.Text.Encodings.Web;
using Fluid;

namespace PingYi.Web.Features.Notifications;

/// <summary>
/// What an SMS is rendered from (templates read it in snake_case). The same values go to a gateway as the
/// template's parameters, so each field is one a template may show.
/// </summary>
public sealed record SmsModel
{
    public string TrackingNumber { get; init; } = "";
    public string? UnitName { get; init; }

    /// <summary>The page to open, from the public base URL.</summary>
    public string Link { get; init; } = "";

    /// <summary>The access code (only when the complainant asked for it by SMS) or a one-time recovery code.</summary>
    public string? Code { get; init; }

    /// <summary>Days left to rate the answer.</summary>
    public int? Days { get; init; }

    /// <summary>A 督办 notice number and its reply deadline (China time).</summary>
    public string? Reference { get; init; }
    public string? ReplyDeadline { get; init; }

    /// <summary>How long a one-time code is good for, in minutes.</summary>
    public int? Minutes { get; init; }
}

public sealed record RenderedSms(string Text, string TemplateParams);

/// <summary>
/// The SMS templates: <c>Templates/&lt;name&gt;.sms.liquid</c>, one short text each (70 characters make one SMS),
/// parsed once at start-up (a missing or broken file stops the app, naming it).
/// </summary>
public sealed class SmsTemplates
{
    /// <summary>Complaint lodged: the tracking number only.</summary>
    public const string Lodged = "lodged";

    /// <summary>Complaint lodged, with the access code the complainant asked to receive by SMS.</summary>
    public const string LodgedWithCode = "lodged-code";

    /// <summary>A one-time code to recover a lost access code.</summary>
    public const string RecoveryCode = "recovery-code";

    /// <summary>The notices that also go by SMS: to a complainant who gave a mobile number, or to staff who opted in (urgent ones).</summary>
    public static readonly IReadOnlyDictionary<PingYi.Domain.Complaints.NoticeKind, string> NameOf = new Dictionary<PingYi.Domain.Complaints.NoticeKind, string>
    {
        [PingYi.Domain.Complaints.NoticeKind.Accepted] = "accepted",
        [PingYi.Domain.Complaints.NoticeKind.Declined] = "declined",
        [PingYi.Domain.Complaints.NoticeKind.Replied] = "replied",
        [PingYi.Domain.Complaints.NoticeKind.Reopened] = "reopened",
        [PingYi.Domain.Complaints.NoticeKind.Supervised] = "supervised",
        [PingYi.Domain.Complaints.NoticeKind.Escalated] = "escalated",
        [PingYi.Domain.Complaints.NoticeKind.Suspended] = "suspended",
    };

    public static IReadOnlyList<string> Names { get; } = [.. NameOf.Values, Lodged, LodgedWithCode, RecoveryCode];

    private static readonly FluidParser Parser = new();
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly TemplateOptions _options;
    private readonly Dictionary<string, IFluidTemplate> _templates = [];

    public SmsTemplates(string directory)
    {
        _options = new TemplateOptions();
        _options.MemberAccessStrategy.MemberNameStrategy = MemberNameStrategies.SnakeCase;
        _options.MemberAccessStrategy.Register<SmsModel>();
        foreach (var name in Names)
        {
            var path = Path.Combine(directory, $"{name}.sms.liquid");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"SMS template {path} is missing.");
            }
            _templates[name] = Parser.TryParse(File.ReadAllText(path), out var template, out var error)
                ? template
                : throw new InvalidOperationException($"SMS template {path} does not parse: {error}");
        }
    }

    /// <summary>The text on one line, and the model's values as the gateway's template parameters.</summary>
    public RenderedSms Render(string name, SmsModel model)
    {
        if (!_templates.TryGetValue(name, out var template))
        {
            throw new ArgumentException($"No SMS template '{name}'.", nameof(name));
        }
        var text = template.Render(new TemplateContext(model, _options), NullEncoder.Default);
        var oneLine = string.Join("", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return new RenderedSms(oneLine, JsonSerializer.Serialize(model, Json));
    }
}
