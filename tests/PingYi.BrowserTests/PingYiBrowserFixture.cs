using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace PingYi.BrowserTests;

/// <summary>
/// The real app on Kestrel (a real loopback port) over a fresh SQLite file with demo data, a fake
/// clock, and a headless system Chromium driven by Playwright. Never downloads a browser.
/// </summary>
public class PingYiBrowserFixture : IAsyncLifetime
{
    /// <summary>10:00 China time on a Wednesday.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    private const string ChromiumVariable = "PINGYI_CHROMIUM";
    private const string DefaultChromium = "/usr/bin/chromium";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pingyi-browser-" + Guid.NewGuid().ToString("N"));
    private PingYiAppFactory? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public FakeTimeProvider Time { get; } = new(Start);

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>Where the app writes each SMS as a file (Development's pickup sender): the journeys read them as the phone would.</summary>
    public string SmsPickupFolder => Path.Combine(_directory, "sms");

    /// <summary>Where the app writes each mail as an <c>.eml</c> file (no SMTP server in the browser tests).</summary>
    public string MailPickupFolder => Path.Combine(_directory, "mail");

    /// <summary>Where screenshots go: beside the test assembly, so they survive the run.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        // Fail (not skip) before starting anything when there is no browser to drive.
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured ? configured : DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at '{chromium}' (set {ChromiumVariable} to choose another path). "
                + "The browser tests need a system Chromium and never download one: run ./test.sh, which installs it (apt-get install chromium fonts-noto-cjk).");
        }

        Directory.CreateDirectory(_directory);
        Directory.CreateDirectory(ScreenshotDirectory);
        var database = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "pingyi.db") }.ToString();

        _app = new PingYiAppFactory(database, SmsPickupFolder, MailPickupFolder, Time, ConfigureApp);
        _app.UseKestrel(0);
        _app.StartServer();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no IServerAddressesFeature.");
        // The feature can still read as configured (port 0) for a moment after start on a busy machine: wait for the bound port.
        var bound = System.Diagnostics.Stopwatch.StartNew();
        Uri? address = null;
        while ((address = addresses.Where(a => a.StartsWith("http://", StringComparison.Ordinal)).Select(a => new Uri(a)).FirstOrDefault(u => u.Port != 0)) is null
               && bound.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }
        BaseAddress = address
            ?? throw new InvalidOperationException($"Kestrel is not listening on a bound plain HTTP port (addresses: {string.Join(", ", addresses)}).");

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // The browser's own UI strings (file picker button, date placeholder) as on a Chinese phone;
                // takes effect only where the chromium-l10n locale files are installed.
                "--lang=zh-CN",
            ],
        });
    }

    /// <summary>A phone: 390×844 CSS pixels, touch, 2× pixels, Chinese locale.</summary>
    public async Task<IBrowserContext> NewPhoneContextAsync()
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 2,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    /// <summary>A desktop: 1280×900, mouse, Chinese locale.</summary>
    public async Task<IBrowserContext> NewDesktopContextAsync()
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 900 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    /// <summary>
    /// Fires every timer due at the fake clock's time, as the app's minutely sweep would once the clock has moved.
    /// A test that moves the clock past a deadline calls this before anyone opens a page, so the recurring job
    /// (which runs on the real clock) finds nothing left to fire while a form is open: firing bumps the
    /// complaint's version, and a form rendered before that is refused as stale (412).
    /// </summary>
    public async Task<int> SweepTimersAsync()
    {
        await using var scope = (_app ?? throw new InvalidOperationException("The fixture is not initialised.")).Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PingYi.Web.Features.Complaints.Timers.SweepTimers.Handler>().HandleAsync(CancellationToken.None);
    }

    /// <summary>
    /// Delivers every outbox row due at the fake clock's time, as the app's minutely <c>outbox</c> job would: the SMS and
    /// mail land in <see cref="SmsPickupFolder"/> and <see cref="MailPickupFolder"/>.
    /// </summary>
    public async Task DeliverOutboxAsync()
    {
        await using var scope = (_app ?? throw new InvalidOperationException("The fixture is not initialised.")).Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PingYi.Web.Features.Notifications.DeliverOutbox.Handler>().HandleAsync(CancellationToken.None);
    }

    /// <summary>The text of every SMS file written so far to <paramref name="mobile"/>, oldest first.</summary>
    public IReadOnlyList<string> SmsTo(string mobile) =>
        !Directory.Exists(SmsPickupFolder)
            ? []
            : Directory.GetFiles(SmsPickupFolder, "*.txt").OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText)
                .Where(t => t.StartsWith($"To: {mobile}\n", StringComparison.Ordinal)).ToList();

    /// <summary>Settings a derived fixture adds to the app (e.g. <c>Demo:History</c>).</summary>
    protected virtual void ConfigureApp(IWebHostBuilder builder)
    {
    }

    /// <summary>The phone (390 px) or the desktop (1280 px), for tests that run at both widths.</summary>
    public Task<IBrowserContext> NewContextAsync(int width) => width <= 390 ? NewPhoneContextAsync() : NewDesktopContextAsync();

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing the run for.
        }
    }

    private sealed class PingYiAppFactory(string connectionString, string smsFolder, string mailFolder, TimeProvider time, Action<IWebHostBuilder> configure) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Demo data (every demo account the journeys sign in with) exists only in Development.
            builder.UseEnvironment("Development");
            builder.UseStaticWebAssets();
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("ConnectionStrings:PingYi", connectionString);
            builder.UseSetting("Demo:Seed", "true");
            // SMS and mail as files in the fixture's own folder, not under the app's content root.
            builder.UseSetting("Sms:PickupFolder", smsFolder);
            builder.UseSetting("Mail:PickupFolder", mailFolder);
            builder.UseSetting("RateLimits:IntakePerMinute", "1000");
            builder.UseSetting("RateLimits:LookupPerMinute", "1000");
            builder.UseSetting("RateLimits:AccessCodeFreeFailures", "1000");
            builder.UseSetting("RateLimits:SurveyPerUnitPerNetworkPerDay", "1000");
            builder.UseSetting("RateLimits:LoginPerMinute", "1000");
            builder.UseSetting("RateLimits:ApiPerMinute", "100000");
            // The journeys move the fake clock by hours between one person's steps; a working day's idle limit keeps
            // their sessions (the 30-minute default is tested through the API in AdminApiTests).
            builder.UseSetting("Accounts:IdleTimeoutMinutes", "600");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(time);
                // The demo accounts are hashed at every start and signed in by every journey: the production PBKDF2
                // cost (~100,000 rounds) adds nothing a browser test checks. Same format, fewer rounds.
                services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = 1_000);
            });
            configure(builder);
        }
    }
}
