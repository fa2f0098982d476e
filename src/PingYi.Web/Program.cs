using PingYi.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
if (!builder.AddPingYi())
{
    return 1;
}

var app = builder.Build();
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
