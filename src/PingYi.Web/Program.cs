using PingYi.Web.Infrastructure;

// `dotnet PingYi.Web.dll migrate` applies the migrations and exits (for Database:MigrateOnStartup=false deployments).
var migrateOnly = args.Length > 0 && args[0] == "migrate";
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
