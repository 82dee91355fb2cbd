using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Storage;

/// <summary>Brings the database up to date as the first start-up step, before the server listens and before unfinished work is looked at.</summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, StorageModule storage, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        await storage.MigrateAsync(db, ct);
        logger.LogDebug("Database {Database} is up to date", db.Database.GetDbConnection().DataSource);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
