using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Issue 8, items 9 and 11, on the real process: outside Development the app refuses to start on a database
/// that holds demo accounts, and without protected Data Protection keys, each time with one line saying why.
/// </summary>
public abstract class ProductionStartupTests(DatabaseProvider provider)
{
    [Fact]
    public async Task A_production_start_on_a_database_with_demo_accounts_stops_with_one_line_saying_why()
    {
        // A database that once ran in demo mode (Development): the demo accounts and their public password are in it.
        using var demo = AppFactory.Create(provider);
        _ = demo.Server;

        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = provider.ToString(),
            ["ConnectionStrings__PingYi"] = demo.ConnectionString,
            ["DataProtection__AllowUnprotectedKeys"] = "true",
            ["Mail__BaseUrl"] = "https://pingyi.example.cn",
            ["AllowedHosts"] = "pingyi.example.cn",
            ["Jobs__Enabled"] = "false",
        });

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines, l => l.Contains("demo accounts", StringComparison.Ordinal));
        Assert.Contains("admin@pingyi.local", line);
        Assert.Contains("Production", line);
        Assert.DoesNotContain("Now listening", output);
    }

    [Fact]
    public async Task A_production_start_without_protected_keys_stops_and_the_explicit_opt_out_warns_at_every_start()
    {
        using var database = AppFactory.Create(provider, new Dictionary<string, string?> { ["Demo:Seed"] = "false" });
        _ = database.Server;
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = provider.ToString(),
            ["ConnectionStrings__PingYi"] = database.ConnectionString,
            ["Mail__BaseUrl"] = "https://pingyi.example.cn",
            ["AllowedHosts"] = "pingyi.example.cn",
            ["Jobs__Enabled"] = "false",
        };

        var (exitCode, output) = await AppProcess.RunUntilExitAsync(environment);
        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines, l => l.Contains("DataProtection:Certificate", StringComparison.Ordinal) && l.Contains("Refusing to start", StringComparison.Ordinal));
        Assert.DoesNotContain("Now listening", output);

        // A certificate that cannot be opened is named too.
        environment["DataProtection__Certificate"] = TestCertificate.Path;
        environment["DataProtection__CertificatePassword"] = "wrong";
        (exitCode, output) = await AppProcess.RunUntilExitAsync(environment);
        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains("Cannot read the Data Protection certificate", output);

        environment.Remove("DataProtection__Certificate");
        environment.Remove("DataProtection__CertificatePassword");
        environment["DataProtection__AllowUnprotectedKeys"] = "true";
        for (var start = 0; start < 2; start++)
        {
            using var node = await AppProcess.StartAsync(environment, TimeSpan.FromSeconds(150));
            Assert.True(node.Address is not null, node.Output);
            Assert.Contains("Data Protection keys are stored unencrypted", node.Output);
        }
    }

    [Fact]
    public async Task A_production_start_without_an_https_Mail_BaseUrl_or_AllowedHosts_stops_naming_each_setting()
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = provider.ToString(),
            // Never opened: the start stops before it reaches the database.
            ["ConnectionStrings__PingYi"] = provider == DatabaseProvider.Sqlite
                ? $"Data Source={Path.Combine(Path.GetTempPath(), "pingyi-never-opened.db")}"
                : Environment.GetEnvironmentVariable("PINGYI_TEST_POSTGRES") ?? "Host=127.0.0.1;Database=never_opened",
            ["DataProtection__AllowUnprotectedKeys"] = "true",
            ["Jobs__Enabled"] = "false",
        };
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(environment);
        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines, l => l.Contains("Refusing to start", StringComparison.Ordinal) && l.Contains("Mail:BaseUrl", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("Refusing to start", StringComparison.Ordinal) && l.Contains("AllowedHosts", StringComparison.Ordinal));
        Assert.DoesNotContain("Now listening", output);

        // Plain http, and a wildcard host list, are refused as well; a host the list does not allow too.
        foreach (var (baseUrl, hosts, setting) in new[]
                 {
                     ("http://pingyi.example.cn", "pingyi.example.cn", "Mail:BaseUrl"),
                     ("https://pingyi.example.cn", "*", "AllowedHosts"),
                     ("https://pingyi.example.cn", "other.example.cn", "AllowedHosts"),
                 })
        {
            environment["Mail__BaseUrl"] = baseUrl;
            environment["AllowedHosts"] = hosts;
            (exitCode, output) = await AppProcess.RunUntilExitAsync(environment);
            Assert.True(exitCode == 1, $"{baseUrl} {hosts}: exit code {exitCode}:\n{output}");
            Assert.Contains(output.Split('\n'), l => l.Contains("Refusing to start", StringComparison.Ordinal) && l.Contains(setting, StringComparison.Ordinal));
        }
    }
}

public sealed class SqliteProductionStartupTests() : ProductionStartupTests(DatabaseProvider.Sqlite);

public sealed class PostgresProductionStartupTests() : ProductionStartupTests(DatabaseProvider.Postgres);
