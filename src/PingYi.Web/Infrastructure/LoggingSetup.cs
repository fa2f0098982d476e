namespace PingYi.Web.Infrastructure;

/// <summary>
/// <c>Logging:Json</c> (default: true outside Development): one JSON object per line on the console, UTC
/// timestamps, with the scopes, which carry the request's TraceId and SpanId (the same ids as the OpenTelemetry
/// trace), so a log line leads to its trace. A <c>Logging:Console:FormatterName</c> set explicitly wins.
/// What is logged never carries personal data: no contact, access code or complaint text (LogPrivacyTests).
/// </summary>
public static class LoggingSetup
{
    public static void AddPingYiLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (Json(builder))
        {
            AddJson(builder.Logging);
        }
    }

    /// <summary>For what is logged before the host exists (configuration faults): the same console format.</summary>
    public static ILoggerFactory StartupLoggers(WebApplicationBuilder builder) => LoggerFactory.Create(l =>
    {
        if (Json(builder))
        {
            AddJson(l);
        }
        else
        {
            l.AddConsole();
        }
    });

    private static bool Json(WebApplicationBuilder builder) =>
        builder.Configuration.GetValue("Logging:Json", !builder.Environment.IsDevelopment())
        && string.IsNullOrEmpty(builder.Configuration["Logging:Console:FormatterName"]);

    private static void AddJson(ILoggingBuilder logging) => logging.AddJsonConsole(o =>
    {
        o.IncludeScopes = true;
        o.UseUtcTimestamp = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
    });
}
