using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Data;

/// <summary>
/// Brings the database up to date as the first start-up step, before the server listens and before
/// jobs are recovered: applies migrations; on SQLite also creates the data directory and switches the
/// file to WAL so readers never wait for the writer.
/// </summary>
/// <remarks>WAL mode is persistent in the file. Each connection also sets synchronous=NORMAL (see ErasDb): with WAL that
/// cannot corrupt the database and loses nothing when the process dies, only the last commits on a power cut.</remarks>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        bool sqlite = db.Database.IsSqlite();
        if (sqlite && Path.GetDirectoryName(db.Database.GetDbConnection().DataSource) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        // Processes starting together on one PostgreSQL database take turns: EF Core locks the migrations history first.
        await db.Database.MigrateAsync(ct);
        if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        logger.LogDebug("Database {Database} is up to date", db.Database.GetDbConnection().DataSource);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
