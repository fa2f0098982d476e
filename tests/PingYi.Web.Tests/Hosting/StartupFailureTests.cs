using System.Diagnostics;

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
        var (exitCode, output) = await RunAppAsync(new Dictionary<string, string>
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

    private static async Task<(int ExitCode, string Output)> RunAppAsync(Dictionary<string, string> environment)
    {
        var appDll = Path.Combine(AppContext.BaseDirectory, "PingYi.Web.dll");
        var start = new ProcessStartInfo("dotnet", [appDll, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("pingyi-start-").FullName,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
