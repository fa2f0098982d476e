using PingYi.Web.Infrastructure;

// `dotnet PingYi.Web.dll migrate` applies the migrations and exits (for Database:MigrateOnStartup=false deployments).
// `backup <dir>` / `restore <dir>`: a consistent copy of the SQLite database (and the key certificate), or back from one.
// `verify <file>`: recomputes a unit's score and fingerprint from its verification file (docs/evaluation.md, "Fingerprint").
if (args.Length > 0 && args[0] == "verify")
{
    if (args.Length < 2 || args[1].StartsWith('-'))
    {
        Console.Error.WriteLine("Usage: PingYi.Web verify <verification file>");
        return 2;
    }
    Console.OutputEncoding = System.Text.Encoding.UTF8;
    return PingYi.Web.Features.Scoring.VerifyCommand.Run(args[1], Console.Out);
}
var command = args.Length > 0 && args[0] is "migrate" or "backup" or "restore" ? args[0] : null;
if (command is "backup" or "restore")
{
    if (args.Length < 2 || args[1].StartsWith('-'))
    {
        Console.Error.WriteLine($"Usage: PingYi.Web {command} <directory> [settings…]");
        return 2;
    }
    return await SqliteBackup.RunAsync(command, args[1], WebApplication.CreateBuilder(args[2..]));
}
var migrateOnly = command == "migrate";
var builder = WebApplication.CreateBuilder(migrateOnly ? args[1..] : args);
if (!builder.AddPingYi())
{
    return 1;
}

var app = builder.Build();
if (migrateOnly)
{
    return await app.MigrateOnlyAsync() ? 0 : 1;
}
app.UsePingYi();

if (!await app.PrepareDatabaseAsync())
{
    return 1;
}
app.ScheduleJobs();

await app.RunAsync();
return 0;

/// <summary>Entry point, public so that the test hosts can reference it.</summary>
public partial class Program;
