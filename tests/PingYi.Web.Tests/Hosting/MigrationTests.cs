using Microsoft.EntityFrameworkCore;
using PingYi.Data;

namespace PingYi.Web.Tests.Hosting;

/// <summary>The model and each provider's migrations agree (the same check as <c>dotnet ef migrations has-pending-model-changes</c>).</summary>
public sealed class MigrationTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void Every_model_change_has_a_migration(DatabaseProvider provider)
    {
        var settings = new DatabaseSettings(provider, provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : "Host=127.0.0.1;Database=unused");
        var options = new DbContextOptionsBuilder<PingYiDbContext>();
        settings.Configure(options);
        using var db = new PingYiDbContext(options.Options);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"The model has changes without a {provider} migration: run migrations/add-migration.sh NAME.");
    }
}
