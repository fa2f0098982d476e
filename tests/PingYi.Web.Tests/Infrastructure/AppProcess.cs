using System.Diagnostics;

namespace PingYi.Web.Tests.Infrastructure;

/// <summary>Runs the real app (the PingYi.Web.dll beside the tests) as a process, for start-up behaviour a test host cannot show.</summary>
public static class AppProcess
{
    /// <summary>Starts the app with <paramref name="environment"/> and waits (at most two minutes: the test machine is shared) for it to exit.</summary>
    /// <param name="args">Arguments before the listening address (a command such as <c>backup &lt;dir&gt;</c>).</param>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(Dictionary<string, string> environment, params string[] args)
    {
        var appDll = Path.Combine(AppContext.BaseDirectory, "PingYi.Web.dll");
        var start = new ProcessStartInfo("dotnet", [appDll, .. args, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("pingyi-start-").FullName,
        };
        // Development (where demo data may be seeded) unless the test names another environment in its variables.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
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

    /// <summary>Starts the app and waits (at most <paramref name="timeout"/>) until it listens; dispose to stop it.</summary>
    public static async Task<RunningApp> StartAsync(Dictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var appDll = Path.Combine(AppContext.BaseDirectory, "PingYi.Web.dll");
        var start = new ProcessStartInfo("dotnet", [appDll, .. args, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("pingyi-start-").FullName,
        };
        // Development (where demo data may be seeded) unless the test names another environment in its variables.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }
        var app = new RunningApp(Process.Start(start)!);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            app.Address = await app.Listening.Task.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Not listening in time: the caller sees Address null and the output.
        }
        return app;
    }

    /// <summary>A running app process; its output is collected as it comes.</summary>
    public sealed class RunningApp : IDisposable
    {
        private readonly System.Text.StringBuilder _output = new();

        public RunningApp(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Collect(e.Data);
            process.ErrorDataReceived += (_, e) => Collect(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => Listening.TrySetResult(null);
        }

        public Process Process { get; }

        public TaskCompletionSource<Uri?> Listening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri? Address { get; set; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        private void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(line);
            }
            const string marker = "Now listening on: ";
            // A JSON console line (Logging:Json) carries the text in its Message.
            var text = line.StartsWith('{') ? JsonMessage(line) ?? line : line;
            var at = text.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                Listening.TrySetResult(new Uri(text[(at + marker.Length)..].Trim()));
            }
        }

        private static string? JsonMessage(string line)
        {
            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(line);
                return json.RootElement.TryGetProperty("Message", out var message) ? message.GetString() : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }
            Process.Dispose();
        }
    }
}
