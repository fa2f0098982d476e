using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Infrastructure;

namespace PingYi.Benchmarks;

/// <summary>
/// <c>PingYi.Benchmarks scoring --pg "&lt;maintenance connection string&gt;" [--complaints 1000000] [--units 200] [--repeat 5]
/// [--keep] [--database NAME]</c>: issue 11's benchmark as stated — a whole round (all six sources' scores, the
/// composite, deductions, ranks in the four categories, the tracking and public-notice lists) over 1,000,000
/// complaints and 200 units, against a raw SQL GROUP BY over the same handling-record rows, in the same run.
/// <para>
/// The timed call is the rankings API's own handler (<see cref="GetRankings.Handler.HandleAsync"/>, resolved from
/// the app's registrations in a fresh scope each time, as a Supervisor): the authorization, the round lookup,
/// <see cref="ScoringResults"/> (ratings, inspections, deductions, the channel score, the previous round's bottom
/// two, the accountability flags, <see cref="RankingCalculator"/>) and the API's response shape. The round is
/// open (not approved), so every call computes; the clock is fixed after the period, so the cut-off is the
/// period's end. Evaluation inputs are present for every source: 30 questionnaires per rated source per unit
/// (the service hall only for its resident units), two inspections per unit with findings, a deduction for one
/// unit in five, and the previous round's ranks imported for the two-year rule.
/// </para>
/// <c>--database</c> reuses a database a previous run kept (<c>--keep</c>) instead of loading a new one.
/// </summary>
public static class ScoringBench
{
    private const int Year = 2026;
    private const int ResponsesPerSource = 30;

    /// <summary>"Now" for the app: ten days after the period's end, so the cut-off is the end of the period.</summary>
    private static readonly DateTimeOffset Now = new(2026, 12, 20, 8, 0, 0, TimeSpan.Zero);

