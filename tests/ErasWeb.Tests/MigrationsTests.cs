using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Tests;

public class MigrationsTests
{
    [Fact]
    public void The_SQLite_migrations_describe_the_model_exactly()
    {
        using var db = new ErasDb(new DbContextOptionsBuilder<ErasDb>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run 'dotnet ef migrations add <Name> --context ErasDb --output-dir Data/Migrations' in src/ErasWeb.");
    }

    [Fact]
    public void The_PostgreSQL_migrations_describe_the_model_exactly()
    {
        using var db = new DesignTimePostgresErasDbFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a PostgreSQL migration: run 'dotnet ef migrations add <Name> --context PostgresErasDb --output-dir Data/Migrations/Postgres' in src/ErasWeb.");
        Assert.NotEmpty(db.Database.GetMigrations());
    }
}
