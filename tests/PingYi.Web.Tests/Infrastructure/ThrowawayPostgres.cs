using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace PingYi.Web.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb + pg_ctl from /usr/lib/postgresql/*/bin, as ./test.sh starts
/// one), for tests that stop, restart or kill the server: the shared test server must stay up for everyone else.
/// As root, the server runs as the postgres user. Trust authentication on 127.0.0.1 only.
/// </summary>
public sealed class ThrowawayPostgres : IDisposable
{
    private readonly string _bin;
    private readonly string _data;

    private ThrowawayPostgres(string bin, string data, int port)
    {
        _bin = bin;
        _data = data;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A connection string for <paramref name="database"/> (created by the app's migrations when missing).</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database,
        // A stopped server refuses at once; a few seconds cover a loaded machine.
        Timeout = 5,
    }.ConnectionString;

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).LastOrDefault()
            ?? throw new InvalidOperationException("No PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql).");
        var data = Directory.CreateTempSubdirectory("pingyi-pg-").FullName;
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres:", data);
        }
        var cluster = new ThrowawayPostgres(bin, data, FreePort());
        await cluster.AsServerAsync("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await cluster.StartServerAsync();
        return cluster;
    }

    public Task StartServerAsync() => AsServerAsync("pg_ctl", "-D", _data, "-l", Path.Combine(_data, "log"), "-w", "-t", "120",
        "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_data} -c fsync=off -c max_connections=200", "start");

    /// <summary><c>pg_ctl stop -m fast</c>: open transactions are rolled back and every connection is closed.</summary>
    public Task StopServerAsync() => AsServerAsync("pg_ctl", "-D", _data, "-m", "fast", "-w", "-t", "120", "stop");

    private Task AsServerAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            AsServerAsync("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop").GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        Directory.Delete(_data, recursive: true);
    }
}
