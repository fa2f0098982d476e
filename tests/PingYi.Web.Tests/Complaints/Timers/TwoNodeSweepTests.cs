using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Outbox;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using Xunit.Abstractions;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Timers;

/// <summary>
/// Two real app processes with background jobs on, against one PostgreSQL database, both sweeping timers (on their
/// Hangfire schedule and, at the same moment, through "run now" on each node) and both delivering the outbox to one
/// real SMTP listener: every due timer fires once (one timeline event each) and every message arrives once.
/// The cases were made 40 days earlier (the in-process app's fake clock), so on the nodes' real clock every timer
/// of theirs is long due: the sweep is also a late one. PostgreSQL only: SQLite is the single-node setup.
/// </summary>
public sealed class TwoNodeSweepTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_nodes_sweeping_and_delivering_at_once_fire_every_timer_and_send_every_message_once()
    {
        using var smtp = new SmtpSink();
        var realNow = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(realNow.UtcDateTime.Date.AddDays(-40).AddHours(2), TimeSpan.Zero);
        var mail = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Smtp:From"] = "评议系统 <noreply@pingyi.test>",
            ["Mail:BaseUrl"] = "https://pingyi.test",
            ["Mail:QuietHours"] = "false",
        };
        // The nodes are real processes hashing at the production cost: the demo admin's hash must be one of theirs, or
        // both nodes' first sign-ins would upgrade it at the same moment.
        using var app = AppFactory.Create(DatabaseProvider.Postgres, mail, start).WithRealPasswordHashing();
        var api = StaffApi.For(app);

        string[] units = ["jyt", "xcb", "tzb", "zfw", "jyt", "xcb"];
        var plain = new List<string>();
        var supervised = new List<string>();
        for (var i = 0; i < units.Length; i++)
        {
            var number = await api.AssignedAsync($"{Token("双节点")} 第{i + 1}件", units[i]);
            if (i >= 4)
            {
                await api.DoAsync(Supervisor, number, "supervise", new { reason = "请限期答复" });
                supervised.Add(number);
            }
            else
            {
                plain.Add(number);
            }
        }
        // Each case: overdue, levels 2 and 3; a supervised one also its notice's overdue and levels 2 and 3.
        var expectedEvents = plain.Count * 3 + supervised.Count * 6;

        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__PingYi"] = app.ConnectionString,
            ["Demo__Seed"] = "false",
            ["Jobs__Enabled"] = "true",
            // Command logging costs a loaded machine its start-up time; the test reads the database itself.
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
        };
        foreach (var (k, v) in mail)
        {
            environment[k.Replace(":", "__", StringComparison.Ordinal)] = v!;
        }
        var clock = Stopwatch.StartNew();
        var nodes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => AppProcess.StartAsync(environment, TimeSpan.FromSeconds(360))));
        try
        {
            foreach (var node in nodes)
            {
                Assert.True(node.Address is not null, "a node did not start:\n" + node.Output);
            }
            var admins = await Task.WhenAll(nodes.Select(n => SignInAsync(n.Address!)));

            // Both nodes sweep at the same moment (on top of their schedules), then both deliver at the same moment.
            for (var round = 0; round < 2; round++)
            {
                var sweeps = await Task.WhenAll(admins.Select(a => RunAsync(a, "sweep-timers")));
                output.WriteLine($"round {round}: sweeps fired {string.Join(" + ", sweeps)}");
                await Task.WhenAll(admins.Select(a => RunAsync(a, "outbox")));
            }

            // Let each node's minutely schedule run at least once more, then wait for the outbox to drain.
            var settled = false;
            while (clock.Elapsed < TimeSpan.FromSeconds(600))
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
                var (events, unsent, rows) = await StateAsync(app, plain.Concat(supervised).ToList());
                if (clock.Elapsed > TimeSpan.FromSeconds(75) && events >= expectedEvents && unsent == 0 && smtp.Received.Count >= rows)
                {
                    settled = true;
                    break;
                }
            }
            Assert.True(settled, $"did not settle: {await StateAsync(app, plain.Concat(supervised).ToList())}, {smtp.Received.Count} received\n{nodes[0].Output}\n{nodes[1].Output}");

            // Every timer once.
            foreach (var number in plain.Concat(supervised))
            {
                var timeline = (await api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray();
                int Count(string action) => timeline.Count(e => e!["action"]!.GetValue<string>() == action);
                var isSupervised = supervised.Contains(number);
                Assert.Equal((1, 2, 0, isSupervised ? 1 : 0, isSupervised ? 2 : 0),
                    (Count("overdue"), Count("escalate"), Count("deadline-reminder"), Count("supervision-overdue"), Count("supervision-escalate")));
            }

            // Every message once: as many arrived as rows were written, each row's Message-Id exactly once.
            var all = await Outbox.WithDbAsync(app, db => db.OutboxMessages.AsNoTracking().ToListAsync());
            Assert.All(all, m => Assert.Equal(OutboxState.Sent, m.State));
            var received = smtp.Received.Select(m => m.MessageId).ToList();
            output.WriteLine($"{all.Count} outbox rows, {received.Count} messages received, {clock.Elapsed.TotalSeconds:F0} s");
            Assert.Equal(all.Count, received.Count);
            Assert.Equal(received.Count, received.Distinct().Count());
            Assert.Equal(all.Select(m => m.MessageId).Order(), received.Order());
            // And one row per recipient per case for the timers one sweep fired together (超期, 2级, 3级): the unit's
            // two addresses and the supervisors get one 3级 message each, no separate 超期 message.
            foreach (var number in plain)
            {
                var rows = (await Outbox.RowsAsync(app, number)).Where(m => m.Kind != "assigned").ToList();
                Assert.Equal(0, rows.Count(m => m.Kind == "overdue"));
                Assert.True(rows.Count(m => m.Kind == "escalated") > 2, string.Join(", ", rows.Select(m => m.Recipient)));
                Assert.All(rows.GroupBy(m => m.Recipient, StringComparer.OrdinalIgnoreCase), g => Assert.Single(g));
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }

    private static async Task<(int Events, int Unsent, int Rows)> StateAsync(AppFactory app, List<string> numbers) =>
        await Outbox.WithDbAsync(app, async db =>
        {
            var ids = db.Complaints.Where(c => numbers.Contains(c.TrackingNumber)).Select(c => c.Id);
            string[] timers = ["overdue", "escalate", "supervision-overdue", "supervision-escalate"];
            var events = await db.ComplaintEvents.CountAsync(e => ids.Contains(e.ComplaintId) && timers.Contains(e.Action));
            var unsent = await db.OutboxMessages.CountAsync(m => m.State != OutboxState.Sent);
            var rows = await db.OutboxMessages.CountAsync();
            return (events, unsent, rows);
        });

    private static async Task<HttpClient> SignInAsync(Uri node)
    {
        var client = new HttpClient { BaseAddress = node };
        var response = await client.PostAsync("/api/v1/auth/login", TestData.Json(new JsonObject { ["email"] = StaffApi.Admin, ["password"] = Password }));
        var body = await ExpectAsync(response, HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(body)!["accessToken"]!.GetValue<string>());
        return client;
    }

    private static async Task<string> RunAsync(HttpClient admin, string job) =>
        JsonNode.Parse(await ExpectAsync(await admin.PostAsync($"/api/v1/admin/jobs/{job}/run", null), HttpStatusCode.OK))!["result"]?.ToJsonString() ?? "null";
}
