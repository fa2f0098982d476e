using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;
using PingYi.Data;
using PingYi.Data.Outbox;
using PingYi.Web.Tests.Infrastructure;

namespace PingYi.Web.Tests.Notifications;

/// <summary>A real SMTP listener (netDumbster) on a free local port; it can be stopped and started again on the same port.</summary>
public sealed class SmtpSink : IDisposable
{
    private SimpleSmtpServer? _server;

    public SmtpSink()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Start();
    }

    public int Port { get; }

    private readonly List<MimeMessage> _earlier = [];

    public void Start() => _server ??= SimpleSmtpServer.Start(Port);

    /// <summary>Stops listening: connections are refused until <see cref="Start"/>. What was received is kept.</summary>
    public void Stop()
    {
        if (_server is { } server)
        {
            _earlier.AddRange(Parse(server));
            server.Stop();
            server.Dispose();
            _server = null;
        }
    }

    /// <summary>Every message received so far, parsed by MimeKit (so encoded subjects are decoded as a mail client would).</summary>
    public IReadOnlyList<MimeMessage> Received => [.. _earlier, .. _server is null ? [] : Parse(_server)];

    public IReadOnlyList<MimeMessage> About(string trackingNumber) =>
        Received.Where(m => (m.Subject ?? "").Contains(trackingNumber, StringComparison.Ordinal)).ToList();

    private static IEnumerable<MimeMessage> Parse(SimpleSmtpServer server) =>
        (server.ReceivedEmail ?? []).Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data ?? "")))).ToList();

    public void Dispose() => Stop();
}

/// <summary>The app with mail going to an <see cref="SmtpSink"/>; quiet hours off so that moving the clock never holds mail back.</summary>
public abstract class MailAppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public const int MaxAttempts = 3;

    public SmtpSink Smtp { get; } = new();

    public AppFactory App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = AppFactory.Create(provider, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Smtp:From"] = "评议系统 <noreply@pingyi.test>",
            ["Mail:BaseUrl"] = "https://pingyi.test",
            ["Mail:QuietHours"] = "false",
            ["Mail:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:RetryBaseSeconds"] = "60",
        });
        _ = App.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        Smtp.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteMailApp() : MailAppFixture(DatabaseProvider.Sqlite);

public sealed class PostgresMailApp() : MailAppFixture(DatabaseProvider.Postgres);

public static class Outbox
{
    /// <summary>Runs a job now through the admin API and returns its JSON result.</summary>
    public static async Task<JsonNode?> RunJobAsync(StaffApi api, string job)
    {
        var client = await api.AsAsync(StaffApi.Admin);
        var body = await StaffApi.ExpectAsync(await client.PostAsync($"/api/v1/admin/jobs/{job}/run", null), HttpStatusCode.OK);
        return JsonNode.Parse(body)!["result"];
    }

    /// <summary>The mail rows about one case, read from the app's own database.</summary>
    public static Task<List<OutboxMessage>> RowsAsync(AppFactory app, string trackingNumber) => RowsAsync(app, trackingNumber, OutboxChannel.Mail);

    /// <summary>The SMS rows about one case.</summary>
    public static Task<List<OutboxMessage>> SmsRowsAsync(AppFactory app, string trackingNumber) => RowsAsync(app, trackingNumber, OutboxChannel.Sms);

    private static async Task<List<OutboxMessage>> RowsAsync(AppFactory app, string trackingNumber, OutboxChannel channel)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var id = await db.Complaints.Where(c => c.TrackingNumber == trackingNumber).Select(c => c.Id).SingleAsync();
        return await db.OutboxMessages.AsNoTracking().Where(m => m.ComplaintId == id && m.Channel == channel).OrderBy(m => m.Id).ToListAsync();
    }

    public static async Task<T> WithDbAsync<T>(AppFactory app, Func<PingYiDbContext, Task<T>> work)
    {
        using var scope = app.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<PingYiDbContext>());
    }

    /// <summary>Everything a reader of the message sees: subject, text and HTML.</summary>
    public static string AllText(MimeMessage m) => $"{m.Subject}\n{m.TextBody}\n{m.HtmlBody}";
}
