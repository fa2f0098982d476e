using System.Diagnostics;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using netDumbster.smtp;
using Npgsql;
using PingYi.Data;
using PingYi.Data.Outbox;
using PingYi.Web.Features.Notifications;

namespace PingYi.Benchmarks;

/// <summary>
/// Outbox delivery against a bare MailKit send loop, both to the same local SMTP sink (netDumbster, in this
/// process) in one run: what the claim–send–mark bookkeeping on PostgreSQL costs per message.
/// </summary>
public static class OutboxBench
{
    public static async Task RunAsync(NpgsqlDataSource maintenance, string server, int messages, int rounds)
    {
        var name = "pingyi_outbox_bench_" + Guid.NewGuid().ToString("N")[..8];
        await RawSql.CreateDatabaseAsync(maintenance, name);
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var sink = SimpleSmtpServer.Start(port);
        try
        {
            var options = new DbContextOptionsBuilder<PingYiDbContext>();
            new DatabaseSettings(DatabaseProvider.Postgres, connectionString).Configure(options);
            await using (var db = new PingYiDbContext(options.Options))
            {
                await db.Database.MigrateAsync();
            }
            var settings = new MailSettings { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None, From = "评议 PingYi <noreply@pingyi.local>", BaseUrl = "https://pingyi.test" };
            var rendered = new MailTemplates(MailTemplates.DefaultDirectory).Render("assigned", new MailModel
            {
                TrackingNumber = "PY-2026-000123", Title = "学校迎检材料层层加码", UnitName = "省教育厅",
                Deadline = "2026-12-16 24:00", Link = "https://pingyi.test/staff/complaints/PY-2026-000123",
            });
            Console.WriteLine($"Outbox delivery — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
                $"{messages} messages per phase, sink netDumbster on 127.0.0.1:{port} in this process, PostgreSQL database {name}");
            for (var round = 1; round <= rounds; round++)
            {
                // Bare loop: the same messages, one connection, no database.
                sink.ClearReceivedEmail();
                var bare = Stopwatch.StartNew();
                using (var client = new SmtpClient())
                {
                    await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
                    for (var i = 0; i < messages; i++)
                    {
                        var row = new OutboxMessage("assigned", null, $"handler{i % 50}@pingyi.local", rendered.Subject, rendered.Text, rendered.Html,
                            MimeKit.Utils.MimeUtils.GenerateMessageId("pingyi.test"), DateTime.UtcNow, DateTime.UtcNow);
                        await client.SendAsync(DeliverOutbox.ToMime(row, settings));
                    }
                    await client.DisconnectAsync(true);
                }
                bare.Stop();
                var bareReceived = await WaitForAsync(sink, messages);

                // Outbox: rows written first (not timed), then one run of the job delivers them all.
                sink.ClearReceivedEmail();
                await using (var db = new PingYiDbContext(options.Options))
                {
                    var now = DateTime.UtcNow;
                    for (var i = 0; i < messages; i++)
                    {
                        db.OutboxMessages.Add(new OutboxMessage("assigned", null, $"handler{i % 50}@pingyi.local", rendered.Subject, rendered.Text, rendered.Html,
                            MimeKit.Utils.MimeUtils.GenerateMessageId("pingyi.test"), now, now));
                    }
                    await db.SaveChangesAsync();
                }
                var outbox = Stopwatch.StartNew();
                DeliverOutbox.Outcome outcome;
                await using (var db = new PingYiDbContext(options.Options))
                {
                    outcome = await new DeliverOutbox.Handler(db, settings, new PickupSmsSender(new SmsSettings(), NullLogger<PickupSmsSender>.Instance), TimeProvider.System, NullLogger<DeliverOutbox.Handler>.Instance).HandleAsync(CancellationToken.None);
                }
                outbox.Stop();
                var outboxReceived = await WaitForAsync(sink, messages);

                var bareRate = messages / bare.Elapsed.TotalSeconds;
                var outboxRate = outcome.Sent / outbox.Elapsed.TotalSeconds;
                Console.WriteLine($"round {round}: bare MailKit loop {bareRate,7:F0} msg/s ({bareReceived} received) | " +
                    $"outbox job {outboxRate,7:F0} msg/s ({outcome.Sent} sent, {outcome.Retrying} retrying, {outcome.Failed} failed, {outboxReceived} received) | " +
                    $"outbox/bare {outboxRate / bareRate:P0}, {(outbox.Elapsed.TotalMilliseconds - bare.Elapsed.TotalMilliseconds) / messages:F2} ms extra per message");
            }
        }
        finally
        {
            sink.Stop();
            NpgsqlConnection.ClearAllPools();
            await RawSql.DropDatabaseAsync(maintenance, name);
        }
    }

    private static async Task<int> WaitForAsync(SimpleSmtpServer sink, int count)
    {
        for (var i = 0; i < 100 && sink.ReceivedEmailCount < count; i++)
        {
            await Task.Delay(50);
        }
        return sink.ReceivedEmailCount;
    }
}
