
using PingYi.Web.Tests.Infrastructure;

namespace PingYi.Web.Tests.Hosting;

/// <summary>A database that cannot be used stops the real app with one line that names the setting.</summary>
public sealed class StartupFailureTests
{
    [Theory]
    [InlineData("Postgres", "Host=127.0.0.1;Port=1;Database=pingyi;Username=pingyi;Password=x;Timeout=3", "ConnectionStrings:PingYi")]
    [InlineData("Postgres", "", "ConnectionStrings:PingYi")]
    [InlineData("Oracle", "", "Database:Provider")]
    public async Task An_unusable_database_ends_start_up_with_one_clear_line(string provider, string connectionString, string setting)
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Database__Provider"] = provider,
            ["ConnectionStrings__PingYi"] = connectionString,
        });

        Assert.Equal(1, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.Contains(setting));
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Now listening", output);
    }
}
