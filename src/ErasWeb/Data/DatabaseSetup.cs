using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Data;

public static class DatabaseSetup
{
    /// <summary>Applies migrations and switches the file to WAL so readers never wait for the writer.</summary>
    /// <remarks>WAL mode is persistent in the file. Each connection also sets synchronous=NORMAL (see ErasDb): with WAL that
    /// cannot corrupt the database and loses nothing when the process dies, only the last commits on a power cut.</remarks>
    public static void MigrateDatabase(this IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }
}
