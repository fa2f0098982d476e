using System.Globalization;
using PingYi.Benchmarks;

// PingYi intake benchmark. See docs/benchmarks.md; tests/PingYi.Benchmarks/run.sh sets up PostgreSQL and the app
// and calls the "all" mode. Every mode loads 127.0.0.1 only and runs for a bounded time.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// The channel-score benchmark (issue 11) has options of its own; see ChannelScoreBench.
if (args.Length > 0 && args[0] == "channel-score")
{
    return await ChannelScoreBench.MainAsync(args[1..]);
}
// Triage suggestions (issue 24): accuracy on the labelled set, similar complaints, latency; see Triage/TriageBench.
if (args.Length > 0 && args[0] == "triage")
{
    return PingYi.Benchmarks.Triage.TriageBench.Run(args[1..]);
}
// Issue 26: a restart, a failover or a node stopped under load; see Outage.
if (args.Length > 0 && args[0] == "outage")
{
    return await Outage.MainAsync(args[1..]);
}
// The whole round as the rankings API computes it (issue 11's benchmark as stated); see ScoringBench.
if (args.Length > 0 && args[0] == "scoring")
{
    return await ScoringBench.MainAsync(args[1..]);
}

Options o;
try
{
    o = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

var warmup = TimeSpan.FromSeconds(o.Warmup);
var duration = TimeSpan.FromSeconds(o.Duration);
var openDuration = TimeSpan.FromSeconds(o.OpenDuration);
ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, o.Connections + 4), io);

void Print(Result r) => Console.WriteLine(r.Line());
var cpu = new CpuMeter(o.AppPid, o.PostgresPid);

NpgsqlDataSourceHolder pg = new(o);
try
{
    switch (o.Mode)
    {
        case "ceiling":
            Print(await RawSql.CeilingAsync(pg.Get(), await RawSql.UnitIdAsync(pg.Get(), o.Unit), o.Connections, warmup, duration, cpu));
            break;
        case "app-shape":
            Print(await RawSql.AppShapeAsync(pg.Get(), o.Unit, o.Counter, o.Connections, warmup, duration, cpu));
            break;
        case "intake":
            Print(await HttpLoad.ClosedLoopAsync(o.RequireUrl(), HttpLoad.Intake(o.Unit), o.Connections, warmup, duration, cpu));
            break;
        case "open":
            Print(await HttpLoad.OpenLoopAsync(o.RequireUrl(), HttpLoad.Intake(o.Unit), o.Rate, o.OpenMaxConnections, warmup, openDuration, cpu));
            break;
        case "get":
            Print(await HttpLoad.ClosedLoopAsync(o.RequireUrl(), HttpLoad.Get(o.Path), o.Connections, warmup, duration, cpu));
            break;
        case "all":
            await AllAsync();
            break;
        case "outbox":
            await OutboxBench.RunAsync(pg.Get(), o.Postgres!, o.Messages, o.Rounds);
            break;
        case "generate":
            await Generator.RunAsync(o.Postgres ?? throw new ArgumentException("--pg is required"),
                new Generator.Settings(o.Complaints, o.Units, o.Years, o.Shape, o.Due, o.LongTimelines, o.Seed));
            break;
        case "pages":
            await StaffPages.RunAsync(o);
            break;
        case "sweep":
            await SweepBench.RunAsync(o);
            break;
        case "soak":
            // Its own default: ten minutes (the per-phase --duration of the other modes is 12 s).
            if (await Soak.RunAsync(o, o.DurationGiven ? o.Duration : 600) != 0)
            {
                return 1;
            }
            break;
        case "create-db":
            await RawSql.CreateDatabaseAsync(pg.Get(), o.Database ?? throw new ArgumentException("--database is required"), o.Template);
            break;
        case "drop-db":
            await RawSql.DropDatabaseAsync(pg.Get(), o.Database ?? throw new ArgumentException("--database is required"));
            break;
        default:
            Console.Error.WriteLine($"unknown mode '{o.Mode}'");
            Console.Error.WriteLine(Options.Usage);
            return 2;
    }
}
finally
{
    await pg.DisposeAsync();
}
return 0;