    public static async Task<int> MainAsync(string[] args)
    {
        string? maintenance = null, reuse = null;
        int complaints = 1_000_000, units = 200, repeat = 5;
        bool keep = false, sql = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--pg": maintenance = Next(); break;
                case "--complaints": complaints = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--units": units = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--keep": keep = true; break;
                // Prints every SQL statement of the app with its time (EF Core's command log), to see where the time goes.
                case "--sql": sql = true; break;
                case "--database": reuse = Next(); keep = true; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; usage: scoring --pg \"<connection string>\" [--complaints N] [--units N] [--repeat N] [--keep] [--database NAME] [--sql]");
                    return 2;
            }
        }
        if (maintenance is null)
        {
            Console.Error.WriteLine("scoring needs --pg \"<Npgsql connection string to a maintenance database>\"");
            return 2;
        }

        var name = reuse ?? $"pingyi_scbench_{DateTime.UtcNow:yyyyMMddHHmmss}_{Environment.ProcessId}";
        if (reuse is null)
        {
            await using var admin = NpgsqlDataSource.Create(maintenance);
            await RawSql.CreateDatabaseAsync(admin, name);
        }
        var connection = new NpgsqlConnectionStringBuilder(maintenance) { Database = name }.ConnectionString;
        try
        {
            return await RunAsync(connection, load: reuse is null, complaints, units, repeat, sql);
        }
        finally
        {
            if (!keep)
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = NpgsqlDataSource.Create(maintenance);
                await RawSql.DropDatabaseAsync(admin, name);
            }
            else
            {
                Console.WriteLine($"(kept database {name}; --database {name} runs the timings again without loading)");
            }
        }
    }

    private static async Task<int> RunAsync(string connection, bool load, int complaintCount, int unitCount, int repeat, bool sql)
    {
        var root = ChannelScoreBench.FindRoot();
        var workflowsDirectory = Path.Combine(root, "workflows");
        var definitions = EvaluationRoundLoader.LoadDirectory(Path.Combine(workflowsDirectory, "evaluation"));
        var definition = definitions.Single(d => d.Year == Year);

        // The app's own registrations for everything the rankings handler reads (no copy of the computation).
        var services = new ServiceCollection();
        services.AddLogging(l =>
        {
            l.SetMinimumLevel(LogLevel.Warning);
            if (sql)
            {
                l.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information);
            }
        });
        services.AddSingleton<TimeProvider>(new FixedTime(Now));
        // The benchmark times the computation: the pages' kept live results would answer every timed run from memory.
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Scoring:LiveResultsSeconds"] = "0" }).Build());
        services.AddPingYiDatabase(new DatabaseSettings(DatabaseProvider.Postgres, connection));
        services.AddSingleton(WorkflowRuntime.Load(workflowsDirectory, NullLogger.Instance));
        services.AddSingleton(new EvaluationRuntime(definitions));
        services.AddScoped<Rounds>();
        services.AddAuthorizationCore();
        services.AddChannelScores();
        services.AddScoring();
        await using var provider = services.BuildServiceProvider();

        Console.WriteLine($"PingYi scoring benchmark (issue 11) — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $"load average {ChannelScoreBench.LoadAverage()}; round {Year}, {unitCount} units");
        // Loading a million rows on a busy machine takes longer than the default 30 s command timeout.
        await using var data = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connection) { CommandTimeout = 0 }.ConnectionString);
        if (load)
        {
            await LoadAsync(provider, data, complaintCount, unitCount, definition);
        }
        else
        {
            // A kept database gets the migrations added since it was loaded (e.g. an index), then fresh statistics.
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PingYiDbContext>().Database.MigrateAsync();
            await using var cmd = data.CreateCommand("""VACUUM ANALYZE""");
            await cmd.ExecuteNonQueryAsync();
        }

        var supervisor = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "bench-supervisor"), new Claim(ClaimTypes.Role, StaffRoles.Supervisor)], "bench", ClaimTypes.Name, ClaimTypes.Role));
        DateTime cutoff;
        await using (var scope = provider.CreateAsyncScope())
        {
            cutoff = scope.ServiceProvider.GetRequiredService<ScoringResults>().CutoffFor(definition);
        }
        // The raw query counts the rows the round's countIn rule puts in its year, as the app does.
        var (from, to) = ChannelScoresFromRecord.Year(definition);
        var window = definition.Channel.CountIn == ChannelRates.AssignedYear ? ChannelScoreBench.AssignedWindow : ChannelScoreBench.DeadlineWindow;
        long rows;
        await using (var cmd = data.CreateCommand("""SELECT count(*) FROM "HandlingRecords" """))
        {
            rows = (long)(await cmd.ExecuteScalarAsync())!;
        }
        long complaints;
        await using (var cmd = data.CreateCommand("""SELECT count(*) FROM "Complaints" """))
        {
            complaints = (long)(await cmd.ExecuteScalarAsync())!;
        }
        Console.WriteLine($"{complaints:N0} complaints, {rows:N0} handling-record rows; cut-off {cutoff:yyyy-MM-dd HH:mm}Z");

        var timings = new List<double>();
        var raws = new List<double>();
        GetRankings.Response? response = null;
        List<long[]>? raw = null;
        // One untimed run of each first (connection pool, EF's compiled model and queries, PostgreSQL's cache), then alternate.
        for (var i = -1; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            await using (var scope = provider.CreateAsyncScope())
            {
                var result = await scope.ServiceProvider.GetRequiredService<GetRankings.Handler>().HandleAsync(Year, supervisor, CancellationToken.None);
                response = result.Succeeded ? result.Value! : throw new InvalidOperationException($"the rankings handler failed: {result.Failure}");
            }
            var ms = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            raw = await ChannelScoreBench.RawAsync(data, window, from, to, cutoff);
            var rawMs = sw.Elapsed.TotalMilliseconds;
            if (i >= 0)
            {
                timings.Add(ms);
                raws.Add(rawMs);
                Console.WriteLine($"run {i + 1}: all scores and ranks {ms,8:0.0} ms   raw GROUP BY {rawMs,8:0.0} ms   load {ChannelScoreBench.LoadAverage()}");
            }
        }

        // Untimed checks: every unit ranked, every source scored for some unit, and the channel facts equal to the raw query's.
        var ranked = response!.Categories.Sum(c => c.Units.Count);
        var sourcesSeen = response.Categories.SelectMany(c => c.Units).SelectMany(u => u.Sources).Where(s => s.Value is not null).Select(s => s.Key).Distinct().Count();
        var tracking = response.Categories.SelectMany(c => c.Units).Count(u => u.TrackingList);
        var notices = response.Categories.SelectMany(c => c.Units).Count(u => u.PublicNotice);
        var mismatches = 0;
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var ids = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Code, u => u.Id);
            var channel = await scope.ServiceProvider.GetRequiredService<IChannelScores>().ForRoundAsync(definition, cutoff, CancellationToken.None);
            var byId = raw!.ToDictionary(r => (int)r[0]);
            foreach (var (code, s) in channel)
            {
                if (!byId.TryGetValue(ids[code], out var r))
                {
                    continue;
                }
                var f = s.Facts;
                if (f.HandlingRounds != r[1] || f.Responses != r[3] || f.OnTime != r[4] || f.Overdue != r[5] + r[7] || f.SendBacks != r[8]
                    || f.QualityRatings != r[9] || f.Satisfied != r[11] || f.Dissatisfied != r[13] || f.Reopened != r[14] || f.RejectedReturns != r[15])
                {
                    if (mismatches++ == 0)
                    {
                        Console.WriteLine($"first differing unit {code}: rounds {f.HandlingRounds}/{r[1]}, responses {f.Responses}/{r[3]}, on time {f.OnTime}/{r[4]}, " +
                            $"overdue {f.Overdue}/{r[5] + r[7]}, send-backs {f.SendBacks}/{r[8]}, quality {f.QualityRatings}/{r[9]}, satisfied {f.Satisfied}/{r[11]}, " +
                            $"dissatisfied {f.Dissatisfied}/{r[13]}, reopened {f.Reopened}/{r[14]}, refused returns {f.RejectedReturns}/{r[15]} (app/raw)");
                    }
                }
            }
        }

        var median = ChannelScoreBench.Median(timings);
        var rawMedian = ChannelScoreBench.Median(raws);
        var met = median <= 3000 && median <= 2 * rawMedian;
        Console.WriteLine();
        Console.WriteLine("==================== summary ====================");
        Console.WriteLine($"units ranked: {ranked} in {response.Categories.Count} categories; sources with a score: {sourcesSeen} of 6; " +
            $"tracking list {tracking}, public notice {notices}; channel facts that differ from the raw query: {mismatches}");
        Console.WriteLine($"scoring, all scores and ranks (rankings handler), median of {repeat}: {median:0.0} ms (min {timings.Min():0.0}, max {timings.Max():0.0})   target ≤ 3000 ms → {(median <= 3000 ? "MET" : "NOT MET")}");
        Console.WriteLine($"scoring, raw SQL GROUP BY over the same rows, median of {repeat}:  {rawMedian:0.0} ms (min {raws.Min():0.0}, max {raws.Max():0.0})");
        Console.WriteLine($"scoring, ratio scores / raw: {median / rawMedian:0.00}×   target ≤ 2× → {(median <= 2 * rawMedian ? "MET" : "NOT MET")}");
        Console.WriteLine($"scoring, load average at the end: {ChannelScoreBench.LoadAverage()}");
        return mismatches == 0 && ranked == unitCount ? 0 : 1;
    }

    /// <summary>Units, the round and its inputs through EF Core; complaints and handling records with binary COPY; then VACUUM ANALYZE.</summary>
    private static async Task LoadAsync(ServiceProvider provider, NpgsqlDataSource data, int complaintCount, int unitCount, EvaluationRoundDefinition definition)
    {
        var load = Stopwatch.StartNew();
        var random = new Random(7);
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            await db.Database.MigrateAsync();
            var user = new StaffUser { Id = "bench-supervisor", UserName = "bench", NormalizedUserName = "BENCH", Email = "bench@example.org", DisplayName = "压测" };
            db.Users.Add(user);
            for (var u = 0; u < unitCount; u++)
            {
                var unit = new Unit($"u{u:D3}", $"评议单位{u:D3}", (UnitCategory)(u % 4 + 1), "职责", "0431-00000000", [$"u{u:D3}@example.org"]);
                // A third of the units are resident in the service hall; the others are scored without that source.
                unit.Update(unit.Name, unit.Category, unit.Duties, unit.SupervisionPhone, unit.ContactEmails, serviceHall: u % 3 == 0, null, active: true);
                db.Units.Add(unit);
            }
            var round = new EvaluationRound(Year, Now.UtcDateTime.AddMonths(-5));
            db.EvaluationRounds.Add(round);
            await db.SaveChangesAsync();

            var units = await db.Units.OrderBy(u => u.Id).ToListAsync();
            AddRoundInputs(db, round, definition, units, user.Id, Now.UtcDateTime.AddDays(-15), random);
            await db.SaveChangesAsync();
        }
        var unitIds = new List<int>();
        await using (var cmd = data.CreateCommand("""SELECT "Id" FROM "Units" ORDER BY "Id" """))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                unitIds.Add(reader.GetInt32(0));
            }
        }
        var (complaints, records) = await ChannelScoreBench.LoadAsync(data, unitIds, 0, complaintCount);
        await using (var cmd = data.CreateCommand("""VACUUM ANALYZE"""))
        {
            await cmd.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"loaded {unitCount} units, the round's inputs, {complaints:N0} complaints and {records:N0} handling-record rows in {load.Elapsed.TotalSeconds:0.0} s (not timed below)");
    }

    /// <summary>
    /// A round's inputs for every unit (tracked on <paramref name="db"/>, saved by the caller; the inspections are saved
    /// here, for the deductions to cite): 30 questionnaires per rated source (the service hall only for its resident
    /// units), two inspections with 0–2 findings, a deduction citing the first inspection for one unit in five, and the previous round's ranks imported (the two-year rule's bottom two).
    /// </summary>
    internal static void AddRoundInputs(PingYiDbContext db, EvaluationRound round, EvaluationRoundDefinition definition, IReadOnlyList<Unit> units,
        string userId, DateTime at, Random random)
    {
        string[] ratings = ["satisfied", "satisfied", "satisfied", "basically-satisfied", "basically-satisfied", "dissatisfied"];
        string[] severities = ["minor", "minor", "major", "serious"];
        string[] rules = ["careless-handling", "procedure", "inspection-finding", "other"];
        var cited = new List<(Unit Unit, Inspection Inspection)>();
        foreach (var unit in units)
        {
            foreach (var source in ScoringResults.RatedSources)
            {
                if (source == EvaluationCodes.ServiceHall && !unit.ServiceHall)
                {
                    continue;
                }
                for (var r = 0; r < ResponsesPerSource; r++)
                {
                    db.EvaluationResponses.Add(new EvaluationResponse(round.Id, unit.Id, source, ratings[random.Next(ratings.Length)], null,
                        ResponseChannel.Spreadsheet, null, null, null, at, []));
                }
            }
            for (var v = 0; v < 2; v++)
            {
                var findings = Enumerable.Range(0, random.Next(0, 3)).Select(f => new InspectionFinding($"发现问题{f + 1}", severities[random.Next(severities.Length)]));
                var inspection = new Inspection(round.Id, unit.Id, userId, definition.PeriodStart.AddDays(20 + 30 * v + random.Next(10)), v == 1,
                    ratings[random.Next(ratings.Length)], findings, at);
                db.Inspections.Add(inspection);
                if (v == 0 && unit.Id % 5 == 0)
                {
                    cited.Add((unit, inspection));
                }
            }
        }
        // A deduction cites what it punishes: here the unit's first inspection, which needs its id first.
        db.SaveChanges();
        foreach (var (unit, inspection) in cited)
        {
            db.Deductions.Add(new Deduction(round.Id, unit.Id, 1 + random.Next(3), "压测扣分", rules[random.Next(rules.Length)],
                new DeductionCitation(DeductionCitation.Inspection, inspection.Id), userId, at));
        }
        foreach (var group in units.GroupBy(u => u.Category))
        {
            var list = group.ToList();
            for (var r = 0; r < list.Count; r++)
            {
                db.PriorRanks.Add(new PriorRank(round.Year - 1, list[r].Code, list[r].Category, r + 1, r >= list.Count - 2, userId, at));
            }
        }
    }

    /// <summary>The app's clock, fixed: the benchmark's round is over and the cut-off does not move between runs.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
