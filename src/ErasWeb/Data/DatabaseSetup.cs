using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Data;

public static class DatabaseSetup
{
    /// <summary>Applies migrations and switches the file to WAL so readers never wait for the writer.</summary>
    public static void MigrateDatabase(this IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }
}
