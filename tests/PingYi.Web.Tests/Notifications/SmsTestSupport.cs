using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using PingYi.Data;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Tests.Infrastructure;

namespace PingYi.Web.Tests.Notifications;

/// <summary>
/// A fake SMS gateway the tests start: a local HttpListener that checks each request's signature, records it and
/// answers <c>{"code":"OK"}</c>. It can be stopped (connections refused), told to answer 503, or told to stop
/// itself after a number of messages (a gateway going away mid-run).
/// </summary>
public sealed class FakeSmsGateway : IDisposable
{
    public const string Secret = "fake-gateway-secret";
    private HttpListener? _listener;
    private readonly ConcurrentQueue<JsonObject> _received = new();
    private int _stopAfter = int.MaxValue;

    public FakeSmsGateway()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Start();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/sms/send/";

    /// <summary>Answer 503 (busy) instead of accepting.</summary>
    public bool Busy { get; set; }

    public IReadOnlyList<JsonObject> Received => [.. _received];

    public IReadOnlyList<JsonObject> To(string mobile) => Received.Where(m => m["phoneNumber"]!.GetValue<string>() == mobile).ToList();

    public void Start()
    {
        if (_listener is not null)
        {
            return;
        }
        _stopAfter = int.MaxValue;
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/sms/");
        listener.Start();
        _listener = listener;
        _ = Task.Run(() => ServeAsync(listener));
    }

    /// <summary>Accepts <paramref name="count"/> more messages, then stops listening.</summary>
    public void StopAfter(int count) => _stopAfter = _received.Count + count;

    public void Stop()
    {
        var listener = Interlocked.Exchange(ref _listener, null);
        if (listener is not null)
        {
            listener.Stop();
            listener.Close();
        }
    }

    private async Task ServeAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var timestamp = context.Request.Headers["X-PingYi-Timestamp"] ?? "";
            var signature = context.Request.Headers["X-PingYi-Signature"] ?? "";
            string answer;
            if (signature != HttpSmsSender.Sign(Secret, timestamp, body))
            {
                context.Response.StatusCode = 401;
                answer = """{"code":"BAD_SIGNATURE"}""";
            }
            else if (Busy)
            {
                context.Response.StatusCode = 503;
                answer = """{"code":"BUSY"}""";
            }
            else
            {
                _received.Enqueue(JsonNode.Parse(body)!.AsObject());
                answer = """{"code":"OK"}""";
            }
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
            if (_received.Count >= _stopAfter && ReferenceEquals(_listener, listener))
            {
                Stop();
                return;
            }
        }
    }

    public void Dispose() => Stop();
}

/// <summary>The app with SMS going to a <see cref="FakeSmsGateway"/> and mail to a pickup folder of its own.</summary>
public abstract class SmsAppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public FakeSmsGateway Gateway { get; } = new();

    public AppFactory App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sms:GatewayUrl"] = Gateway.Url,
            ["Sms:Account"] = "pingyi-test",
            ["Sms:Secret"] = FakeSmsGateway.Secret,
            ["Sms:SignName"] = "评议测试",
            ["Mail:BaseUrl"] = "https://pingyi.test",
            ["Mail:QuietHours"] = "false",
            ["Mail:MaxAttempts"] = "3",
            ["Mail:RetryBaseSeconds"] = "60",
            ["Mail:PickupFolder"] = Path.Combine(Path.GetTempPath(), "pingyi-tests", "mail-" + Guid.NewGuid().ToString("N")),
        };
        foreach (var name in SmsTemplates.Names)
        {
            settings[$"Sms:Templates:{name}"] = "SMS_" + name.ToUpperInvariant();
        }
        App = AppFactory.Create(provider, settings);
        _ = App.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        Gateway.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteSmsApp() : SmsAppFixture(DatabaseProvider.Sqlite);

public sealed class PostgresSmsApp() : SmsAppFixture(DatabaseProvider.Postgres);
