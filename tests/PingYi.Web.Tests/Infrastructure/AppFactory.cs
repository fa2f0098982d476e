using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PingYi.Data;

namespace PingYi.Web.Tests.Infrastructure;

/// <summary>
/// The real app over a real database of its own: a fresh SQLite file, or a fresh PostgreSQL database
/// on the server named by PINGYI_TEST_POSTGRES (./test.sh starts one). Time is a <see cref="FakeTimeProvider"/>.
/// Development by default, the only environment with demo data; <see cref="CreateProduction"/> gives the
/// production defaults (no demo data, protected keys, https, <c>__Host-</c> cookies).
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    /// <summary>PBKDF2 rounds for passwords in tests that do not ask for <see cref="WithRealPasswordHashing"/>.</summary>
    public const int TestPasswordRounds = 1_000;

    private readonly Dictionary<string, string?> _settings;
    private Action? _dispose;
    private readonly Action<IServiceCollection>? _services;

    private string _environment = "Development";
    private bool _captureLogs;
    private bool _realPasswordHashing;

    private readonly DateTimeOffset _start;
    private bool _ownDatabase;

    private AppFactory(DatabaseProvider provider, string connectionString, Action dispose, IDictionary<string, string?>? overrides, DateTimeOffset? start = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        _start = start ?? Start;
        _ownDatabase = overrides is null || !overrides.ContainsKey("ConnectionStrings:PingYi");
        Time = new FakeTimeProvider(_start);
        Provider = provider;
        ConnectionString = connectionString;
        _dispose = dispose;
        _settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:PingYi"] = connectionString,
            ["Demo:Seed"] = "true",
            ["RateLimits:IntakePerMinute"] = "100000",
            ["RateLimits:LookupPerMinute"] = "100000",
            // Wrong access codes make the failing client wait, and every test's client shares the absent address;
            // the access-code throttle has its own tests.
            ["RateLimits:AccessCodeFreeFailures"] = "100000",
            // Likewise for the survey's per-network daily cap.
            ["RateLimits:SurveyPerUnitPerNetworkPerDay"] = "100000",
            // Every test signs in from the same (absent) address; the sign-in limits have their own tests.
            ["RateLimits:LoginPerMinute"] = "100000",
            ["RateLimits:LoginGlobalPerMinute"] = "100000",
            // The per-caller API bucket counts on the fake clock, which most tests never move; its own tests set it low.
            ["RateLimits:ApiPerMinute"] = "100000",
            // Tests move the fake clock; they run the timer sweep themselves rather than race a background server.
            ["Jobs:Enabled"] = "false",
            // One node per test: its own saves reach the triage index at once; no polling inside measured windows.
            ["Triage:CatchUpSeconds"] = "0",
            // Supplements reach a unit as they come in, unless a test sets release times (EvaluationPrivacyTests' batch test).
            ["Privacy:UnitReleaseTimes"] = "",
            // SMS in Development go to a pickup folder: one of this app's own, not the source tree.
            ["Sms:PickupFolder"] = Path.Combine(Path.GetTempPath(), "pingyi-tests", "sms-" + Guid.NewGuid().ToString("N")),
        };
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>())
        {
            _settings[k] = v;
        }
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>Every log entry at any level, once <see cref="WithLogCapture"/> was called before the app started.</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>Runs the app in <paramref name="environment"/> instead of Development (call before the first request).</summary>
    public AppFactory InEnvironment(string environment)
    {
        _environment = environment;
        if (environment != "Development")
        {
            // Required outside Development; a test that is about them overrides or removes them.
            _settings.TryAdd("Mail:BaseUrl", ProductionAddress.ToString());
            _settings.TryAdd("AllowedHosts", ProductionAddress.Host);
        }
        return this;
    }

    /// <summary>
    /// Hashes passwords with the production PBKDF2 cost rather than the tests' cheap one (call before the first
    /// request): for tests that measure what that cost hides, such as sign-in timing.
    /// </summary>
    public AppFactory WithRealPasswordHashing()
    {
        _realPasswordHashing = true;
        return this;
    }

    /// <summary>Records every log entry of the app, whatever the configured levels (call before the first request).</summary>
    public AppFactory WithLogCapture()
    {
        _captureLogs = true;
        return this;
    }

    /// <param name="start">The fake clock's first reading, for tests that need a particular day (default <see cref="Start"/>).</param>
    /// <param name="services">Extra test services (e.g. an EF Core interceptor that counts commands or fails a commit).</param>
    public static AppFactory Create(DatabaseProvider provider, IDictionary<string, string?>? settings = null, DateTimeOffset? start = null, Action<IServiceCollection>? services = null) => provider switch
    {
        DatabaseProvider.Sqlite => CreateSqlite(settings, start, services),
        _ => CreatePostgres(settings, start, services),
    };

    /// <summary>
    /// The app as a real deployment runs it: the Production environment, no demo data, Data Protection keys
    /// sealed with a test certificate, clients on <c>https://</c> (a host name other than localhost, which HSTS
    /// leaves out). <paramref name="settings"/> add to or override that (e.g. the bootstrap administrator).
    /// </summary>
    public static AppFactory CreateProduction(DatabaseProvider provider, IDictionary<string, string?>? settings = null)
    {
        var production = new Dictionary<string, string?>
        {
            ["Demo:Seed"] = null,
            ["DataProtection:Certificate"] = TestCertificate.Path,
            ["DataProtection:CertificatePassword"] = TestCertificate.Password,
            ["https_port"] = "443",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            production[k] = v;
        }
        var app = Create(provider, production).InEnvironment("Production").WithLogCapture();
        app.ClientOptions.BaseAddress = ProductionAddress;
        return app;
    }

    /// <summary>Where production-mode clients send their requests.</summary>
    public static readonly Uri ProductionAddress = new("https://pingyi.example.cn");

    private static AppFactory CreateSqlite(IDictionary<string, string?>? settings, DateTimeOffset? start, Action<IServiceCollection>? services)
    {
        var dir = Directory.CreateTempSubdirectory("pingyi-test-");
        return new AppFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(dir.FullName, "pingyi.db")}",
            () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                dir.Delete(recursive: true);
            }, settings, start, services);
    }

    private static AppFactory CreatePostgres(IDictionary<string, string?>? settings, DateTimeOffset? start, Action<IServiceCollection>? services)
    {
        var server = Environment.GetEnvironmentVariable("PINGYI_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                "PINGYI_TEST_POSTGRES is not set: run ./test.sh, which starts a throwaway PostgreSQL, or point it at a server where the user may CREATE DATABASE.");
        }
        var name = "pingyi_test_" + Guid.NewGuid().ToString("N")[..12];
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new AppFactory(DatabaseProvider.Postgres, builder.ConnectionString, () => DropDatabase(server, name), settings, start, services);
    }

    /// <summary>
    /// Drops a test database. Another session (an autovacuum worker, a connection still closing) can
    /// hold it for a moment, so try a few times; a database left behind only costs disk on a throwaway server.
    /// </summary>
    private static void DropDatabase(string server, string name)
    {
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = new NpgsqlConnection(admin.ConnectionString);
                connection.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
                return;
            }
            catch (PostgresException e) when (attempt < 5)
            {
                Console.Error.WriteLine($"Dropping {name} failed ({e.SqlState}); retrying.");
                Thread.Sleep(500 * attempt);
            }
            catch (PostgresException e)
            {
                Console.Error.WriteLine($"Test database {name} was left behind: {e.MessageText}");
                return;
            }
        }
    }

    protected override Microsoft.Extensions.Hosting.IHost CreateHost(Microsoft.Extensions.Hosting.IHostBuilder builder)
    {
        // Before the app's own start-up runs: it then finds its migrations applied and its demo data in place.
        if (_ownDatabase)
        {
            SeededTemplates.CopyInto(this);
        }
        return base.CreateHost(builder);
    }

    /// <summary>
    /// What the app's start-up writes into a fresh database depends on these and nothing else: the provider, the
    /// environment, the fake clock's first reading, the password cost and the settings other than the ones named
    /// below (which only shape requests, logs and where SMS go). Null when the start-up is not worth sharing: a
    /// test's own services (an interceptor may count or fail the start-up's commands), a test that reads the start-up's
    /// logs, or a database the test named.
    /// </summary>
    internal string? SeedKey()
    {
        if (_services is not null || !_ownDatabase || _captureLogs)
        {
            return null;
        }
        var settings = _settings
            .Where(kv => !IsPerApp(kv.Key)
                         && !kv.Key.StartsWith("RateLimits:", StringComparison.Ordinal)
                         && !kv.Key.StartsWith("Logging:", StringComparison.Ordinal))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key + "=" + kv.Value);
        return string.Join("|", [Provider.ToString(), _environment, _start.ToString("O"), _realPasswordHashing.ToString(), .. settings]);
    }

    /// <summary>Settings each app has of its own (its database, its SMS folder), never shared with a template.</summary>
    private static bool IsPerApp(string key) => key is "ConnectionStrings:PingYi" or "Sms:PickupFolder";

    /// <summary>An app with this one's seed key over <paramref name="connectionString"/>, which it prepares and keeps.</summary>
    internal AppFactory TemplateBuilder(string connectionString)
    {
        var settings = _settings.Where(kv => !IsPerApp(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        return new AppFactory(Provider, connectionString, () => { }, settings, _start)
        {
            _environment = _environment,
            _realPasswordHashing = _realPasswordHashing,
            // It prepares the template itself rather than starting on a copy of it.
            _ownDatabase = false,
        };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_captureLogs)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<LogCapture>(null, Microsoft.Extensions.Logging.LogLevel.Trace));
        }
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            if (!_realPasswordHashing)
            {
                // Every app start hashes the demo accounts' passwords and every test signs in: at the production
                // cost (~100,000 PBKDF2 rounds, tens of ms each) that was minutes of the suite. Same format, fewer rounds.
                services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = TestPasswordRounds);
            }
            services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestPeerAddress>();
            services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, RequestBodyMeter>();
            _services?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        // Hangfire keeps one static log provider, set by the last app that started; left pointing at this app's
        // disposed LoggerFactory, a Hangfire type first used later by another app (PostgreSqlDistributedLock's
        // static logger) fails to initialise for the rest of the run.
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(new SilentHangfireLog());
        base.Dispose(disposing);
        // WebApplicationFactory may dispose twice (Dispose and DisposeAsync); drop the database once.
        if (disposing)
        {
            Interlocked.Exchange(ref _dispose, null)?.Invoke();
        }
    }
}