async Task AllAsync()
{
    var url = o.RequireUrl();
    var db = pg.Get();
    var unitId = await RawSql.UnitIdAsync(db, o.Unit);
    Console.WriteLine($"PingYi intake benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
        $"{o.Connections} connections, warm-up {o.Warmup}s + {o.Duration}s per phase");
    Console.WriteLine(await RawSql.ServerSettingsAsync(db));
    var loadBefore = LoadAverage();
    Console.WriteLine($"load average at the start: {loadBefore} (other work on this machine shares its cores)");

    // A fresh app runs its first minute or so on unoptimised (tier-0) code; a CPU-starved machine needs a
    // while to finish the tier-1 compilation. Warm it on the measured path first, not counted.
    var warm = await HttpLoad.ClosedLoopAsync(url, HttpLoad.Intake(o.Unit), o.Connections, TimeSpan.Zero, TimeSpan.FromSeconds(o.AppWarmup));
    Console.WriteLine($"(app warm-up, not counted: {warm.Successes} complaints in {o.AppWarmup:0} s, {warm.PerSecond:0.0}/s, errors: {warm.ErrorSummary})");
    // The open loop opens connections of its own as it goes, and the app's connection set-up code (Kestrel, sockets)
    // had run only as many times as the closed loop had connections: the first seconds of the measured open loop
    // then paid for its tier-1 compilation (stalls of 100–300 ms, docs/benchmarks.md). Warm that path too: the open
    // loop at its rate, each request on a new connection.
    var warmOpen = await HttpLoad.OpenLoopAsync(url, HttpLoad.EachOnNewConnection(HttpLoad.Intake(o.Unit)), o.Rate, o.OpenMaxConnections, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    Console.WriteLine($"(open-loop warm-up, not counted: {warmOpen.Successes} complaints at {o.Rate:0}/s, p99 {warmOpen.PercentileMs(99):0.0} ms; {warmOpen.Note})");

    // The ceiling is measured before and after the intake; the ratio uses their mean, so that drift on a
    // shared machine during the run shows up instead of skewing the ratio.
    var ceiling1 = await RawSql.CeilingAsync(db, unitId, o.Connections, warmup, duration, cpu);
    Print(ceiling1);
    var intake = await HttpLoad.ClosedLoopAsync(url, HttpLoad.Intake(o.Unit), o.Connections, warmup, duration, cpu);
    Print(intake);
    var ceiling2 = await RawSql.CeilingAsync(db, unitId, o.Connections, warmup, duration, cpu);
    Print(ceiling2);
    var open = await HttpLoad.OpenLoopAsync(url, HttpLoad.Intake(o.Unit), o.Rate, o.OpenMaxConnections, warmup, openDuration, cpu);
    Print(open);
    // The second ceiling: a complaint's own rows in one transaction, raw SQL (our schema's cost without our code's).
    var rows = await RawSql.ComplaintRowsAsync(db, unitId, o.Connections, warmup, duration, cpu);
    Print(rows);

    Result? units = null, shape = null, shapeSequence = null;
    if (o.Diagnostics)
    {
        // Reference points, shorter: the framework and one query with no write (GET /api/v1/units), and the
        // app's statements as raw SQL with its shared counter row and with a sequence in its place.
        var shortRun = TimeSpan.FromSeconds(Math.Max(4, o.Duration / 2));
        units = await HttpLoad.ClosedLoopAsync(url, HttpLoad.Get("/api/v1/units"), o.Connections, TimeSpan.FromSeconds(2), shortRun, cpu);
        Print(units);
        shape = await RawSql.AppShapeAsync(db, o.Unit, "row", o.Connections, TimeSpan.FromSeconds(2), shortRun, cpu);
        Print(shape);
        shapeSequence = await RawSql.AppShapeAsync(db, o.Unit, "sequence", o.Connections, TimeSpan.FromSeconds(2), shortRun, cpu);
        Print(shapeSequence);
    }

    var ceiling = (ceiling1.PerSecond + ceiling2.PerSecond) / 2;
    var ratio = intake.PerSecond / ceiling;
    var openOk = open.PercentileMs(99) <= 50 && open.ErrorCount == 0;
    if (o.Summary is not null)
    {
        await File.AppendAllLinesAsync(o.Summary, [
            $"intake, accepted complaints/s:       {intake.PerSecond:0.0}   (errors: {intake.ErrorSummary})",
            $"ceiling, raw INSERT transactions/s:  {ceiling:0.0}   (.NET client, before {ceiling1.PerSecond:0.0}, after {ceiling2.PerSecond:0.0})",
            $"intake / ceiling:                    {ratio * 100:0.0} %   target ≥ 50 % → {(ratio >= 0.5 ? "MET" : "NOT MET")}",
            $"intake at {o.Rate:0} req/s, p99:           {open.PercentileMs(99):0.0} ms ({open.ErrorCount} errors)",
            $"second ceiling, a complaint's rows in one transaction (raw SQL): {rows.PerSecond:0.0}/s ({rows.PerSecond / ceiling * 100:0.0} % of the .NET single-row ceiling); intake / second ceiling: {intake.PerSecond / rows.PerSecond * 100:0.0} %",
            $"CPU per complaint (ms), intake: {(intake.Cpu is { } sc ? sc.Describe(intake.Successes) : "n/a")}",
            $"load average at the end: {LoadAverage()}",
        ]);
    }
    Console.WriteLine();
    Console.WriteLine("==================== summary ====================");
    Console.WriteLine($"connections (HTTP and PostgreSQL):   {o.Connections}");
    Console.WriteLine($"load average (1, 5, 15 min):         start {loadBefore}, end {LoadAverage()}");
    Console.WriteLine($"intake, accepted complaints/s:       {intake.PerSecond:0.0}   (201s: {intake.Successes}, errors: {intake.ErrorSummary})");
    Console.WriteLine($"ceiling, raw INSERT transactions/s:  {ceiling:0.0}   (before {ceiling1.PerSecond:0.0}, after {ceiling2.PerSecond:0.0}; errors: {ceiling1.ErrorCount + ceiling2.ErrorCount})");
    Console.WriteLine($"intake / ceiling:                    {ratio * 100:0.0} %   target ≥ 50 % → {(ratio >= 0.5 ? "MET" : "NOT MET")}");
    Console.WriteLine($"intake latency, closed loop:         p50 {intake.PercentileMs(50):0.0} ms, p99 {intake.PercentileMs(99):0.0} ms");
    Console.WriteLine($"intake latency at {o.Rate:0} req/s (open):  p50 {open.PercentileMs(50):0.0} ms, p99 {open.PercentileMs(99):0.0} ms " +
        $"({open.Successes} of {open.Successes + open.ErrorCount} sent answered 201, errors: {open.ErrorSummary})   target p99 ≤ 50 ms → {(openOk ? "MET" : "NOT MET")}");
    if (intake.Cpu is { } ic && ceiling2.Cpu is { } cc)
    {
        Console.WriteLine($"intake  {ic.Describe(intake.Successes)}");
        Console.WriteLine($"ceiling {cc.Describe(ceiling2.Successes)}");
    }
    if (units is not null && shape is not null && shapeSequence is not null)
    {
        Console.WriteLine($"reference GET /api/v1/units:         {units.PerSecond:0.0}/s, p50 {units.PercentileMs(50):0.0} ms, p99 {units.PercentileMs(99):0.0} ms" +
            (units.Cpu is { } uc ? $"; app CPU {uc.AppMsPer(units.Successes):0.00} ms/request" : ""));
        Console.WriteLine($"reference raw SQL, app's shape:      {shape.PerSecond:0.0}/s ({shape.PerSecond / ceiling * 100:0.0} % of ceiling), p50 {shape.PercentileMs(50):0.0} ms, p99 {shape.PercentileMs(99):0.0} ms");
        Console.WriteLine($"  … with a sequence for the counter: {shapeSequence.PerSecond:0.0}/s ({shapeSequence.PerSecond / ceiling * 100:0.0} % of ceiling), p50 {shapeSequence.PercentileMs(50):0.0} ms, p99 {shapeSequence.PercentileMs(99):0.0} ms");
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg")
    ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
    : "n/a";

/// <summary>Opens the PostgreSQL data source only for the modes that need it.</summary>
sealed class NpgsqlDataSourceHolder(Options o) : IAsyncDisposable
{
    private Npgsql.NpgsqlDataSource? _db;

    public Npgsql.NpgsqlDataSource Get() => _db ??= RawSql.DataSource(
        o.Postgres ?? throw new ArgumentException("--pg <connection string> is required for this mode"), o.Connections);

    public ValueTask DisposeAsync() => _db?.DisposeAsync() ?? ValueTask.CompletedTask;
}

sealed class Options
{
    public const string Usage = """
        usage: PingYi.Benchmarks <mode> [options]
          modes: all | ceiling | intake | open | get | app-shape | outbox | generate | pages | sweep | soak | create-db | drop-db
          --url http://127.0.0.1:PORT    the running app (intake, open, get, all)
          --pg "<Npgsql connection string>"  the app's database (ceiling, app-shape, all)
          --connections N   concurrent connections, HTTP and PostgreSQL alike (16)
          --app-warmup S    all: intake load before any measurement, not counted (25)
          --warmup S        seconds not counted at the start of each phase (2)
          --duration S      measured seconds per closed-loop phase (12); soak: measured seconds of the soak (600)
          --rate R          open-loop requests per second (200); soak: all kinds together
          soak: 1 intake : 5 lookups : 10 staff reads : 2 actions at --rate, after --warmup S (ramping from 10 % of the rate) not counted;
                the app's working set every 10 s (--app-pid) and a flat/not-flat verdict on the last 5 minutes
          --open-duration S measured seconds of the open-loop phase (15)
          --open-max-connections N  connection cap of the open loop (64)
          --path P          the GET path for mode get (/api/v1/units)
          --unit CODE       unit code of the complaints (jyt)
          --database NAME   create-db, drop-db: the database (--pg names a maintenance database)
          --template NAME   create-db: a copy of this database (migrated and seeded once)
          --counter KIND    app-shape: row (the app's counter row), sequence or none (row)
          --messages N      outbox: messages per phase (2000); --pg names a server where a database may be created
          --rounds N        outbox: bare loop and outbox job alternately, N times each (3)
          --complaints N    generate: complaints to add (1000000)
          --units N         generate: units in all, added as copies of the first when fewer (200)
          --years N         generate: years of history up to now (5)
          --shape KIND      generate: history (the staff pages) or open (the sweep: all open, --due of them due) (history)
          --due N           generate --shape open: complaints with a timer due now (10000)
          --long-timelines N  generate: complaints with a 50-event timeline (100)
          --seed N          generate: random seed (12)
          --requests N      pages: requests per page and filter (60)
          --plans FILE      pages: write the EXPLAIN (ANALYZE, BUFFERS) plans there (markdown)
          --pg-log FILE     pages: the PostgreSQL server log, where auto_explain writes the plans
          --pg-admin CS     pages: a superuser connection (ALTER SYSTEM switches auto_explain on and off)
          --summary FILE    all, pages, sweep, soak: append the summary lines to FILE as well (run.sh prints them last)
          --app-pid PID     the app's process, to report its CPU per request (Linux /proc)
          --pg-pid PID      the postmaster, to report PostgreSQL's CPU per request (Linux /proc)
          --no-diagnostics  all: skip the GET /api/v1/units and app-shape reference points
        """;

    public string Mode { get; private set; } = "all";
    public string? Url { get; private set; }
    public string? Postgres { get; private set; }
    public int Connections { get; private set; } = 16;
    public double Warmup { get; private set; } = 2;
    public double Duration { get; private set; } = 12;
    public bool DurationGiven { get; private set; }
    public double Rate { get; private set; } = 200;
    public double OpenDuration { get; private set; } = 15;
    public int OpenMaxConnections { get; private set; } = 64;
    public string Path { get; private set; } = "/api/v1/units";
    public string Unit { get; private set; } = "jyt";
    public bool Diagnostics { get; private set; } = true;
    public string? Database { get; private set; }
    public string Counter { get; private set; } = "row";
    public int Messages { get; private set; } = 2000;
    public int Rounds { get; private set; } = 3;
    public int? AppPid { get; private set; }
    public int? PostgresPid { get; private set; }
    public double AppWarmup { get; private set; } = 25;
    public int Complaints { get; private set; } = 1_000_000;
    public int Units { get; private set; } = 200;
    public int Years { get; private set; } = 5;
    public string Shape { get; private set; } = "history";
    public int Due { get; private set; } = 10_000;
    public int LongTimelines { get; private set; } = 100;
    public int Seed { get; private set; } = 12;
    public int Requests { get; private set; } = 60;
    public string? Plans { get; private set; }
    public string? PgLog { get; private set; }
    public string? PgAdmin { get; private set; }
    public string? Summary { get; private set; }
    public string? Template { get; private set; }

    public Uri RequireUrl()
    {
        var url = new Uri((Url ?? throw new ArgumentException("--url is required for this mode")).TrimEnd('/') + "/");
        if (!url.IsLoopback)
        {
            throw new ArgumentException("--url must be a loopback address: this tool only loads the local machine");
        }
        return url;
    }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        var i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            o.Mode = args[0];
            i = 1;
        }
        for (; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Positive(string s, double max = 600) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && v <= max
                ? v : throw new ArgumentException($"'{s}' is not a number in (0, {max}]");
            switch (args[i])
            {
                case "--url": o.Url = Next(); break;
                case "--pg": o.Postgres = Next(); break;
                case "--connections": o.Connections = (int)Positive(Next()); break;
                case "--warmup": o.Warmup = Positive(Next()); break;
                case "--duration": o.Duration = Positive(Next(), 3600); o.DurationGiven = true; break; // a soak may run an hour
                case "--rate": o.Rate = Positive(Next(), 5000); break;
                case "--open-duration": o.OpenDuration = Positive(Next()); break;
                case "--open-max-connections": o.OpenMaxConnections = (int)Positive(Next()); break;
                case "--path": o.Path = Next(); break;
                case "--unit": o.Unit = Next(); break;
                case "--no-diagnostics": o.Diagnostics = false; break;
                case "--database": o.Database = Next(); break;
                case "--counter": o.Counter = Next(); break;
                case "--messages": o.Messages = (int)Positive(Next(), 1_000_000); break;
                case "--rounds": o.Rounds = (int)Positive(Next(), 100); break;
                case "--app-warmup": o.AppWarmup = Positive(Next()); break;
                case "--app-pid": o.AppPid = (int)Positive(Next(), int.MaxValue); break;
                case "--pg-pid": o.PostgresPid = (int)Positive(Next(), int.MaxValue); break;
                case "--complaints": o.Complaints = (int)Positive(Next(), 10_000_000); break;
                case "--units": o.Units = (int)Positive(Next(), 10_000); break;
                case "--years": o.Years = (int)Positive(Next(), 50); break;
                case "--shape": o.Shape = Next() is "history" or "open" ? args[i] : throw new ArgumentException("--shape is history or open"); break;
                case "--due": o.Due = (int)Positive(Next(), 10_000_000); break;
                case "--long-timelines": o.LongTimelines = (int)Positive(Next(), 100_000); break;
                case "--seed": o.Seed = (int)Positive(Next(), int.MaxValue); break;
                case "--requests": o.Requests = (int)Positive(Next(), 100_000); break;
                case "--plans": o.Plans = Next(); break;
                case "--pg-log": o.PgLog = Next(); break;
                case "--pg-admin": o.PgAdmin = Next(); break;
                case "--summary": o.Summary = Next(); break;
                case "--template": o.Template = Next(); break;
                case "-h" or "--help": throw new ArgumentException("");
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return o;
    }
}
