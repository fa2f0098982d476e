using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// OpenTelemetry with the in-memory exporter: lodging a complaint is one trace (the HTTP server span, the database
/// command spans and, for a complainant with a mobile number, the outbox write of the 受理 SMS and its INSERT); a 交办
/// that writes notices adds the outbox write and its INSERT to its own request's trace; the PingYi meter's counters and outbox gauges move. Instruments are read from this app's
/// own meters only (other test apps in the process have theirs). Activity listeners are process-wide, so this
/// class runs alone, after the parallel ones: under a full parallel run it missed command spans.
/// </summary>
[Collection(Security.MeasuredAlone.Name)]
public sealed class TelemetryTests
{
    private const string EfCoreSource = "OpenTelemetry.Instrumentation.EntityFrameworkCore";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Lodging_and_assigning_are_traced_end_to_end_and_the_domain_counters_move(DatabaseProvider provider)
    {
        var spans = new List<Activity>();
        using var app = AppFactory.Create(provider, new Dictionary<string, string?> { ["Telemetry:Tracing"] = "true", ["Telemetry:Metrics"] = "true" },
            services: s =>
            {
                s.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new OpenTelemetry.SimpleActivityExportProcessor(new Collector(spans))));
                // EF Core caches for a second whether anyone listens to its command events; in a process that has just
                // started or disposed other tracing apps (the other provider's case) that left some of this app's first
                // commands untraced. A long-running node subscribes once at start and never sees it.
                s.ConfigureDbContext<PingYiDbContext>(o => o.ConfigureLoggingCacheTime(TimeSpan.Zero));
            });
        var client = app.CreateClient();
        var api = StaffApi.For(app);
        var supervisor = await api.AsAsync(Supervisor);
        using var instruments = new AppInstruments(app.Services.GetRequiredService<IMeterFactory>());

        // Lodge, under a trace id of the test's choosing: a named complainant with a mobile number, whose 受理 SMS the
        // same save writes to the outbox.
        var lodgeTrace = ActivityTraceId.CreateRandom();
        var lodge = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = TestData.Json(StaffApi.Named(TestData.Complaint("遥测测试"), Complainant.Distinct())) };
        lodge.Headers.Add("traceparent", $"00-{lodgeTrace}-{ActivitySpanId.CreateRandom()}-01");
        var lodged = await client.SendAsync(lodge);
        var number = JsonNode.Parse(await ExpectAsync(lodged, HttpStatusCode.Created))!["trackingNumber"]!.GetValue<string>();

        var lodgeSpans = await ServedSpansAsync(spans, lodgeTrace);
        Assert.Contains(lodgeSpans, s => s.Kind == ActivityKind.Server && s.DisplayName.StartsWith("POST", StringComparison.Ordinal));
        Assert.Contains(lodgeSpans, s => s.Source.Name == EfCoreSource && Statement(s).Contains("INSERT", StringComparison.OrdinalIgnoreCase));
        var lodgedSms = Assert.Single(lodgeSpans, s => s.Source.Name == "PingYi" && s.DisplayName == "outbox write");
        Assert.Equal(lodgeTrace, lodgedSms.TraceId);
        Assert.Contains(lodgeSpans, s => s.Source.Name == EfCoreSource && Statement(s).Contains("outbox", StringComparison.OrdinalIgnoreCase));

        // 交办 writes the unit's notice to the outbox in the same save: the outbox write and its INSERT are in that request's trace.
        var assignTrace = ActivityTraceId.CreateRandom();
        var assign = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/actions/assign") { Content = JsonContent.Create(new { unitCode = "jyt" }) };
        assign.Headers.Add("traceparent", $"00-{assignTrace}-{ActivitySpanId.CreateRandom()}-01");
        await ExpectAsync(await supervisor.SendAsync(assign), HttpStatusCode.OK);

        var assignSpans = await ServedSpansAsync(spans, assignTrace);
        Assert.Contains(assignSpans, s => s.Kind == ActivityKind.Server);
        var outboxWrite = Assert.Single(assignSpans, s => s.Source.Name == "PingYi" && s.DisplayName == "outbox write");
        Assert.Contains(assignSpans, s => s.Source.Name == EfCoreSource && Statement(s).Contains("outbox", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(assignTrace, outboxWrite.TraceId);

        Assert.Equal(1, instruments.Sum("pingyi.complaints.lodged"));
        Assert.Equal(1, instruments.Sum("pingyi.actions.performed", ("action", "assign")));
        Assert.True(instruments.Sum("pingyi.notices.written") >= 1, "no notice counted");
        Assert.True(instruments.Observe("pingyi.outbox.pending") >= 1, "outbox gauge shows nothing pending");

        // Delivery (the tests' pickup folder) counts, and the job run is a span of its own.
        await ExpectAsync(await (await api.AsAsync(Admin)).PostAsync("/api/v1/admin/jobs/outbox/run", null), HttpStatusCode.OK);
        Assert.True(instruments.Sum("pingyi.notices.delivered") >= 1, "no delivery counted");
        Assert.Contains(Snapshot(spans), s => s.Source.Name == "PingYi" && s.DisplayName == "job outbox");
        Assert.Contains(Snapshot(spans), s => s.Source.Name == "PingYi" && s.DisplayName == "mail pickup write");
        // The gauges read the database at most every 5 seconds (of the app's clock).
        app.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, instruments.Observe("pingyi.outbox.pending"));
    }

    [Fact]
    public async Task Metrics_endpoint_is_off_by_default_and_when_on_answers_only_the_allowed_networks()
    {
        using (var off = AppFactory.Create(DatabaseProvider.Sqlite))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Scrape(off.CreateClient(), "127.0.0.1")).StatusCode);
        }
        using var app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus"] = "true",
            ["Telemetry:PrometheusAllowedNetworks"] = "127.0.0.0/8, 10.1.2.0/24",
        });
        var client = app.CreateClient();
        await TestData.LodgeAsync(client);
        var scrape = await Scrape(client, "10.1.2.7");
        var text = await ExpectAsync(scrape, HttpStatusCode.OK);
        Assert.Contains("pingyi_complaints_lodged", text);
        Assert.Contains("http_server_request_duration", text);
        Assert.Equal(HttpStatusCode.NotFound, (await Scrape(client, "203.0.113.5")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
    }

    private static Task<HttpResponseMessage> Scrape(HttpClient client, string peer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add(TestPeerAddress.Header, peer);
        return client.SendAsync(request);
    }

    /// <summary>
    /// Collects the exported spans under the list's lock. The EF Core and ASP.NET Core activity sources are process-wide,
    /// so this app's tracer also records every other test app's commands and requests, from many threads at once: the
    /// in-memory exporter's unlocked list lost spans under that load (the test's own INSERT spans among them).
    /// </summary>
    private sealed class Collector(List<Activity> spans) : OpenTelemetry.BaseExporter<Activity>
    {
        public override OpenTelemetry.ExportResult Export(in OpenTelemetry.Batch<Activity> batch)
        {
            lock (spans)
            {
                foreach (var span in batch)
                {
                    spans.Add(span);
                }
            }
            return OpenTelemetry.ExportResult.Success;
        }
    }

    private static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return spans.ToList();
        }
    }

    /// <summary>
    /// The trace's spans once its server span has ended: the client can read the response a moment before the
    /// server's request activity stops and is exported.
    /// </summary>
    private static async Task<List<Activity>> ServedSpansAsync(List<Activity> spans, ActivityTraceId trace)
    {
        for (var waited = 0; waited < 100 && !SpansOf(spans, trace).Any(s => s.Kind == ActivityKind.Server); waited++)
        {
            await Task.Delay(100);
        }
        return SpansOf(spans, trace);
    }

    private static List<Activity> SpansOf(List<Activity> spans, ActivityTraceId trace) => Snapshot(spans).Where(s => s.TraceId == trace).ToList();

    private static string Statement(Activity span) =>
        string.Join(" ", span.TagObjects.Where(t => t.Key.StartsWith("db.", StringComparison.Ordinal)).Select(t => t.Value?.ToString()));

    /// <summary>The instruments of one app's meters (its IMeterFactory), summed as they are recorded.</summary>
    private sealed class AppInstruments : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Name, long Value, KeyValuePair<string, object?>[] Tags)> _recorded = [];

        public AppInstruments(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name == "PingYi")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                lock (_recorded)
                {
                    _recorded.Add((instrument.Name, value, tags.ToArray()));
                }
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                lock (_recorded)
                {
                    _recorded.Add((instrument.Name, (long)value, tags.ToArray()));
                }
            });
            _listener.Start();
        }

        public long Sum(string name, params (string Key, string Value)[] tags)
        {
            lock (_recorded)
            {
                return _recorded.Where(r => r.Name == name && tags.All(t => r.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value)))).Sum(r => r.Value);
            }
        }

        /// <summary>The latest observation of a gauge (its callback runs now).</summary>
        public long Observe(string name)
        {
            lock (_recorded)
            {
                _recorded.RemoveAll(r => r.Name == name);
            }
            _listener.RecordObservableInstruments();
            lock (_recorded)
            {
                return _recorded.Last(r => r.Name == name).Value;
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