internal sealed class SilentHangfireLog : Hangfire.Logging.ILogProvider, Hangfire.Logging.ILog
{
    public Hangfire.Logging.ILog GetLogger(string name) => this;

    public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
}

/// <summary>
/// The test server has no TCP peer; a test that needs one (forwarded headers, per-address limits) names it in
/// <c>X-Test-Peer</c>, which becomes the connection's remote address before the app's own pipeline runs.
/// </summary>
internal sealed class TestPeerAddress : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, nextMiddleware) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var peer) && System.Net.IPAddress.TryParse(peer.ToString(), out var address))
            {
                http.Connection.RemoteIpAddress = address;
            }
            await nextMiddleware(http);
        });
        next(app);
    };
}

/// <summary>
/// Counts how many bytes of a request's body the app read, for a request that names a meter in
/// <c>X-Test-Body-Meter</c> (the test server's own transport may drain a body the app never touched, so the
/// client cannot tell; this sits in front of the whole pipeline and sees exactly what the app took in).
/// </summary>
internal sealed class RequestBodyMeter : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Header = "X-Test-Body-Meter";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> Read = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan> Answered = new();

    public static long BytesRead(string meter) => Read.GetValueOrDefault(meter);

    /// <summary>How long the app took from the request's arrival to starting its response (the transport's own time excluded).</summary>
    public static TimeSpan AnsweredAfter(string meter) => Answered.GetValueOrDefault(meter, TimeSpan.MaxValue);

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, nextMiddleware) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var meter))
            {
                Read[meter.ToString()] = 0;
                var started = System.Diagnostics.Stopwatch.StartNew();
                http.Response.OnStarting(() =>
                {
                    Answered[meter.ToString()] = started.Elapsed;
                    return Task.CompletedTask;
                });
                http.Request.Body = new CountingStream(http.Request.Body, n => Read.AddOrUpdate(meter.ToString(), n, (_, total) => total + n));
            }
            await nextMiddleware(http);
        });
        next(app);
    };

    private sealed class CountingStream(Stream inner, Action<long> counted) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        private int Counted(int n)
        {
            counted(n);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
