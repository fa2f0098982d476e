using System.Net;
using Npgsql;
using PingYi.Web.Tests.Infrastructure;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// Several nodes started at the same moment on one fresh PostgreSQL database all come up: migrations, the
/// demo seed and the job storage are prepared once, under an advisory lock. And the migrate command.
/// </summary>
public sealed class MultiNodeStartupTests
{
    [Fact]
    public async Task Two_nodes_started_together_on_a_fresh_database_are_both_healthy()
    {
        var (connectionString, drop) = FreshDatabase();
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__PingYi"] = connectionString,
                ["Demo__Seed"] = "true",
                ["Jobs__Enabled"] = "true",
            };
            // Generous: two processes migrate, seed and start while the rest of the suite runs on the same two cores.
            // The test is about both coming up, not how fast (start-up time has its own benchmark).
            var starting = Enumerable.Range(0, 2).Select(_ => AppProcess.StartAsync(environment, TimeSpan.FromSeconds(300))).ToList();
            var nodes = await Task.WhenAll(starting);
            try
            {
                using var http = new HttpClient();
                foreach (var node in nodes)
                {
                    Assert.True(node.Address is not null, "a node did not start:\n" + node.Output);
                    var health = await http.GetAsync(new Uri(node.Address!, "/healthz"));
                    Assert.True(health.StatusCode == HttpStatusCode.OK, node.Output);
                    var units = await http.GetStringAsync(new Uri(node.Address!, "/api/v1/units"));
                    Assert.Contains("\"jyt\"", units);
                }
                // The demo roster was loaded once, not twice.
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var count = new NpgsqlCommand("SELECT count(*) FROM \"Units\"", connection);
                Assert.Equal(26L, (long)(await count.ExecuteScalarAsync())!);
            }
            finally
            {
                foreach (var node in nodes)
                {
                    node.Dispose();
                }
            }
        }
        finally
        {
            drop();
        }
    }

    [Fact]
    public async Task The_migrate_command_prepares_a_database_that_a_node_without_migrations_then_uses()
    {
        var (connectionString, drop) = FreshDatabase();
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__PingYi"] = connectionString,
                ["Demo__Seed"] = "false",
                ["Jobs__Enabled"] = "false",
                ["Database__MigrateOnStartup"] = "false",
            };
            using (var migrate = await AppProcess.StartAsync(environment, TimeSpan.FromSeconds(90), "migrate"))
            {
                Assert.True(migrate.Process.WaitForExit(90_000), migrate.Output);
                Assert.True(migrate.Process.ExitCode == 0, migrate.Output);
                Assert.Null(migrate.Address);
            }
            using var node = await AppProcess.StartAsync(environment, TimeSpan.FromSeconds(90));
            Assert.True(node.Address is not null, node.Output);
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(node.Address!, "/healthz"))).StatusCode);
            Assert.Equal("[]", await http.GetStringAsync(new Uri(node.Address!, "/api/v1/units")));
        }
        finally
        {
            drop();
        }
    }

    private static (string ConnectionString, Action Drop) FreshDatabase()
    {
        var server = Environment.GetEnvironmentVariable("PINGYI_TEST_POSTGRES")
                     ?? throw new InvalidOperationException("PINGYI_TEST_POSTGRES is not set.");
        var name = "pingyi_nodes_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return (connectionString, () =>
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            admin.Open();
            using var dropCommand = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            dropCommand.ExecuteNonQuery();
        });
    }
}
