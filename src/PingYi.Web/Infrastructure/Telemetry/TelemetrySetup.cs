using System.Net;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PingYi.Web.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry on the standard variables. Traces: ASP.NET Core, HttpClient, EF Core commands (both providers) and
/// our own spans (<see cref="PingYiMetrics.Source"/>). Metrics: ASP.NET Core, HttpClient, the runtime, Npgsql and
/// the <c>PingYi</c> meter. OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (protocol, headers, service
/// name from the other OTEL_* variables); a Prometheus scrape endpoint at <c>/metrics</c> only with
/// <c>Telemetry:Prometheus=true</c>, answered only to <c>Telemetry:PrometheusAllowedNetworks</c> (default loopback)
/// and, with <c>Telemetry:PrometheusPort</c>, only on that port. With no exporter nothing is collected.
/// <c>Telemetry:Tracing</c> / <c>Telemetry:Metrics</c> turn collection on for another exporter (the tests' in-memory one).
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static void AddPingYiTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton<PingYiMetrics>();
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var prometheus = configuration.GetValue("Telemetry:Prometheus", false);
        var tracing = configuration.GetValue("Telemetry:Tracing", otlp);
        var metrics = configuration.GetValue("Telemetry:Metrics", otlp || prometheus);
        if (!tracing && !metrics)
        {
            return;
        }
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: "pingyi", serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()));
        if (tracing)
        {
            telemetry.WithTracing(t =>
            {
                t.AddSource(PingYiMetrics.Name)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation();
                if (otlp)
                {
                    t.AddOtlpExporter();
                }
            });
        }
        if (metrics)
        {
            telemetry.WithMetrics(m =>
            {
                m.AddMeter(PingYiMetrics.Name, "Npgsql")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
                if (prometheus)
                {
                    m.AddPrometheusExporter();
                }
            });
        }
    }

    private static bool IsProbe(PathString path) => path.StartsWithSegments("/healthz") || path.StartsWithSegments(MetricsPath);

    /// <summary>
    /// Before routing: /metrics is 404 to anyone outside the allowed networks (after the forwarded headers, so a
    /// client behind the proxy is judged by its own address, never the proxy's) and on any other port.
    /// </summary>
    public static void UsePingYiMetricsEndpoint(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Telemetry:Prometheus", false))
        {
            return;
        }
        var networks = (app.Configuration["Telemetry:PrometheusAllowedNetworks"] ?? "127.0.0.0/8,::1/128")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(IPNetwork.Parse).ToList();
        var port = app.Configuration.GetValue<int?>("Telemetry:PrometheusPort");
        app.UseWhen(http => http.Request.Path.StartsWithSegments(MetricsPath), metrics => metrics.Use(async (http, next) =>
        {
            var peer = http.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : http.Connection.RemoteIpAddress;
            if (peer is null || !networks.Any(n => n.Contains(peer)) || (port is { } only && http.Connection.LocalPort != only))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(http);
        }));
    }

    public static void MapPingYiMetricsEndpoint(this WebApplication app)
    {
        if (app.Configuration.GetValue("Telemetry:Prometheus", false))
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }
    }
}
