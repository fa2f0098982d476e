using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PingYi.Data;

namespace PingYi.Migrations.Sqlite;

/// <summary>Lets `dotnet ef` build the context for this provider without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PingYiDbContext>
{
    public PingYiDbContext CreateDbContext(string[] args)
    {
        var settings = new DatabaseSettings(DatabaseProvider.Sqlite, DesignTimeConnectionString);
        var options = new DbContextOptionsBuilder<PingYiDbContext>();
        settings.Configure(options);
        return new PingYiDbContext(options.Options);
    }

    // Only used to generate migrations; never opened.
    private const string DesignTimeConnectionString = "Data Source=design-time.db";
}
