using System.Diagnostics;

namespace PingYi.Web.Tests.Infrastructure;

/// <summary>Runs the real app (the PingYi.Web.dll beside the tests) as a process, for start-up behaviour a test host cannot show.</summary>
public static class AppProcess
{
    /// <summary>Starts the app with <paramref name="environment"/> and waits (at most a minute) for it to exit.</summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(Dictionary<string, string> environment)
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
