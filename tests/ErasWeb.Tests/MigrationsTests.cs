using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Tests;

public class MigrationsTests
{
    [Fact]
    public void The_migrations_describe_the_model_exactly()
    {
        using var db = new ErasDb(new DbContextOptionsBuilder<ErasDb>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run 'dotnet ef migrations add' in src/ErasWeb.");
    }
}
